"""企业日报: one report per enterprise per day, kept in the day's tallies."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core import audit
from fugong.core.access import Role
from fugong.core.models import AuditAction

from .. import tallies
from ..choices import EXPECTED_STATES, EnterpriseState
from ..models import (
    DailyReport,
    EnterpriseStatus,
)
from .status import _key, status_set

# --- daily reports -------------------------------------------------------------------------------

REPORT_FIELDS = [
    "staff_on_duty",
    "staff_total",
    "output_pct",
    "output_reason",
    "masks_stock",
    "disinfectant_kg",
    "problems_found",
    "problems_solved",
    "problems_note",
    "abnormal_persons",
    "no_anomaly",
]


def _report_contribution(report: DailyReport) -> dict:
    return tallies.report_contribution(
        staff_on_duty=report.staff_on_duty, staff_total=report.staff_total, output_pct=report.output_pct
    )


def _check_expected_to_report(enterprise) -> None:
    """Only firms allowed back (filed / approved) or at work report; the others are told why."""
    status = EnterpriseStatus.objects.filter(enterprise=enterprise).first()
    if status is not None and status.out_of_scope:
        raise ValidationError(_("本企业已标记为不纳入统计，无需报送企业日报"))
    if status is None or status.state not in EXPECTED_STATES:
        state = status.get_state_display() if status else EnterpriseState.NOT_RESUMED.label
        raise ValidationError(
            _("本企业当前状态为“%(state)s”：完成复工备案（或审核通过）后再报送企业日报") % {"state": state}
        )


@transaction.atomic
def daily_report_save(*, actor, enterprise, date: dt.date, **fields) -> DailyReport:
    """Create or correct the day's report (until the day closes) and keep the day's tallies current.

    The first report with staff on duty moves an allowed enterprise to 已复工.
    """
    if actor.role != Role.ENTERPRISE_ADMIN or actor.scope_enterprise_id != enterprise.pk:
        raise PermissionDenied(_("只有本企业管理员可以填报企业日报"))
    today = timezone.localdate()
    if date != today:
        raise ValidationError({"date": _("只能填报或修改当天的日报（当天24时截止）")})
    report = DailyReport.objects.select_for_update().filter(enterprise=enterprise, date=date).first()
    previous = _report_contribution(report) if report else None
    report = report or DailyReport(
        enterprise=enterprise, date=date, area_path=enterprise.area_path, created_by=actor
    )
    for name, value in fields.items():
        setattr(report, name, value)
    if report.output_pct > 100 and not report.output_reason.strip():
        raise ValidationError({"output_reason": _("产能超过100%时请说明原因")})
    if report.staff_on_duty > report.staff_total:
        raise ValidationError({"staff_on_duty": _("到岗人数不能超过职工总数")})
    _check_expected_to_report(enterprise)
    report.updated_by = actor
    report.full_clean(validate_unique=False)
    report.save()
    current = _report_contribution(report)
    delta = {k: current[k] - (previous or {}).get(k, 0) for k in current}
    tallies.apply_daily(date, [(_key(enterprise), delta)])
    status = EnterpriseStatus.objects.filter(enterprise=enterprise).first()
    if (
        report.staff_on_duty > 0
        and status
        and status.state in (EnterpriseState.FILED, EnterpriseState.APPROVED)
    ):
        status_set(
            actor=actor, enterprise=enterprise, state=EnterpriseState.RESUMED, reason=_("首次日报有人员到岗")
        )
    return report


REPORT_AUDIT_FIELDS = ["date", *REPORT_FIELDS]


def _daily_report_write(actor, enterprise, date: dt.date, fields: dict) -> tuple[DailyReport, bool]:
    before = DailyReport.objects.select_for_update().filter(enterprise=enterprise, date=date).first()
    report = daily_report_save(actor=actor, enterprise=enterprise, date=date, **fields)
    audit.record(
        actor=actor,
        obj=report,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        before=audit.snapshot(before, REPORT_AUDIT_FIELDS) if before else None,
        after=audit.snapshot(report, REPORT_AUDIT_FIELDS),
    )
    return report, before is None


@transaction.atomic
def daily_report_submit(*, actor, enterprise, date: dt.date, **fields) -> tuple[DailyReport, bool]:
    """The enterprise's report for today from its form: created, or the day's report updated in place.

    Returns ``(report, created)``; the change is audited with before and after. When two first
    submissions of a day race, the later insert meets the one-per-day constraint and is retried once
    as an update of the row the other created: neither request fails and no second report appears.
    """
    try:
        with transaction.atomic():
            return _daily_report_write(actor, enterprise, date, fields)
    except IntegrityError:
        if not DailyReport.objects.filter(enterprise=enterprise, date=date).exists():
            raise
    return _daily_report_write(actor, enterprise, date, fields)
