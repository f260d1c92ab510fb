"""复工备案: the filing with its roster, submission with the commitment, the review, bulk filing
of individual businesses."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.areas.models import Area
from fugong.core import audit
from fugong.core.access import FILING_BULK, Role
from fugong.core.models import AuditAction, AuditEntry
from fugong.core.workdays import add_working_days

from .. import rules
from ..choices import OPEN_FILING, EnterpriseState, FilingStatus, HealthState, Mode
from ..models import (
    CategoryPolicy,
    CommitmentText,
    EnterpriseStatus,
    Filing,
    FilingTransition,
    RosterEntry,
    holding_area,
)
from .config import commitment_in_force
from .status import REVIEWER_ROLES, _status_after_filing, status_set

# --- filings -----------------------------------------------------------------------------------

FILING_FIELDS = [
    "planned_date",
    "prevention_plan",
    "masks_stock",
    "masks_days",
    "disinfectant_kg",
    "disinfectant_days",
    "thermometers",
    "ventilation",
    "has_isolation_room",
    "canteen_measures",
    "has_dormitory",
    "dormitory_measures",
]


# What a filing's audit entries show: the form, the commitment, where it stands and who decided.
AUDIT_FIELDS = [
    *FILING_FIELDS,
    "status",
    "mode",
    "signatory_name",
    "commitment",
    "holder_area",
    "deadline_at",
    "decided_by",
    "decision_reason",
]


def _picture(filing: Filing, roster: list[int] | None = None) -> dict:
    """The filing for its audit entry; ``roster`` (person ids) when the roster is part of the write."""
    data = audit.snapshot(filing, AUDIT_FIELDS)
    if roster is not None:
        data["roster"] = sorted(roster)
    return data


def policy_for(category: str) -> CategoryPolicy:
    return CategoryPolicy.objects.filter(category=category).first() or CategoryPolicy(category=category)


def reviewing_area(enterprise) -> Area:
    """The street, town or park that holds a filing: the level-1 ancestor of the enterprise's area."""
    return holding_area(enterprise.area_path)


def _transition(filing: Filing, actor, to_status: str, reason: str = "") -> None:
    FilingTransition.objects.create(
        filing=filing, from_status=filing.status, to_status=to_status, actor=actor, reason=reason
    )
    filing.status = to_status


def _check_planned_date(planned: dt.date, today: dt.date) -> None:
    if planned < today:
        raise ValidationError({"planned_date": _("计划复工日期不能早于今天")})
    if planned > today + dt.timedelta(days=180):
        raise ValidationError({"planned_date": _("计划复工日期不能晚于半年之后")})


@transaction.atomic
def filing_save(*, actor, enterprise, filing: Filing | None = None, roster: list[dict], **fields) -> Filing:
    """Create or edit the enterprise's open filing (draft or returned), roster included.

    ``roster`` rows are dicts with ``person`` (health.Person), ``last14_location``, ``health_state``
    and ``is_local``; the staff list of the enterprise is updated from them (collect once).

    The staff list follows the roster both ways, since an active employment opens the person's staff
    view to the enterprise's side (health.policies): a person added is on the staff list; a person
    taken off this roster leaves it (their Employment ends) unless a roster of another filing of the
    same enterprise that is still open (draft, submitted, returned) or in force (approved, filed)
    holds them — a rejected filing's roster holds nobody.
    """
    from fugong.health.services import employment_end, employment_ensure

    if actor.role != Role.ENTERPRISE_ADMIN or actor.scope_enterprise_id != enterprise.pk:
        raise PermissionDenied(_("只有本企业管理员可以填报复工备案"))
    _check_planned_date(fields["planned_date"], timezone.localdate())
    before = None
    if filing is None:
        filing = Filing(
            enterprise=enterprise,
            area_path=enterprise.area_path,
            category=enterprise.category,
            mode=policy_for(enterprise.category).mode,
            created_by=actor,
        )
    else:
        filing = Filing.objects.select_for_update().get(pk=filing.pk, enterprise=enterprise)
        if filing.status not in (FilingStatus.DRAFT, FilingStatus.RETURNED):
            raise ValidationError(_("该备案已提交，不能再修改"))
        kept = list(filing.roster.values_list("person_id", flat=True))
        before = _picture(filing, kept)
    for name, value in fields.items():
        setattr(filing, name, value)
    filing.updated_by = actor
    filing.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            filing.save()
    except IntegrityError:  # another first save of this enterprise's filing won the race
        raise ValidationError(_("本企业已有一份未办结的复工备案，请刷新后继续填写")) from None
    filing.roster.all().delete()
    RosterEntry.objects.bulk_create([RosterEntry(filing=filing, **row) for row in roster])
    for row in roster:
        employment_ensure(person=row["person"], enterprise=enterprise, is_local=row["is_local"])
    if before:
        removed = set(kept) - {row["person"].pk for row in roster}
        employment_end(person_ids=removed - _held_elsewhere(filing, removed), enterprise=enterprise)
    audit.record(
        actor=actor,
        obj=filing,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        before=before,
        after=_picture(filing, [row["person"].pk for row in roster]),
    )
    return filing


ROSTER_HOLDS = [*OPEN_FILING, FilingStatus.APPROVED, FilingStatus.FILED]


def _held_elsewhere(filing: Filing, person_ids: set[int]) -> set[int]:
    """Of ``person_ids``, those on the roster of another open or in-force filing of the enterprise."""
    if not person_ids:
        return set()
    others = RosterEntry.objects.filter(
        filing__enterprise_id=filing.enterprise_id, filing__status__in=ROSTER_HOLDS, person_id__in=person_ids
    ).exclude(filing=filing)
    return set(others.values_list("person_id", flat=True))


@transaction.atomic
def filing_submit(*, actor, filing: Filing, signatory_name: str, commitment: CommitmentText) -> Filing:
    """Sign the commitment and submit: filing-only categories resume at once if every condition is
    met; review categories enter the street's queue with a deadline."""
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    if actor.role != Role.ENTERPRISE_ADMIN or actor.scope_enterprise_id != filing.enterprise_id:
        raise PermissionDenied(_("只有本企业管理员可以提交复工备案"))
    if filing.status not in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        raise ValidationError(_("该备案已提交"))
    if not signatory_name.strip():
        raise ValidationError({"signatory_name": _("请填写承诺人姓名")})
    before = _picture(filing)
    now = timezone.now()
    filing.signatory_name, filing.signed_at, filing.commitment = signatory_name.strip(), now, commitment
    roster = list(filing.roster.all())
    unmet = rules.unmet_conditions(filing, roster, timezone.localdate())
    filing.unmet_conditions = [u.as_dict() for u in unmet]
    score = rules.priority(
        roster=roster,
        headcount=filing.enterprise.headcount,
        ventilation=filing.ventilation,
        masks_days=filing.masks_days,
        disinfectant_days=filing.disinfectant_days,
    )
    filing.priority_score, filing.priority_parts = score["score"], score["parts"]
    filing.submitted_at = now
    filing.mode = policy_for(filing.category).mode  # the district may have changed it since the draft
    filing.holder_area = reviewing_area(filing.enterprise)
    if filing.mode == Mode.FILING and not unmet:
        _transition(filing, actor, FilingStatus.FILED, _("备案即复工：条件均已满足"))
        filing.decided_at = now
        filing.save()
        _status_after_filing(actor=actor, enterprise=filing.enterprise, state=EnterpriseState.FILED)
    else:
        days = policy_for(filing.category).review_working_days
        filing.deadline_at = add_working_days(now, days)
        _transition(filing, actor, FilingStatus.SUBMITTED)
        filing.version += 1
        filing.save()
    after = {**_picture(filing), "unmet_conditions": [u.code for u in unmet]}
    audit.record(actor=actor, obj=filing, action=AuditAction.UPDATE, before=before, after=after)
    return filing


DECISIONS = {
    "approve": FilingStatus.APPROVED,
    "return": FilingStatus.RETURNED,
    "reject": FilingStatus.REJECTED,
}


@transaction.atomic
def filing_decide(*, actor, filing_id: int, decision: str, reason: str, version: int) -> Filing:
    """Approve, return for correction or reject, with a reason; refused when out of scope, when
    conditions are unmet (for approval) or when someone else acted first (``version``)."""
    if actor.role not in REVIEWER_ROLES:
        raise PermissionDenied(_("您无权审核复工备案"))
    filing = Filing.objects.visible_to(actor, "change").select_for_update().filter(pk=filing_id).first()
    if filing is None or (
        actor.role == Role.STREET_OFFICER and not filing.area_path.startswith(actor.scope_path)
    ):
        raise PermissionDenied(_("该备案不在您的管辖范围内"))
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("请选择审核结果")})
    if filing.status != FilingStatus.SUBMITTED or filing.version != version:
        raise ValidationError(_("该备案已被他人处理或已更新，请刷新后查看"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写审核意见")})
    if decision == "approve":
        unmet = rules.unmet_conditions(filing, list(filing.roster.all()), timezone.localdate())
        if unmet:
            titles = "、".join(u.title for u in unmet)
            raise ValidationError(_("不符合条件的一律不准复工：尚未满足 %(titles)s") % {"titles": titles})
    before = _picture(filing)
    _transition(filing, actor, DECISIONS[decision], reason.strip())
    filing.decided_at, filing.decided_by, filing.decision_reason = timezone.now(), actor, reason.strip()
    filing.version += 1
    filing.save()
    audit.record(actor=actor, obj=filing, action=AuditAction.UPDATE, before=before, after=_picture(filing))
    if decision == "approve":
        _status_after_filing(actor=actor, enterprise=filing.enterprise, state=EnterpriseState.APPROVED)
    return filing


# --- filings: the form and the API's roster, bulk filing, the district's settings ------------------


def _roster_person(row: dict, allowed: dict, typed: dict, actor):
    """The person of one roster row and what the enterprise typed for them: a staff member already
    known (``person_id``; the name typed for them earlier, from ``typed``) or a person linked by ID
    number (``id_number`` with ``name`` and ``phone``, health.services.person_link).

    A known ID number never answers with its file: a name that disagrees is not an error (an
    unknown ID number would be accepted all the same) — the row keeps the typed name and phone
    and the person's home community reviews the difference."""
    from fugong.core.validators import normalize_code, normalize_mobile, validate_id_number, validate_mobile
    from fugong.health.models import DiscrepancySource
    from fugong.health.services import person_link

    if row.get("person_id"):
        person = allowed.get(int(row["person_id"])) if str(row["person_id"]).isdigit() else None
        if person is None:
            raise ValidationError({"person": _("该人员不在本企业员工名册中")})
        return person, typed.get(person.pk, {"name": "", "phone": ""})
    errors = {}
    name, id_number = (row.get("name") or "").strip(), normalize_code(row.get("id_number"))
    phone = normalize_mobile(row.get("phone"))
    if not name:
        errors["name"] = _("请填写姓名")
    for field, value, check in (
        ("id_number", id_number, validate_id_number),
        ("phone", phone, validate_mobile),
    ):
        try:
            check(value)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    link = person_link(
        actor=actor, id_number=id_number, name=name, phone=phone, source=DiscrepancySource.ROSTER
    )
    return link.person, {"name": name[:32], "phone": phone}


@transaction.atomic
def filing_fill(*, actor, enterprise, roster: list[dict], **fields) -> Filing:
    """Create or edit the enterprise's open filing from raw input, the roster's people included.

    Roster rows name a staff member by ``person_id`` or a person by ``name`` + ``id_number`` +
    ``phone`` (found by ID number, created when new), each with ``last14_location``,
    ``health_state`` and ``is_local``. Any bad row refuses the whole save, naming the row
    (``roster.N.field``); nothing is half-saved, new persons included.
    """
    from fugong.health.models import Person

    if actor.role != Role.ENTERPRISE_ADMIN or actor.scope_enterprise_id != enterprise.pk:
        raise PermissionDenied(_("只有本企业管理员可以填报复工备案"))
    filing = Filing.objects.select_for_update().filter(enterprise=enterprise, status__in=OPEN_FILING).first()
    staff = Q(employments__enterprise=enterprise)
    if filing is not None:
        staff |= Q(pk__in=RosterEntry.objects.filter(filing=filing).values("person_id"))
    referenced = [int(r["person_id"]) for r in roster if str(r.get("person_id") or "").isdigit()]
    allowed = (
        {p.pk: p for p in Person.objects.filter(staff, pk__in=referenced).distinct()} if referenced else {}
    )
    typed = (
        {
            r["person_id"]: {"name": r["name"], "phone": r["phone"]}
            for r in RosterEntry.objects.filter(filing=filing).values("person_id", "name", "phone")
        }
        if filing is not None
        else {}
    )
    rows, errors, seen = [], {}, set()
    for number, row in enumerate(roster, start=1):
        try:
            person, as_typed = _roster_person(row, allowed, typed, actor)
            if person.pk in seen:
                raise ValidationError({"id_number": _("同一人员在名单中重复出现")})
            if not (row.get("last14_location") or "").strip():
                raise ValidationError({"last14_location": _("请填写近14天所在地")})
            if row.get("health_state") not in HealthState.values:
                raise ValidationError({"health_state": _("请选择健康状况")})
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"roster.{number}.{field}"] = messages
            continue
        seen.add(person.pk)
        rows.append(
            {
                "person": person,
                "last14_location": row["last14_location"].strip()[:100],
                "health_state": row["health_state"],
                "is_local": bool(row.get("is_local")),
                **as_typed,
            }
        )
    if errors:
        raise ValidationError(errors)
    return filing_save(actor=actor, enterprise=enterprise, filing=filing, roster=rows, **fields)


@transaction.atomic
def individual_bulk_file(
    *, actor, enterprises=(), enterprise_ids: Iterable[int] = (), note: str = ""
) -> list[Filing]:
    """个体工商户 filed in bulk by their community: each gets a filed filing signed by the worker and
    the status 已备案, all or nothing; scope and eligibility are re-checked for every one (chosen as
    ``enterprises`` by a page or as ``enterprise_ids`` by the API)."""
    from fugong.core.access import COMMUNITY_CATEGORIES
    from fugong.enterprises.models import Enterprise

    if not actor.can(FILING_BULK):
        raise PermissionDenied(_("只有社区工作人员或街镇干部可以代为备案"))
    pks = sorted({e.pk for e in enterprises} | set(enterprise_ids))
    if not pks:
        raise ValidationError(_("请至少选择一户"))
    chosen = list(
        Enterprise.objects.visible_to(actor, "change")
        .select_for_update()
        .filter(pk__in=pks, category__in=list(COMMUNITY_CATEGORIES))
        .order_by("pk")
    )
    if len(chosen) != len(pks):
        raise PermissionDenied(_("所选商户中有不在您管辖范围内或不属于个体工商户、九小场所的"))
    taken = set(
        Filing.objects.filter(
            enterprise__in=chosen, status__in=[*OPEN_FILING, FilingStatus.APPROVED, FilingStatus.FILED]
        ).values_list("enterprise__name", flat=True)
    )
    moved = set(
        EnterpriseStatus.objects.filter(enterprise__in=chosen)
        .exclude(state=EnterpriseState.NOT_RESUMED)
        .values_list("enterprise__name", flat=True)
    )
    if taken | moved:
        raise ValidationError(
            _("以下商户已有备案或已复工，不能重复备案：%(names)s")
            % {"names": "、".join(sorted(taken | moved))}
        )
    now, today = timezone.now(), timezone.localdate()
    commitment = commitment_in_force(today)
    reason = _("社区代为备案：%(note)s") % {"note": note.strip()} if note.strip() else _("社区代为备案")
    signatory = (actor.full_name or actor.username)[:32]
    filings, entries = [], []
    for enterprise in chosen:
        filing = Filing.objects.create(
            enterprise=enterprise,
            area_path=enterprise.area_path,
            category=enterprise.category,
            mode=Mode.FILING,
            status=FilingStatus.FILED,
            planned_date=today,
            commitment=commitment,
            signatory_name=signatory,
            signed_at=now,
            submitted_at=now,
            decided_at=now,
            decided_by=actor,
            decision_reason=reason,
            holder_area=reviewing_area(enterprise),
            created_by=actor,
            updated_by=actor,
        )
        FilingTransition.objects.create(
            filing=filing, from_status="", to_status=FilingStatus.FILED, actor=actor, reason=reason
        )
        status_set(
            actor=actor, enterprise=enterprise, state=EnterpriseState.FILED, reason=reason[:200], on=today
        )
        filings.append(filing)
        entries.append(
            audit.audit_entry(
                actor=actor, obj=filing, action=AuditAction.CREATE, before=None, after=_picture(filing)
            )
        )
    AuditEntry.objects.bulk_create(entries)
    return filings
