"""Writes of the resumption process. Each runs in one transaction, keeps the tallies current and
records who did what and why."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from fugong.accounts.roles import FILING_BULK, Role
from fugong.areas.models import PATH_SEP, Area
from fugong.core import audit
from fugong.core.models import AuditAction

from . import rules, tallies
from .choices import EXPECTED_STATES, OPEN_FILING, EnterpriseState, FilingStatus, HealthState, Mode
from .models import (
    CategoryPolicy,
    CommitmentText,
    Condition,
    DailyReport,
    EnterpriseStatus,
    Filing,
    FilingTransition,
    RosterEntry,
    StatusChange,
)

# Which state may follow which; anything else is refused.
STATE_FLOW = {
    EnterpriseState.NOT_RESUMED: {EnterpriseState.FILED, EnterpriseState.APPROVED},
    EnterpriseState.FILED: {EnterpriseState.RESUMED, EnterpriseState.SUSPENDED},
    EnterpriseState.APPROVED: {EnterpriseState.RESUMED, EnterpriseState.SUSPENDED},
    EnterpriseState.RESUMED: {EnterpriseState.SUSPENDED},
    EnterpriseState.SUSPENDED: {EnterpriseState.RESUMED_AGAIN, EnterpriseState.FILED, EnterpriseState.APPROVED},
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
    status, _ = EnterpriseStatus.objects.get_or_create(enterprise=enterprise)
    return EnterpriseStatus.objects.select_for_update().get(pk=status.pk)


# --- the registry's events -------------------------------------------------------------------

def on_registry_changed(*, changes: list[tuple[int, tuple | None, tuple]], **_) -> None:
    """Enterprises were added, moved or re-classified: move their counts (with their status)."""
    known = [pk for pk, before, _after in changes if before is not None]  # new enterprises have no status
    states = {pk: (state, out) for pk, state, out in EnterpriseStatus.objects.filter(
        enterprise_id__in=known).values_list("enterprise_id", "state", "out_of_scope")} if known else {}
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
def status_set(*, actor, enterprise, state: str, reason: str = "", on: dt.date | None = None) -> EnterpriseStatus:
    """Move an enterprise to ``state``; suspensions need a reason on record."""
    status = _status_for_update(enterprise)
    if state not in STATE_FLOW[status.state]:
        raise ValidationError(f"企业当前状态为“{status.get_state_display()}”，不能变更为“{EnterpriseState(state).label}”")
    if state == EnterpriseState.SUSPENDED and not reason.strip():
        raise ValidationError({"reason": "停工整改必须填写理由"})
    before = tallies.status_contribution(state=status.state, out_of_scope=status.out_of_scope)
    on = on or timezone.localdate()
    StatusChange.objects.create(enterprise=enterprise, from_state=status.state, to_state=state, date=on,
                                actor=actor, reason=reason.strip())
    status.state, status.since = state, on
    status.save(update_fields=["state", "since"])
    after = tallies.status_contribution(state=state, out_of_scope=status.out_of_scope)
    tallies.apply_status([(_key(enterprise), {k: after[k] - before[k] for k in after})])
    return status


def _status_after_filing(*, actor, enterprise, state: str) -> None:
    current = EnterpriseStatus.objects.filter(enterprise=enterprise).values_list("state", flat=True).first()
    if current is None or current in FILING_MOVES_FROM:
        status_set(actor=actor, enterprise=enterprise, state=state, reason="复工备案办结")


@transaction.atomic
def status_change(*, actor, enterprise, state: str, reason: str) -> EnterpriseStatus:
    """An officer's manual change (停工整改 / 整改后复工): role, scope and a reason are required."""
    from fugong.enterprises.models import Enterprise

    if actor.role not in REVIEWER_ROLES | {Role.DEPARTMENT_OFFICER}:
        raise PermissionDenied("您无权变更企业复工状态")
    if state not in MANUAL_STATES:
        raise ValidationError({"state": "只能手动设置“停工整改”或“整改后复工”"})
    if not Enterprise.objects.visible_to(actor, "change").filter(pk=enterprise.pk).exists():
        raise PermissionDenied("该企业不在您的管辖范围内")
    if not reason.strip():
        raise ValidationError({"reason": "请填写理由"})
    return status_set(actor=actor, enterprise=enterprise, state=state, reason=reason)


@transaction.atomic
def status_set_out_of_scope(*, actor, enterprise, out_of_scope: bool, reason: str) -> EnterpriseStatus:
    """Leave a firm out of the rates (stopped anyway), or take it back, with the reason kept."""
    if actor.role not in REVIEWER_ROLES | {Role.DEPARTMENT_OFFICER}:
        raise PermissionDenied("您无权调整统计范围")
    from fugong.enterprises.models import Enterprise

    if not Enterprise.objects.visible_to(actor, "change").filter(pk=enterprise.pk).exists():
        raise PermissionDenied("该企业不在您的管辖范围内")
    if not reason.strip():
        raise ValidationError({"reason": "请填写理由"})
    status = _status_for_update(enterprise)
    before_snapshot = audit.snapshot(status, ["out_of_scope", "out_of_scope_reason"])
    before = tallies.status_contribution(state=status.state, out_of_scope=status.out_of_scope)
    status.out_of_scope, status.out_of_scope_reason, status.out_of_scope_by = out_of_scope, reason.strip(), actor
    status.save(update_fields=["out_of_scope", "out_of_scope_reason", "out_of_scope_by"])
    after = tallies.status_contribution(state=status.state, out_of_scope=out_of_scope)
    tallies.apply_status([(_key(enterprise), {k: after[k] - before[k] for k in after})])
    audit.record(actor=actor, obj=status, action=AuditAction.UPDATE, before=before_snapshot,
                 after=audit.snapshot(status, ["out_of_scope", "out_of_scope_reason"]))
    return status


# --- filings -----------------------------------------------------------------------------------

FILING_FIELDS = [
    "planned_date", "prevention_plan", "masks_stock", "masks_days", "disinfectant_kg", "disinfectant_days",
    "thermometers", "ventilation", "has_isolation_room", "canteen_measures", "has_dormitory", "dormitory_measures",
]


def policy_for(category: str) -> CategoryPolicy:
    return CategoryPolicy.objects.filter(category=category).first() or CategoryPolicy(category=category)


def reviewing_area(enterprise) -> Area:
    """The street, town or park that holds a filing: the level-1 ancestor of the enterprise's area."""
    codes = [c for c in enterprise.area_path.split(PATH_SEP) if c]
    return Area.objects.get(code=codes[1] if len(codes) > 1 else codes[0])


def _transition(filing: Filing, actor, to_status: str, reason: str = "") -> None:
    FilingTransition.objects.create(filing=filing, from_status=filing.status, to_status=to_status, actor=actor,
                                    reason=reason)
    filing.status = to_status


def _check_planned_date(planned: dt.date, today: dt.date) -> None:
    if planned < today:
        raise ValidationError({"planned_date": "计划复工日期不能早于今天"})
    if planned > today + dt.timedelta(days=180):
        raise ValidationError({"planned_date": "计划复工日期不能晚于半年之后"})


@transaction.atomic
def filing_save(*, actor, enterprise, filing: Filing | None = None, roster: list[dict], **fields) -> Filing:
    """Create or edit the enterprise's open filing (draft or returned), roster included.

    ``roster`` rows are dicts with ``person`` (health.Person), ``last14_location``, ``health_state``
    and ``is_local``; the staff list of the enterprise is updated from them (collect once).
    """
    from fugong.health.services import employment_ensure

    if actor.role != Role.ENTERPRISE_ADMIN or actor.scope_enterprise_id != enterprise.pk:
        raise PermissionDenied("只有本企业管理员可以填报复工备案")
    _check_planned_date(fields["planned_date"], timezone.localdate())
    if filing is None:
        filing = Filing(enterprise=enterprise, area_path=enterprise.area_path, category=enterprise.category,
                        mode=policy_for(enterprise.category).mode, created_by=actor)
    else:
        filing = Filing.objects.select_for_update().get(pk=filing.pk, enterprise=enterprise)
        if filing.status not in (FilingStatus.DRAFT, FilingStatus.RETURNED):
            raise ValidationError("该备案已提交，不能再修改")
    for name, value in fields.items():
        setattr(filing, name, value)
    filing.updated_by = actor
    filing.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            filing.save()
    except IntegrityError:  # another first save of this enterprise's filing won the race
        raise ValidationError("本企业已有一份未办结的复工备案，请刷新后继续填写") from None
    filing.roster.all().delete()
    RosterEntry.objects.bulk_create([RosterEntry(filing=filing, **row) for row in roster])
    for row in roster:
        employment_ensure(person=row["person"], enterprise=enterprise, is_local=row["is_local"])
    return filing


@transaction.atomic
def filing_submit(*, actor, filing: Filing, signatory_name: str, commitment: CommitmentText) -> Filing:
    """Sign the commitment and submit: filing-only categories resume at once if every condition is
    met; review categories enter the street's queue with a deadline."""
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    if actor.role != Role.ENTERPRISE_ADMIN or actor.scope_enterprise_id != filing.enterprise_id:
        raise PermissionDenied("只有本企业管理员可以提交复工备案")
    if filing.status not in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        raise ValidationError("该备案已提交")
    if not signatory_name.strip():
        raise ValidationError({"signatory_name": "请填写承诺人姓名"})
    now = timezone.now()
    filing.signatory_name, filing.signed_at, filing.commitment = signatory_name.strip(), now, commitment
    roster = list(filing.roster.all())
    unmet = rules.unmet_conditions(filing, roster, timezone.localdate())
    filing.unmet_conditions = [u.as_dict() for u in unmet]
    score = rules.priority(roster=roster, headcount=filing.enterprise.headcount, ventilation=filing.ventilation,
                           masks_days=filing.masks_days, disinfectant_days=filing.disinfectant_days)
    filing.priority_score, filing.priority_parts = score["score"], score["parts"]
    filing.submitted_at = now
    filing.mode = policy_for(filing.category).mode  # the district may have changed it since the draft
    filing.holder_area = reviewing_area(filing.enterprise)
    if filing.mode == Mode.FILING and not unmet:
        _transition(filing, actor, FilingStatus.FILED, "备案即复工：条件均已满足")
        filing.decided_at = now
        filing.save()
        _status_after_filing(actor=actor, enterprise=filing.enterprise, state=EnterpriseState.FILED)
        return filing
    days = policy_for(filing.category).review_working_days
    filing.deadline_at = rules.add_working_days(now, days)
    _transition(filing, actor, FilingStatus.SUBMITTED)
    filing.version += 1
    filing.save()
    return filing


DECISIONS = {"approve": FilingStatus.APPROVED, "return": FilingStatus.RETURNED, "reject": FilingStatus.REJECTED}


@transaction.atomic
def filing_decide(*, actor, filing_id: int, decision: str, reason: str, version: int) -> Filing:
    """Approve, return for correction or reject, with a reason; refused when out of scope, when
    conditions are unmet (for approval) or when someone else acted first (``version``)."""
    if actor.role not in REVIEWER_ROLES:
        raise PermissionDenied("您无权审核复工备案")
    filing = Filing.objects.visible_to(actor, "change").select_for_update().filter(pk=filing_id).first()
    if filing is None or (actor.role == Role.STREET_OFFICER and not filing.area_path.startswith(actor.scope_path)):
        raise PermissionDenied("该备案不在您的管辖范围内")
    if decision not in DECISIONS:
        raise ValidationError({"decision": "请选择审核结果"})
    if filing.status != FilingStatus.SUBMITTED or filing.version != version:
        raise ValidationError("该备案已被他人处理或已更新，请刷新后查看")
    if not reason.strip():
        raise ValidationError({"reason": "请填写审核意见"})
    if decision == "approve":
        unmet = rules.unmet_conditions(filing, list(filing.roster.all()), timezone.localdate())
        if unmet:
            titles = "、".join(u.title for u in unmet)
            raise ValidationError(f"不符合条件的一律不准复工：尚未满足 {titles}")
    _transition(filing, actor, DECISIONS[decision], reason.strip())
    filing.decided_at, filing.decided_by, filing.decision_reason = timezone.now(), actor, reason.strip()
    filing.version += 1
    filing.save()
    if decision == "approve":
        _status_after_filing(actor=actor, enterprise=filing.enterprise, state=EnterpriseState.APPROVED)
    return filing


# --- daily reports -------------------------------------------------------------------------------

REPORT_FIELDS = ["staff_on_duty", "staff_total", "output_pct", "output_reason", "masks_stock", "disinfectant_kg",
                 "problems_found", "problems_solved", "problems_note", "abnormal_persons", "no_anomaly"]


def _report_contribution(report: DailyReport) -> dict:
    return tallies.report_contribution(staff_on_duty=report.staff_on_duty, staff_total=report.staff_total,
                                       output_pct=report.output_pct)


def _check_expected_to_report(enterprise) -> None:
    """Only firms allowed back (filed / approved) or at work report; the others are told why."""
    status = EnterpriseStatus.objects.filter(enterprise=enterprise).first()
    if status is not None and status.out_of_scope:
        raise ValidationError("本企业已标记为不纳入统计，无需报送企业日报")
    if status is None or status.state not in EXPECTED_STATES:
        state = status.get_state_display() if status else EnterpriseState.NOT_RESUMED.label
        raise ValidationError(f"本企业当前状态为“{state}”：完成复工备案（或审核通过）后再报送企业日报")


@transaction.atomic
def daily_report_save(*, actor, enterprise, date: dt.date, **fields) -> DailyReport:
    """Create or correct the day's report (until the day closes) and keep the day's tallies current.

    The first report with staff on duty moves an allowed enterprise to 已复工.
    """
    if actor.role != Role.ENTERPRISE_ADMIN or actor.scope_enterprise_id != enterprise.pk:
        raise PermissionDenied("只有本企业管理员可以填报企业日报")
    today = timezone.localdate()
    if date != today:
        raise ValidationError({"date": "只能填报或修改当天的日报（当天24时截止）"})
    report = DailyReport.objects.select_for_update().filter(enterprise=enterprise, date=date).first()
    previous = _report_contribution(report) if report else None
    report = report or DailyReport(enterprise=enterprise, date=date, area_path=enterprise.area_path,
                                   created_by=actor)
    for name, value in fields.items():
        setattr(report, name, value)
    if report.output_pct > 100 and not report.output_reason.strip():
        raise ValidationError({"output_reason": "产能超过100%时请说明原因"})
    if report.staff_on_duty > report.staff_total:
        raise ValidationError({"staff_on_duty": "到岗人数不能超过职工总数"})
    _check_expected_to_report(enterprise)
    report.updated_by = actor
    report.full_clean(validate_unique=False)
    report.save()
    current = _report_contribution(report)
    delta = {k: current[k] - (previous or {}).get(k, 0) for k in current}
    tallies.apply_daily(date, [(_key(enterprise), delta)])
    status = EnterpriseStatus.objects.filter(enterprise=enterprise).first()
    if report.staff_on_duty > 0 and status and status.state in (EnterpriseState.FILED, EnterpriseState.APPROVED):
        status_set(actor=actor, enterprise=enterprise, state=EnterpriseState.RESUMED, reason="首次日报有人员到岗")
    return report


REPORT_AUDIT_FIELDS = ["date", *REPORT_FIELDS]


def _daily_report_write(actor, enterprise, date: dt.date, fields: dict) -> tuple[DailyReport, bool]:
    before = DailyReport.objects.select_for_update().filter(enterprise=enterprise, date=date).first()
    report = daily_report_save(actor=actor, enterprise=enterprise, date=date, **fields)
    audit.record(actor=actor, obj=report, action=AuditAction.UPDATE if before else AuditAction.CREATE,
                 before=audit.snapshot(before, REPORT_AUDIT_FIELDS) if before else None,
                 after=audit.snapshot(report, REPORT_AUDIT_FIELDS))
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


# --- filings: the form and the API's roster, bulk filing, the district's settings ------------------



def _roster_person(row: dict, allowed: dict, known: dict, actor):
    """The person of one roster row: a staff member already known (``person_id``) or found or
    created by ID number (``id_number`` with ``name`` and ``phone``)."""
    from fugong.core.validators import normalize_code, normalize_mobile, validate_id_number, validate_mobile
    from fugong.health.services import person_get_or_create

    if row.get("person_id"):
        person = allowed.get(int(row["person_id"])) if str(row["person_id"]).isdigit() else None
        if person is None:
            raise ValidationError({"person": "该人员不在本企业员工名册中"})
        return person
    errors = {}
    name, id_number = (row.get("name") or "").strip(), normalize_code(row.get("id_number"))
    phone = normalize_mobile(row.get("phone"))
    if not name:
        errors["name"] = "请填写姓名"
    for field, value, check in (("id_number", id_number, validate_id_number), ("phone", phone, validate_mobile)):
        try:
            check(value)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    person = known.get(id_number)
    if person is not None and person.name != name:
        raise ValidationError({"name": "该身份证号已登记，但姓名与登记的不一致，请核对"})
    return person or person_get_or_create(id_number=id_number, name=name, phone=phone, actor=actor)[0]


@transaction.atomic
def filing_fill(*, actor, enterprise, roster: list[dict], **fields) -> Filing:
    """Create or edit the enterprise's open filing from raw input, the roster's people included.

    Roster rows name a staff member by ``person_id`` or a person by ``name`` + ``id_number`` +
    ``phone`` (found by ID number, created when new), each with ``last14_location``,
    ``health_state`` and ``is_local``. Any bad row refuses the whole save, naming the row
    (``roster.N.field``); nothing is half-saved, new persons included.
    """
    from fugong.core.validators import normalize_code
    from fugong.health.models import Person

    if actor.role != Role.ENTERPRISE_ADMIN or actor.scope_enterprise_id != enterprise.pk:
        raise PermissionDenied("只有本企业管理员可以填报复工备案")
    filing = Filing.objects.select_for_update().filter(enterprise=enterprise, status__in=OPEN_FILING).first()
    staff = Q(employments__enterprise=enterprise)
    if filing is not None:
        staff |= Q(pk__in=RosterEntry.objects.filter(filing=filing).values("person_id"))
    referenced = [int(r["person_id"]) for r in roster if str(r.get("person_id") or "").isdigit()]
    allowed = {p.pk: p for p in Person.objects.filter(staff, pk__in=referenced).distinct()} if referenced else {}
    ids = [normalize_code(r.get("id_number")) for r in roster if not r.get("person_id")]
    known = {p.id_number: p for p in Person.objects.filter(id_number__in=[i for i in ids if i])}
    rows, errors, seen = [], {}, set()
    for number, row in enumerate(roster, start=1):
        try:
            person = _roster_person(row, allowed, known, actor)
            if person.pk in seen:
                raise ValidationError({"id_number": "同一人员在名单中重复出现"})
            if not (row.get("last14_location") or "").strip():
                raise ValidationError({"last14_location": "请填写近14天所在地"})
            if row.get("health_state") not in HealthState.values:
                raise ValidationError({"health_state": "请选择健康状况"})
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"roster.{number}.{field}"] = messages
            continue
        seen.add(person.pk)
        rows.append({"person": person, "last14_location": row["last14_location"].strip()[:100],
                     "health_state": row["health_state"], "is_local": bool(row.get("is_local"))})
    if errors:
        raise ValidationError(errors)
    return filing_save(actor=actor, enterprise=enterprise, filing=filing, roster=rows, **fields)


@transaction.atomic
def individual_bulk_file(*, actor, enterprises, note: str = "") -> list[Filing]:
    """个体工商户 filed in bulk by their community: each gets a filed filing signed by the worker and
    the status 已备案, all or nothing; scope and eligibility are re-checked for every one."""
    from fugong.accounts.roles import COMMUNITY_CATEGORIES
    from fugong.enterprises.models import Enterprise

    if not actor.can(FILING_BULK):
        raise PermissionDenied("只有社区工作人员或街镇干部可以代为备案")
    pks = sorted({e.pk for e in enterprises})
    if not pks:
        raise ValidationError("请至少选择一户")
    chosen = list(Enterprise.objects.visible_to(actor, "change").select_for_update()
                  .filter(pk__in=pks, category__in=list(COMMUNITY_CATEGORIES)).order_by("pk"))
    if len(chosen) != len(pks):
        raise PermissionDenied("所选商户中有不在您管辖范围内或不属于个体工商户、九小场所的")
    taken = set(Filing.objects.filter(enterprise__in=chosen, status__in=[*OPEN_FILING, FilingStatus.APPROVED,
                                                                          FilingStatus.FILED])
                .values_list("enterprise__name", flat=True))
    moved = set(EnterpriseStatus.objects.filter(enterprise__in=chosen).exclude(
        state=EnterpriseState.NOT_RESUMED).values_list("enterprise__name", flat=True))
    if taken | moved:
        raise ValidationError("以下商户已有备案或已复工，不能重复备案：" + "、".join(sorted(taken | moved)))
    now, today = timezone.now(), timezone.localdate()
    commitment = commitment_in_force(today)
    reason = "社区代为备案" + (f"：{note.strip()}" if note.strip() else "")
    signatory = (actor.full_name or actor.username)[:32]
    filings = []
    for enterprise in chosen:
        filing = Filing.objects.create(
            enterprise=enterprise, area_path=enterprise.area_path, category=enterprise.category, mode=Mode.FILING,
            status=FilingStatus.FILED, planned_date=today, commitment=commitment, signatory_name=signatory,
            signed_at=now, submitted_at=now, decided_at=now, decided_by=actor, decision_reason=reason,
            holder_area=reviewing_area(enterprise), created_by=actor, updated_by=actor)
        FilingTransition.objects.create(filing=filing, from_status="", to_status=FilingStatus.FILED, actor=actor,
                                        reason=reason)
        status_set(actor=actor, enterprise=enterprise, state=EnterpriseState.FILED, reason=reason[:200], on=today)
        filings.append(filing)
    return filings


def commitment_in_force(on: dt.date) -> CommitmentText | None:
    """The commitment text enterprises sign on ``on``: the version with the latest start date."""
    return CommitmentText.objects.filter(effective_from__lte=on).order_by("-effective_from", "-pk").first()


POLICY_FIELDS = ["mode", "review_working_days"]
CONDITION_FIELDS = ["code", "title", "rule", "threshold", "categories", "legal_basis", "effective_from",
                    "effective_to", "sort_order"]


def _require_configure(actor) -> None:
    from fugong.accounts.roles import RESUMPTION_CONFIGURE

    if not actor.can(RESUMPTION_CONFIGURE):
        raise PermissionDenied("只有区级系统管理员可以调整复工条件与方式")


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
    audit.record(actor=actor, obj=policy, action=AuditAction.CREATE if created else AuditAction.UPDATE,
                 before=before, after=audit.snapshot(policy, POLICY_FIELDS))
    return policy


@transaction.atomic
def condition_add(*, actor, code: str, title: str, rule: str, effective_from: dt.date, threshold: int | None = None,
                  categories: list[str] | None = None, legal_basis: str = "", sort_order: int | None = None
                  ) -> Condition:
    """A new condition, or a new version of one (same code) in force from ``effective_from``.

    Conditions are never changed in place or deleted: the version before is ended the day before
    the new one starts, so a filing judged on a date keeps the meaning it had then.
    """
    _require_configure(actor)
    today = timezone.localdate()
    if effective_from < today:
        raise ValidationError({"effective_from": "生效日期不能早于今天（已生效的条件不追溯修改）"})
    versions = list(Condition.objects.select_for_update().filter(code=code).order_by("effective_from"))
    if versions and versions[-1].effective_from >= effective_from:
        raise ValidationError({"effective_from": f"该条件已有 {versions[-1].effective_from} 起的版本，"
                                                 "新版本的生效日期须晚于它"})
    order = sort_order if sort_order is not None else (
        versions[-1].sort_order if versions else (Condition.objects.count() or 0))
    condition = Condition(code=code, title=title.strip(), rule=rule, threshold=threshold,
                          categories=categories or [], legal_basis=legal_basis.strip(),
                          effective_from=effective_from, sort_order=order)
    condition.full_clean()
    for previous in versions:
        if previous.effective_to is None or previous.effective_to >= effective_from:
            before = audit.snapshot(previous, CONDITION_FIELDS)
            previous.effective_to = effective_from - dt.timedelta(days=1)
            previous.save(update_fields=["effective_to"])
            audit.record(actor=actor, obj=previous, action=AuditAction.UPDATE, before=before,
                         after=audit.snapshot(previous, CONDITION_FIELDS))
    condition.save()
    audit.record(actor=actor, obj=condition, action=AuditAction.CREATE,
                 after=audit.snapshot(condition, CONDITION_FIELDS))
    return condition


@transaction.atomic
def condition_end(*, actor, condition_id: int, effective_to: dt.date) -> Condition:
    """End a condition version: in force up to and including ``effective_to``, kept for the record."""
    _require_configure(actor)
    condition = Condition.objects.select_for_update().get(pk=condition_id)
    if effective_to < timezone.localdate():
        raise ValidationError({"effective_to": "失效日期不能早于今天"})
    if effective_to < condition.effective_from:
        raise ValidationError({"effective_to": "失效日期不能早于生效日期"})
    if condition.effective_to is not None and condition.effective_to < effective_to:
        raise ValidationError({"effective_to": f"该条件已于 {condition.effective_to} 失效"})
    before = audit.snapshot(condition, CONDITION_FIELDS)
    condition.effective_to = effective_to
    condition.save(update_fields=["effective_to"])
    audit.record(actor=actor, obj=condition, action=AuditAction.UPDATE, before=before,
                 after=audit.snapshot(condition, CONDITION_FIELDS))
    return condition


@transaction.atomic
def commitment_publish(*, actor, version: str, text: str, effective_from: dt.date) -> CommitmentText:
    """Publish a new version of the commitment; filings keep the version their signatory accepted."""
    _require_configure(actor)
    if effective_from < timezone.localdate():
        raise ValidationError({"effective_from": "生效日期不能早于今天"})
    if CommitmentText.objects.filter(version=version.strip()).exists():
        raise ValidationError({"version": "该版本号已存在，请使用新的版本号"})
    commitment = CommitmentText(version=version.strip(), text=text.strip(), effective_from=effective_from)
    commitment.full_clean()
    commitment.save()
    audit.record(actor=actor, obj=commitment, action=AuditAction.CREATE,
                 after=audit.snapshot(commitment, ["version", "text", "effective_from"]))
    return commitment
