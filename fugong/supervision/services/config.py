"""The district's settings: the checklist (dated versions) and the escalation window."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.core import audit
from fugong.core.access import SUPERVISION_CONFIGURE
from fugong.core.models import AuditAction

from ..models import ChecklistItem, EscalationPolicy
from .common import require

ITEM_FIELDS = ["code", "title", "effective_from", "effective_to", "sort_order"]
DENIED = gettext_lazy("只有区级系统管理员可以调整检查清单与违规处理设置")


@transaction.atomic
def window_update(*, actor, window_days: int) -> EscalationPolicy:
    """Set the number of days within which violations are counted."""
    require(actor, SUPERVISION_CONFIGURE, DENIED)
    policy = EscalationPolicy.objects.select_for_update().order_by("pk").first() or EscalationPolicy()
    before = audit.snapshot(policy, ["window_days"]) if policy.pk else None
    policy.window_days, policy.updated_by = window_days, actor
    policy.full_clean()
    policy.save()
    audit.record(
        actor=actor,
        obj=policy,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        before=before,
        after=audit.snapshot(policy, ["window_days"]),
    )
    return policy


@transaction.atomic
def checklist_item_add(
    *, actor, code: str, title: str, effective_from: dt.date, sort_order: int | None = None
) -> ChecklistItem:
    """A new item, or a new version of one (same code), in force from ``effective_from``; the
    version before ends the day before, so past inspections keep the wording they had."""
    require(actor, SUPERVISION_CONFIGURE, DENIED)
    if effective_from < timezone.localdate():
        raise ValidationError({"effective_from": _("生效日期不能早于今天（已生效的检查项不追溯修改）")})
    versions = list(ChecklistItem.objects.select_for_update().filter(code=code).order_by("effective_from"))
    if versions and versions[-1].effective_from >= effective_from:
        raise ValidationError(
            {
                "effective_from": _("该检查项已有 %(date)s 起的版本，新版本的生效日期须晚于它")
                % {"date": versions[-1].effective_from}
            }
        )
    order = (
        sort_order
        if sort_order is not None
        else (versions[-1].sort_order if versions else ChecklistItem.objects.count())
    )
    item = ChecklistItem(
        code=code.strip(), title=title.strip(), effective_from=effective_from, sort_order=order
    )
    item.full_clean()
    for previous in versions:
        if previous.effective_to is None or previous.effective_to >= effective_from:
            _end(actor, previous, effective_from - dt.timedelta(days=1))
    item.save()
    audit.record(actor=actor, obj=item, action=AuditAction.CREATE, after=audit.snapshot(item, ITEM_FIELDS))
    return item


def _end(actor, item: ChecklistItem, last_day: dt.date) -> None:
    before = audit.snapshot(item, ITEM_FIELDS)
    item.effective_to = last_day
    item.save(update_fields=["effective_to"])
    audit.record(
        actor=actor,
        obj=item,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(item, ITEM_FIELDS),
    )


@transaction.atomic
def checklist_item_end(*, actor, item_id: int, last_day: dt.date) -> ChecklistItem:
    """Stop using an item after ``last_day`` (never deleted: past inspections refer to it)."""
    require(actor, SUPERVISION_CONFIGURE, DENIED)
    item = ChecklistItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise ValidationError(_("没有这个检查项"))
    if last_day < timezone.localdate() - dt.timedelta(days=1):
        raise ValidationError({"last_day": _("停用日期不能早于昨天")})
    if last_day < item.effective_from:
        raise ValidationError({"last_day": _("停用日期不能早于该检查项的生效日期")})
    _end(actor, item, last_day)
    return item
