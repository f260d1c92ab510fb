"""Writes of the problem ledger. Each runs in one transaction, re-reads the problem in the actor's
scope under a row lock, refuses a stale ``version`` (someone else acted first), writes the
timeline and the audit entry itself."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fugong.core import audit
from fugong.core.access import SUPERVISION_CONFIGURE
from fugong.core.models import AuditAction, AuditEntry
from fugong.enterprises.models import Enterprise
from fugong.resumption.services import reviewing_area

from . import policies, rules
from .choices import (
    ACTIVE,
    DEFAULT_DUE_DAYS,
    DEFAULT_ROUTES,
    EscalationLevel,
    EventKind,
    ExtensionStatus,
    ProblemCategory,
)
from .choices import ProblemStatus as S
from .models import CategoryDueDays, Extension, Problem, ProblemEvent, RoutingRule

STALE = gettext_noop("该问题已被他人处理，请刷新")
OUT_OF_SCOPE = gettext_noop("该问题不在您的管辖范围内")


def _event(problem: Problem, actor, kind: str, note: str = "", to_status: str = "") -> ProblemEvent:
    return ProblemEvent.objects.create(
        problem=problem,
        kind=kind,
        actor=actor,
        note=note,
        from_status=problem.status if to_status else "",
        to_status=to_status,
    )


def _locked(actor, problem_id: int, version: int | None) -> Problem:
    problem = (
        Problem.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("enterprise", "department")
        .filter(pk=problem_id)
        .first()
    )
    if problem is None:
        raise PermissionDenied(_(OUT_OF_SCOPE))
    if version is not None and problem.version != version:
        raise ValidationError(_(STALE))
    return problem


def _save(actor, problem: Problem, before: dict) -> Problem:
    problem.version += 1
    problem.updated_by = actor
    problem.save()
    audit.record(
        actor=actor,
        obj=problem,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(problem, Problem.AUDIT_FIELDS),
    )
    return problem


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def problem_create(
    *,
    actor,
    enterprise_id: int,
    category: str,
    title: str,
    description: str,
    green_channel: bool = False,
    now: dt.datetime | None = None,
) -> Problem:
    """Record a problem of an enterprise in the actor's scope, route it by the rules and start its clock."""
    if not policies.can_report(actor):
        raise PermissionDenied(_("您无权登记企业诉求"))
    enterprise = Enterprise.objects.visible_to(actor).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise PermissionDenied(_("该企业不在您的管辖范围内"))
    errors = {}
    if category not in ProblemCategory.values:
        errors["category"] = _("请选择问题类别")
    if not (title or "").strip():
        errors["title"] = _("请填写问题标题")
    if not (description or "").strip():
        errors["description"] = _("请填写问题描述")
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    rule = rules.route(category=category, area_path=enterprise.area_path)
    days = rules.effective_days(rules.due_days(category), green_channel=green_channel)
    problem = Problem(
        enterprise=enterprise,
        area_path=enterprise.area_path,
        enterprise_category=enterprise.category,
        street=reviewing_area(enterprise),
        category=category,
        title=title.strip(),
        description=description.strip(),
        channel=policies.channel_of(actor),
        reported_by=actor,
        green_channel=green_channel,
        department=rule.department if rule else None,
        assignee=rule.assignee if rule else None,
        rule=rule,
        due_days=days,
        due_at=rules.due_at(now, days),
        created_by=actor,
        updated_by=actor,
    )
    problem.full_clean(validate_constraints=False)
    problem.save()
    holder = problem.holder_label
    _event(
        problem,
        actor,
        EventKind.CREATED,
        _("分办至 %(holder)s，办理时限 %(days)s 个工作日") % {"holder": holder, "days": days},
        to_status=S.OPEN,
    )
    audit.record(
        actor=actor,
        obj=problem,
        action=AuditAction.CREATE,
        after=audit.snapshot(problem, Problem.AUDIT_FIELDS),
    )
    return problem


def _handler(actor, problem_id: int, version: int | None) -> Problem:
    problem = _locked(actor, problem_id, version)
    if not policies.can_handle(actor, problem):
        raise PermissionDenied(_("只有承办单位可以办理该问题"))
    return problem


@transaction.atomic
def problem_start(*, actor, problem_id: int, version: int, note: str = "") -> Problem:
    problem = _handler(actor, problem_id, version)
    if problem.status not in (S.OPEN, S.REOPENED):
        raise ValidationError(_(STALE))
    before = audit.snapshot(problem, Problem.AUDIT_FIELDS)
    _event(problem, actor, EventKind.STARTED, (note or "").strip(), to_status=S.IN_PROGRESS)
    problem.status = S.IN_PROGRESS
    return _save(actor, problem, before)


@transaction.atomic
def problem_answer(*, actor, problem_id: int, version: int, answer: str) -> Problem:
    """The handler's answer; the enterprise then confirms it with a rating or asks to reopen."""
    problem = _handler(actor, problem_id, version)
    if problem.status not in ACTIVE:
        raise ValidationError(_(STALE))
    answer = _required(answer, "answer", _("请填写答复内容"))
    before = audit.snapshot(problem, Problem.AUDIT_FIELDS)
    _event(problem, actor, EventKind.ANSWERED, answer, to_status=S.ANSWERED)
    problem.status, problem.answer = S.ANSWERED, answer
    problem.answered_at, problem.answered_by = timezone.now(), actor
    return _save(actor, problem, before)


def _enterprise_side(actor, problem_id: int, version: int) -> Problem:
    problem = _locked(actor, problem_id, version)
    if not policies.can_confirm(actor, problem):
        raise PermissionDenied(_("只有提出诉求的企业（或代为登记的人员）可以确认和评价"))
    if problem.status != S.ANSWERED:
        raise ValidationError(_("该问题尚未答复，不能确认或要求重新办理"))
    return problem


@transaction.atomic
def problem_confirm(*, actor, problem_id: int, version: int, rating: int, comment: str = "") -> Problem:
    """The enterprise confirms the answer with a 1–5 rating: the problem is closed (办结)."""
    problem = _enterprise_side(actor, problem_id, version)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("请选择 1–5 分的满意度评价")})
    before = audit.snapshot(problem, Problem.AUDIT_FIELDS)
    now = timezone.now()
    comment = (comment or "").strip()[:500]
    _event(
        problem,
        actor,
        EventKind.CONFIRMED,
        _("满意度 %(n)s 分") % {"n": rating} + (f"：{comment}" if comment else ""),
        to_status=S.CONFIRMED,
    )
    problem.status, problem.rating, problem.rating_comment = S.CONFIRMED, rating, comment
    problem.closed_at, problem.closed_by = now, actor
    problem.close_seconds = max(0, int((now - problem.created_at).total_seconds()))
    return _save(actor, problem, before)


@transaction.atomic
def problem_reopen(*, actor, problem_id: int, version: int, reason: str) -> Problem:
    """The enterprise is not satisfied: back to the handler with a reason and a new clock."""
    problem = _enterprise_side(actor, problem_id, version)
    reason = _required(reason, "reason", _("请填写要求重新办理的理由"))
    before = audit.snapshot(problem, Problem.AUDIT_FIELDS)
    days = rules.effective_days(rules.due_days(problem.category), green_channel=problem.green_channel)
    _event(problem, actor, EventKind.REOPENED, reason, to_status=S.REOPENED)
    problem.status, problem.reopen_count = S.REOPENED, problem.reopen_count + 1
    problem.due_days, problem.due_at = days, rules.due_at(timezone.now(), days)
    problem.escalation_level, problem.escalated_at = EscalationLevel.HANDLER, None
    return _save(actor, problem, before)


@transaction.atomic
def extension_request(*, actor, problem_id: int, version: int, days: int, reason: str) -> Extension:
    """The handler asks for more working days, with a reason; someone from the level above decides."""
    problem = _handler(actor, problem_id, version)
    if problem.status not in ACTIVE:
        raise ValidationError(_("该问题已答复或已办结，无需延期"))
    reason = _required(reason, "reason", _("请填写延期理由"))
    if not isinstance(days, int) or not 1 <= days <= 30:
        raise ValidationError({"days": _("延期天数应为 1–30 个工作日")})
    if problem.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ValidationError(_("该问题已有待审批的延期申请"))
    try:
        with transaction.atomic():
            extension = Extension.objects.create(
                problem=problem,
                area_path=problem.area_path,
                days=days,
                reason=reason,
                requested_by=actor,
                due_before=problem.due_at,
            )
    except IntegrityError:
        raise ValidationError(_(STALE)) from None
    _event(
        problem,
        actor,
        EventKind.EXTENSION_REQUESTED,
        _("申请延期 %(n)s 个工作日：%(r)s") % {"n": days, "r": reason},
    )
    audit.record(
        actor=actor,
        obj=extension,
        action=AuditAction.CREATE,
        after=audit.snapshot(extension, ["days", "reason", "requested_by", "status"]),
    )
    problem.version += 1
    problem.save(update_fields=["version"])
    return extension


@transaction.atomic
def extension_decide(*, actor, problem_id: int, approve: bool, note: str = "") -> Extension:
    """Approve or refuse the pending extension; the approver is from the level above and is not the
    one who asked. Approval moves the due date and takes the problem back from the level above."""
    problem = _locked(actor, problem_id, None)
    extension = problem.extensions.select_for_update().filter(status=ExtensionStatus.PENDING).first()
    if extension is None:
        raise ValidationError(_("该问题没有待审批的延期申请，或已被他人审批，请刷新"))
    if extension.requested_by_id == actor.pk:
        raise PermissionDenied(_("不能审批自己提出的延期申请"))
    if not policies.can_approve(actor, problem, extension):
        raise PermissionDenied(_("延期须由上一级（街道领导或区级）审批"))
    note = (note or "").strip()[:500]
    if not approve and not note:
        raise ValidationError({"note": _("不批准延期时请填写理由")})
    ext_before = audit.snapshot(extension, ["status", "decided_by", "due_after"])
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, timezone.now(), note
    if approve:
        before = audit.snapshot(problem, Problem.AUDIT_FIELDS)
        extension.due_after = rules.due_at(problem.due_at, extension.days)
        problem.due_at = extension.due_after
        if problem.due_at > timezone.now():
            problem.escalation_level, problem.escalated_at = EscalationLevel.HANDLER, None
        _event(
            problem,
            actor,
            EventKind.EXTENSION_APPROVED,
            _("期限延至 %(d)s") % {"d": timezone.localtime(problem.due_at).strftime("%Y-%m-%d %H:%M")}
            + (f"；{note}" if note else ""),
        )
        _save(actor, problem, before)
    else:
        _event(problem, actor, EventKind.EXTENSION_REJECTED, note)
        problem.version += 1
        problem.save(update_fields=["version"])
    extension.save()
    audit.record(
        actor=actor,
        obj=extension,
        action=AuditAction.UPDATE,
        before=ext_before,
        after=audit.snapshot(extension, ["status", "decided_by", "due_after"]),
    )
    return extension


ESCALATE_BATCH = 500


def problems_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Raise every problem still with its handler past its due time to the level above (run by
    ``manage.py escalate_problems`` from cron). Safe to run twice: escalated rows are skipped."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                Problem.objects.select_for_update(skip_locked=True)
                .filter(status__in=ACTIVE, due_at__lt=now, escalation_level=EscalationLevel.HANDLER)
                .order_by("due_at", "pk")[:ESCALATE_BATCH]
            )
            if not batch:
                return total
            ids = [p.pk for p in batch]
            Problem.objects.filter(pk__in=ids).update(
                escalation_level=EscalationLevel.ABOVE, escalated_at=now
            )
            note = _("超过办理期限未答复，已升级至上一级督办")
            ProblemEvent.objects.bulk_create(
                [ProblemEvent(problem=p, kind=EventKind.ESCALATED, note=note) for p in batch]
            )
            AuditEntry.objects.bulk_create(
                [
                    audit.audit_entry(
                        actor=None,
                        obj=p,
                        action=AuditAction.UPDATE,
                        before={"escalation_level": p.get_escalation_level_display()},
                        after={"escalation_level": str(EscalationLevel.ABOVE.label)},
                    )
                    for p in batch
                ]
            )
            total += len(batch)


# --- the district's settings -------------------------------------------------------------------------


def _require_configure(actor) -> None:
    if not actor.can(SUPERVISION_CONFIGURE):
        raise PermissionDenied(_("只有区级系统管理员可以调整分办规则和办理时限"))


@transaction.atomic
def due_days_update(*, actor, category: str, days: int) -> CategoryDueDays:
    """Set a category's answer time; problems already recorded keep the due date they were given."""
    _require_configure(actor)
    if category not in DEFAULT_DUE_DAYS:
        raise ValidationError({"category": _("请选择问题类别")})
    row = CategoryDueDays.objects.select_for_update().filter(category=category).first()
    before = audit.snapshot(row, ["days"]) if row else None
    row = row or CategoryDueDays(category=category)
    row.days, row.updated_by = days, actor
    row.full_clean()
    row.save()
    audit.record(
        actor=actor,
        obj=row,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        before=before,
        after=audit.snapshot(row, ["days"]),
    )
    return row


@transaction.atomic
def routing_rule_save(*, actor, category: str, department, area=None, assignee=None) -> RoutingRule:
    """Add a rule, or replace the one for the same category and area."""
    _require_configure(actor)
    if assignee is not None and assignee.department_id != department.pk:
        raise ValidationError({"assignee": _("承办人须为承办部门的人员")})
    path = area.path if area is not None else ""
    rule = RoutingRule.objects.select_for_update().filter(category=category, area_path=path).first()
    before = audit.snapshot(rule, ["department", "assignee"]) if rule else None
    rule = rule or RoutingRule(category=category, area=area, created_by=actor)
    rule.department, rule.assignee = department, assignee
    rule.full_clean(validate_constraints=False)
    rule.save()
    audit.record(
        actor=actor,
        obj=rule,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        before=before,
        after=audit.snapshot(rule, ["category", "area", "department", "assignee"]),
    )
    return rule


@transaction.atomic
def routing_rule_delete(*, actor, rule_id: int) -> None:
    _require_configure(actor)
    rule = RoutingRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise ValidationError(_("该规则已被删除，请刷新"))
    audit.record(
        actor=actor,
        obj=rule,
        action=AuditAction.DELETE,
        before=audit.snapshot(rule, ["category", "area", "department", "assignee"]),
    )
    rule.delete()


@transaction.atomic
def routing_seed_defaults(*, actor=None) -> int:
    """District-wide rules for the categories that have none, to the demo district's departments
    (choices.DEFAULT_ROUTES) where they exist; other categories stay with the enterprise's street."""
    from fugong.areas.models import Department

    if actor is not None:
        _require_configure(actor)
    departments = {d.code: d for d in Department.objects.all()}
    taken = set(RoutingRule.objects.filter(area_path="").values_list("category", flat=True))
    created = 0
    for category, codes in DEFAULT_ROUTES.items():
        department = next((departments[c] for c in codes if c in departments), None)
        if department is None or category in taken:
            continue
        rule = RoutingRule.objects.create(category=category, department=department, created_by=actor)
        audit.record(
            actor=actor,
            obj=rule,
            action=AuditAction.CREATE,
            after=audit.snapshot(rule, ["category", "department"]),
        )
        created += 1
    return created
