"""Violations and the escalation: the step proposed by the count within the district's window, the
officer's decision, the enterprise's statement, and the dishonesty list (不诚信企业名单) with a
different approver for listing and for removal."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.core import audit
from fugong.core.access import DISHONESTY_APPROVE, INSPECT, VIOLATION_DECIDE, Role
from fugong.core.models import AuditAction
from fugong.core.scoping import CHANGE

from .. import rules
from ..choices import ListingStatus, Step, ViolationStatus
from ..models import Finding, Inspection, Listing, Statement, Violation
from ..policies import APPROVE, DECIDE, REMOVE
from .common import TAKEN, enterprise_in_scope, locked_in_scope, require

SAME_PERSON = gettext_lazy("提议人不能自己确认：须由另一名有确认权限的干部（如区领导）确认")
NO_APPROVE_RIGHT = gettext_lazy("只有有确认权限的干部（如区领导）可以确认列入或移出不诚信企业名单")


def _record(actor, obj, before: dict | None, action: str = AuditAction.UPDATE) -> None:
    audit.record(
        actor=actor, obj=obj, action=action, before=before, after=audit.snapshot(obj, obj.AUDIT_FIELDS)
    )


def _check_version(row, version: int | None) -> None:
    if version is not None and row.version != version:
        raise ValidationError(TAKEN)


@transaction.atomic
def violation_record(
    *, actor, inspection_id: int, description: str, finding_id: int | None = None
) -> Violation:
    """A violation found at an inspection. Its count within the window proposes the step."""
    require(actor, INSPECT, _("您无权记录违规"))
    inspection = locked_in_scope(Inspection, actor, inspection_id, CHANGE)
    enterprise = enterprise_in_scope(
        actor, inspection.enterprise_id, CHANGE
    )  # the lock serializes the counting
    if not description.strip():
        raise ValidationError({"description": _("请填写违规情形")})
    finding = None
    if finding_id is not None:
        finding = Finding.objects.filter(pk=finding_id, inspection=inspection).first()
        if finding is None:
            raise ValidationError({"finding": _("所选问题不属于这次检查")})
    days = rules.window_days()
    earlier = Violation.objects.filter(
        enterprise=enterprise,
        occurred_on__gte=rules.window_start(inspection.date, days),
        occurred_on__lte=inspection.date,
    ).count()
    violation = Violation.objects.create(
        enterprise=enterprise,
        area_path=enterprise.area_path,
        inspection=inspection,
        finding=finding,
        description=description.strip(),
        occurred_on=inspection.date,
        window_days=days,
        sequence=earlier + 1,
        proposed_step=rules.step_for(earlier + 1),
        recorded_by=actor,
    )
    _record(actor, violation, None, AuditAction.CREATE)
    return violation


@transaction.atomic
def violation_decide(
    *, actor, violation_id: int, version: int | None, step: str = "", reason: str = ""
) -> Violation:
    """Confirm the proposed step, or decide another one with a reason. The first officer wins."""
    require(actor, VIOLATION_DECIDE, _("您无权确认违规处理"))
    violation = locked_in_scope(Violation, actor, violation_id, DECIDE)
    if violation.status != ViolationStatus.PENDING:
        raise ValidationError(TAKEN)
    _check_version(violation, version)
    step = step or violation.proposed_step
    if step not in Step.values:
        raise ValidationError({"step": _("不是有效的处理步骤")})
    reason = reason.strip()
    if step != violation.proposed_step and not reason:
        raise ValidationError({"reason": _("与系统建议不同的处理决定须填写理由")})
    before = audit.snapshot(violation, Violation.AUDIT_FIELDS)
    violation.decided_step, violation.decision_reason = step, reason
    violation.status = (
        ViolationStatus.CONFIRMED if step == violation.proposed_step else ViolationStatus.CHANGED
    )
    violation.decided_by, violation.decided_at = actor, timezone.now()
    violation.version += 1
    violation.save()
    _record(actor, violation, before)
    return violation


@transaction.atomic
def statement_add(*, actor, violation_id: int, text: str) -> Statement:
    """The enterprise states its case on its own violation (陈述申辩)."""
    violation = locked_in_scope(Violation, actor, violation_id)
    if actor.role != Role.ENTERPRISE_ADMIN or actor.scope_enterprise_id != violation.enterprise_id:
        raise PermissionDenied(_("只有本企业管理员可以就违规记录进行陈述"))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("请填写陈述内容")})
    if len(text) > 2000:
        raise ValidationError({"text": _("陈述内容不超过 2000 字")})
    statement = Statement.objects.create(violation=violation, author=actor, text=text)
    audit.record(
        actor=actor,
        obj=violation,
        action=AuditAction.UPDATE,
        before={"statement": None},
        after={"statement": text[:200]},
    )
    return statement


@transaction.atomic
def listing_propose(*, actor, violation_id: int, reason: str) -> Listing:
    """Propose listing the enterprise, on a 3rd-or-later violation an officer has decided on."""
    require(actor, VIOLATION_DECIDE, _("您无权提议列入不诚信企业名单"))
    violation = locked_in_scope(Violation, actor, violation_id, DECIDE)
    enterprise_in_scope(actor, violation.enterprise_id, DECIDE)
    if violation.status == ViolationStatus.PENDING:
        raise ValidationError(_("须先由干部确认该违规的处理步骤，才能提议列入不诚信企业名单"))
    if violation.sequence < 3:
        raise ValidationError(_("期限内第 3 次及以上违规，才可视情况提议列入不诚信企业名单"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写列入理由（违规性质、情节）")})
    listing = Listing(
        enterprise_id=violation.enterprise_id,
        area_path=violation.area_path,
        violation=violation,
        reason=reason.strip(),
        proposed_by=actor,
    )
    try:
        with transaction.atomic():
            listing.save()
    except IntegrityError:
        raise ValidationError(_("该企业已在不诚信企业名单中，或已有待确认的列入提议")) from None
    _record(actor, listing, None, AuditAction.CREATE)
    return listing


@transaction.atomic
def listing_approve(
    *, actor, listing_id: int, version: int | None, approve: bool = True, reason: str = ""
) -> Listing:
    """The confirming officer — never the proposer — puts a proposal into effect (listing or
    removal), or turns it down with a reason."""
    require(actor, DISHONESTY_APPROVE, NO_APPROVE_RIGHT)
    listing = locked_in_scope(Listing, actor, listing_id, APPROVE)
    _check_version(listing, version)
    before = audit.snapshot(listing, Listing.AUDIT_FIELDS)
    now = timezone.now()
    if listing.status == ListingStatus.PROPOSED:
        if actor.pk == listing.proposed_by_id:
            raise ValidationError(SAME_PERSON)
        if approve:
            listing.status, listing.approved_by, listing.approved_at = ListingStatus.ACTIVE, actor, now
        else:
            _require_reason(reason)
            listing.status, listing.removal_reason, listing.removed_by, listing.removed_at = (
                ListingStatus.REJECTED,
                reason.strip(),
                actor,
                now,
            )
    elif listing.status == ListingStatus.REMOVAL_PROPOSED:
        if actor.pk == listing.removal_proposed_by_id:
            raise ValidationError(SAME_PERSON)
        if approve:
            listing.status, listing.removed_by, listing.removed_at = ListingStatus.REMOVED, actor, now
        else:
            _require_reason(reason)
            listing.status = ListingStatus.ACTIVE
    else:
        raise ValidationError(TAKEN)
    listing.version += 1
    listing.save()
    _record(actor, listing, before)
    return listing


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("不予确认时请填写理由")})


@transaction.atomic
def listing_request_removal(*, actor, listing_id: int, version: int | None, reason: str) -> Listing:
    """Propose removing a listed enterprise (rectified, appeal upheld …); another officer confirms."""
    if not (actor.can(VIOLATION_DECIDE) or actor.can(DISHONESTY_APPROVE)):
        raise PermissionDenied(_("您无权提议移出不诚信企业名单"))
    listing = locked_in_scope(Listing, actor, listing_id, REMOVE)
    _check_version(listing, version)
    if listing.status != ListingStatus.ACTIVE:
        raise ValidationError(TAKEN)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写移出理由")})
    before = audit.snapshot(listing, Listing.AUDIT_FIELDS)
    listing.status, listing.removal_reason = ListingStatus.REMOVAL_PROPOSED, reason.strip()
    listing.removal_proposed_by, listing.removal_proposed_at = actor, timezone.now()
    listing.version += 1
    listing.save()
    _record(actor, listing, before)
    return listing
