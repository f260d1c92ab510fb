"""Enterprise status (未复工 … 整改后复工), the out-of-scope flag, and the registry events that move
the rate tallies."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core import audit
from fugong.core.access import Role
from fugong.core.models import AuditAction

from .. import tallies
from ..choices import EnterpriseState
from ..models import (
    EnterpriseStatus,
    StatusChange,
)

# Which state may follow which; anything else is refused.
STATE_FLOW = {
    EnterpriseState.NOT_RESUMED: {EnterpriseState.FILED, EnterpriseState.APPROVED},
    EnterpriseState.FILED: {EnterpriseState.RESUMED, EnterpriseState.SUSPENDED},
    EnterpriseState.APPROVED: {EnterpriseState.RESUMED, EnterpriseState.SUSPENDED},
    EnterpriseState.RESUMED: {EnterpriseState.SUSPENDED},
    EnterpriseState.SUSPENDED: {
        EnterpriseState.RESUMED_AGAIN,
        EnterpriseState.FILED,
        EnterpriseState.APPROVED,
    },
    EnterpriseState.RESUMED_AGAIN: {EnterpriseState.SUSPENDED},
}
REVIEWER_ROLES = {Role.STREET_OFFICER, Role.SYSADMIN}
# A filing decides the state only of firms not already allowed back (a new filing of a firm at
# work, e.g. after a change of plan, leaves its state alone).
FILING_MOVES_FROM = {EnterpriseState.NOT_RESUMED, EnterpriseState.SUSPENDED}
MANUAL_STATES = {EnterpriseState.SUSPENDED, EnterpriseState.RESUMED_AGAIN}


def _key(enterprise) -> tallies.Key:
    return tallies.Key(enterprise.area_path, enterprise.category, enterprise.industry)


def _status_for_update(enterprise) -> EnterpriseStatus:
    status, _created = EnterpriseStatus.objects.get_or_create(enterprise=enterprise)
    return EnterpriseStatus.objects.select_for_update().get(pk=status.pk)


# --- the registry's events -------------------------------------------------------------------


def on_registry_changed(*, changes: list[tuple[int, tuple | None, tuple]], **_) -> None:
    """Enterprises were added, moved or re-classified: move their counts (with their status)."""
    known = [pk for pk, before, _after in changes if before is not None]  # new enterprises have no status
    states = (
        {
            pk: (state, out)
            for pk, state, out in EnterpriseStatus.objects.filter(enterprise_id__in=known).values_list(
                "enterprise_id", "state", "out_of_scope"
            )
        }
        if known
        else {}
    )
    deltas = []
    for pk, before, after in changes:
        state, out = states.get(pk, (None, False))
        contribution = tallies.status_contribution(state=state, out_of_scope=out)
        if before is not None:
            deltas.append((tallies.Key(*before), tallies.negate(contribution)))
        deltas.append((tallies.Key(*after), contribution))
    tallies.apply_status(deltas)


# --- enterprise status -------------------------------------------------------------------------


@transaction.atomic
def status_set(
    *, actor, enterprise, state: str, reason: str = "", on: dt.date | None = None
) -> EnterpriseStatus:
    """Move an enterprise to ``state``; suspensions need a reason on record."""
    status = _status_for_update(enterprise)
    if state not in STATE_FLOW[status.state]:
        raise ValidationError(
            _("企业当前状态为“%(current)s”，不能变更为“%(wanted)s”")
            % {"current": status.get_state_display(), "wanted": EnterpriseState(state).label}
        )
    if state == EnterpriseState.SUSPENDED and not reason.strip():
        raise ValidationError({"reason": _("停工整改必须填写理由")})
    before = tallies.status_contribution(state=status.state, out_of_scope=status.out_of_scope)
    on = on or timezone.localdate()
    StatusChange.objects.create(
        enterprise=enterprise,
        from_state=status.state,
        to_state=state,
        date=on,
        actor=actor,
        reason=reason.strip(),
    )
    old = {"state": status.get_state_display(), "since": str(status.since) if status.since else None}
    status.state, status.since = state, on
    status.save(update_fields=["state", "since"])
    audit.record(
        actor=actor,
        obj=status,
        action=AuditAction.UPDATE,
        before=old,
        after={"state": status.get_state_display(), "since": str(on), "reason": reason.strip()},
    )
    after = tallies.status_contribution(state=state, out_of_scope=status.out_of_scope)
    tallies.apply_status([(_key(enterprise), {k: after[k] - before[k] for k in after})])
    return status


def _status_after_filing(*, actor, enterprise, state: str) -> None:
    current = EnterpriseStatus.objects.filter(enterprise=enterprise).values_list("state", flat=True).first()
    if current is None or current in FILING_MOVES_FROM:
        status_set(actor=actor, enterprise=enterprise, state=state, reason=_("复工备案办结"))


@transaction.atomic
def status_change(*, actor, enterprise, state: str, reason: str) -> EnterpriseStatus:
    """An officer's manual change (停工整改 / 整改后复工): role, scope and a reason are required."""
    from fugong.enterprises.models import Enterprise

    if actor.role not in REVIEWER_ROLES | {Role.DEPARTMENT_OFFICER}:
        raise PermissionDenied(_("您无权变更企业复工状态"))
    if state not in MANUAL_STATES:
        raise ValidationError({"state": _("只能手动设置“停工整改”或“整改后复工”")})
    if not Enterprise.objects.visible_to(actor, "change").filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("该企业不在您的管辖范围内"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写理由")})
    return status_set(actor=actor, enterprise=enterprise, state=state, reason=reason)


@transaction.atomic
def status_set_out_of_scope(*, actor, enterprise, out_of_scope: bool, reason: str) -> EnterpriseStatus:
    """Leave a firm out of the rates (stopped anyway), or take it back, with the reason kept."""
    if actor.role not in REVIEWER_ROLES | {Role.DEPARTMENT_OFFICER}:
        raise PermissionDenied(_("您无权调整统计范围"))
    from fugong.enterprises.models import Enterprise

    if not Enterprise.objects.visible_to(actor, "change").filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("该企业不在您的管辖范围内"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写理由")})
    status = _status_for_update(enterprise)
    before_snapshot = audit.snapshot(status, ["out_of_scope", "out_of_scope_reason"])
    before = tallies.status_contribution(state=status.state, out_of_scope=status.out_of_scope)
    status.out_of_scope, status.out_of_scope_reason, status.out_of_scope_by = (
        out_of_scope,
        reason.strip(),
        actor,
    )
    status.save(update_fields=["out_of_scope", "out_of_scope_reason", "out_of_scope_by"])
    after = tallies.status_contribution(state=status.state, out_of_scope=out_of_scope)
    tallies.apply_status([(_key(enterprise), {k: after[k] - before[k] for k in after})])
    audit.record(
        actor=actor,
        obj=status,
        action=AuditAction.UPDATE,
        before=before_snapshot,
        after=audit.snapshot(status, ["out_of_scope", "out_of_scope_reason"]),
    )
    return status
