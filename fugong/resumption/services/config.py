"""The district's settings: the mode per category, the conditions (dated versions), the
commitment text."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core import audit
from fugong.core.models import AuditAction

from ..models import (
    CategoryPolicy,
    CommitmentText,
    Condition,
)


def commitment_in_force(on: dt.date) -> CommitmentText | None:
    """The commitment text enterprises sign on ``on``: the version with the latest start date."""
    return CommitmentText.objects.filter(effective_from__lte=on).order_by("-effective_from", "-pk").first()


POLICY_FIELDS = ["mode", "review_working_days"]
CONDITION_FIELDS = [
    "code",
    "title",
    "rule",
    "threshold",
    "categories",
    "legal_basis",
    "effective_from",
    "effective_to",
    "sort_order",
]


def _require_configure(actor) -> None:
    from fugong.core.access import RESUMPTION_CONFIGURE

    if not actor.can(RESUMPTION_CONFIGURE):
        raise PermissionDenied(_("只有区级系统管理员可以调整复工条件与方式"))


@transaction.atomic
def policy_update(*, actor, category: str, mode: str, review_working_days: int) -> CategoryPolicy:
    """Set a category's mode (备案即复工 / 审核后复工) and review clock; filings already submitted
    keep the mode and deadline they were given."""
    _require_configure(actor)
    policy = CategoryPolicy.objects.select_for_update().filter(category=category).first()
    created = policy is None
    policy = policy or CategoryPolicy(category=category)
    before = None if created else audit.snapshot(policy, POLICY_FIELDS)
    policy.mode, policy.review_working_days, policy.updated_by = mode, review_working_days, actor
    policy.full_clean()
    policy.save()
    audit.record(
        actor=actor,
        obj=policy,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(policy, POLICY_FIELDS),
    )
    return policy


@transaction.atomic
def condition_add(
    *,
    actor,
    code: str,
    title: str,
    rule: str,
    effective_from: dt.date,
    threshold: int | None = None,
    categories: list[str] | None = None,
    legal_basis: str = "",
    sort_order: int | None = None,
) -> Condition:
    """A new condition, or a new version of one (same code) in force from ``effective_from``.

    Conditions are never changed in place or deleted: the version before is ended the day before
    the new one starts, so a filing judged on a date keeps the meaning it had then.
    """
    _require_configure(actor)
    today = timezone.localdate()
    if effective_from < today:
        raise ValidationError({"effective_from": _("生效日期不能早于今天（已生效的条件不追溯修改）")})
    versions = list(Condition.objects.select_for_update().filter(code=code).order_by("effective_from"))
    if versions and versions[-1].effective_from >= effective_from:
        raise ValidationError(
            {
                "effective_from": _("该条件已有 %(date)s 起的版本，新版本的生效日期须晚于它")
                % {"date": versions[-1].effective_from}
            }
        )
    order = (
        sort_order
        if sort_order is not None
        else (versions[-1].sort_order if versions else (Condition.objects.count() or 0))
    )
    condition = Condition(
        code=code,
        title=title.strip(),
        rule=rule,
        threshold=threshold,
        categories=categories or [],
        legal_basis=legal_basis.strip(),
        effective_from=effective_from,
        sort_order=order,
    )
    condition.full_clean()
    for previous in versions:
        if previous.effective_to is None or previous.effective_to >= effective_from:
            before = audit.snapshot(previous, CONDITION_FIELDS)
            previous.effective_to = effective_from - dt.timedelta(days=1)
            previous.save(update_fields=["effective_to"])
            audit.record(
                actor=actor,
                obj=previous,
                action=AuditAction.UPDATE,
                before=before,
                after=audit.snapshot(previous, CONDITION_FIELDS),
            )
    condition.save()
    audit.record(
        actor=actor,
        obj=condition,
        action=AuditAction.CREATE,
        after=audit.snapshot(condition, CONDITION_FIELDS),
    )
    return condition


@transaction.atomic
def condition_end(*, actor, condition_id: int, effective_to: dt.date) -> Condition:
    """End a condition version: in force up to and including ``effective_to``, kept for the record."""
    _require_configure(actor)
    condition = Condition.objects.select_for_update().get(pk=condition_id)
    if effective_to < timezone.localdate():
        raise ValidationError({"effective_to": _("失效日期不能早于今天")})
    if effective_to < condition.effective_from:
        raise ValidationError({"effective_to": _("失效日期不能早于生效日期")})
    if condition.effective_to is not None and condition.effective_to < effective_to:
        raise ValidationError(
            {"effective_to": _("该条件已于 %(date)s 失效") % {"date": condition.effective_to}}
        )
    before = audit.snapshot(condition, CONDITION_FIELDS)
    condition.effective_to = effective_to
    condition.save(update_fields=["effective_to"])
    audit.record(
        actor=actor,
        obj=condition,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(condition, CONDITION_FIELDS),
    )
    return condition


@transaction.atomic
def commitment_publish(*, actor, version: str, text: str, effective_from: dt.date) -> CommitmentText:
    """Publish a new version of the commitment; filings keep the version their signatory accepted."""
    _require_configure(actor)
    if effective_from < timezone.localdate():
        raise ValidationError({"effective_from": _("生效日期不能早于今天")})
    if CommitmentText.objects.filter(version=version.strip()).exists():
        raise ValidationError({"version": _("该版本号已存在，请使用新的版本号")})
    commitment = CommitmentText(version=version.strip(), text=text.strip(), effective_from=effective_from)
    commitment.full_clean()
    commitment.save()
    audit.record(
        actor=actor,
        obj=commitment,
        action=AuditAction.CREATE,
        after=audit.snapshot(commitment, ["version", "text", "effective_from"]),
    )
    return commitment
