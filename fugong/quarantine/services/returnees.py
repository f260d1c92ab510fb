"""Writes of returnees and their decisions, and of the rule data (risk areas, rule sets) deciding them.

Each write is keyword-only, runs in one transaction, re-reads its object in the actor's scope
(under a row lock where two people may act at once), refuses in Chinese and writes the audit trail.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.areas.models import Area
from fugong.core import audit
from fugong.core.access import (
    QUARANTINE_CONFIGURE,
    QUARANTINE_MANAGE,
    RETURNEE_REGISTER,
    Role,
)
from fugong.core.models import AuditAction
from fugong.core.validators import normalize_code, normalize_mobile, validate_id_number, validate_mobile
from fugong.enterprises.models import Enterprise
from fugong.health.models import DiscrepancySource
from fugong.health.services import person_link

from .. import rules
from ..models import (
    Decision,
    Handover,
    Measure,
    Returnee,
    RiskArea,
    Rule,
    RuleSet,
    Transport,
)
from .base import _covers, _locked, _require

OLDEST_ARRIVAL_DAYS = 365


RETURNEE_FIELDS = [
    "person",
    "name",
    "receiver",
    "origin_province",
    "origin_city",
    "origin_district",
    "arrival_date",
    "transport",
    "address",
    "destination",
    "employer",
    "handover",
]


def _decide(*, returnee: Returnee, actor) -> Decision:
    outcome = rules.decide(
        province=returnee.origin_province,
        city=returnee.origin_city,
        district=returnee.origin_district,
        on=returnee.arrival_date,
    )
    if outcome is None:
        raise ValidationError({"arrival_date": [_("抵达日期没有生效的管控规则，请联系区疫情防控指挥部")]})
    return Decision.objects.create(
        returnee=returnee,
        risk_level=outcome.risk_level,
        rule_set=outcome.rule_set,
        rule=outcome.rule,
        measure=outcome.rule.measure,
        days=outcome.rule.days,
        legal_basis=outcome.rule_set.legal_basis,
        appeal=outcome.rule_set.appeal,
        decided_by=actor,
    )


@transaction.atomic
def returnee_register(
    *,
    actor,
    id_number: str,
    name: str,
    phone: str = "",
    origin_province: str,
    origin_city: str = "",
    origin_district: str = "",
    arrival_date: dt.date,
    transport: str,
    transport_detail: str = "",
    address: str,
    destination_id: int,
    employer_id: int | None = None,
    today: dt.date | None = None,
) -> Returnee:
    """Register a return; decide the measure by the rule set in force on the arrival date; hand the
    person over when the destination community is not the registering one.

    A person already on file out of the registrant's scope (health.services.person_link) is linked,
    never shown: the return keeps the typed name and phone, and it is handed to the person's home
    community — pending, in the words of every handover — which decides about any measure (only the
    receiving side may issue an order). The registrant learns nothing of the file, of another
    community or of a measure in force there."""
    _require(actor, RETURNEE_REGISTER, _("您无权登记返区人员"))
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    id_number = normalize_code(id_number)
    try:
        validate_id_number(id_number, today=today)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    if not name.strip():
        errors["name"] = [_("请填写姓名")]
    phone = normalize_mobile(phone)
    if phone:
        try:
            validate_mobile(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if not origin_province.strip():
        errors["origin_province"] = [_("请填写来源省份")]
    if arrival_date is None:
        errors["arrival_date"] = [_("请填写抵达日期")]
    elif arrival_date > today:
        errors["arrival_date"] = [_("抵达日期不能晚于今天")]
    elif arrival_date < today - dt.timedelta(days=OLDEST_ARRIVAL_DAYS):
        errors["arrival_date"] = [_("抵达日期早于一年前，请核对")]
    if transport not in Transport.values:
        errors["transport"] = [_("请选择交通方式")]
    if not address.strip():
        errors["address"] = [_("请填写目的地址")]
    destination = Area.objects.filter(pk=destination_id, kind="community").first() if destination_id else None
    if destination is None:
        errors["destination"] = [_("请选择目的社区")]
    employer = None
    if actor.role == Role.ENTERPRISE_ADMIN:
        employer = actor.scope_enterprise
    elif employer_id:
        employer = Enterprise.objects.visible_to(actor).filter(pk=employer_id).first()
        if employer is None:
            errors["employer"] = [_("请选择管辖范围内的工作单位")]
    if errors:
        raise ValidationError(errors)

    if actor.role == Role.ENTERPRISE_ADMIN:
        sender, handover = employer.area, Handover.PENDING
    else:
        sender = actor.scope_area
        handover = Handover.NONE if _covers(actor, destination) else Handover.PENDING
    link = person_link(
        actor=actor, id_number=id_number, name=name, phone=phone, source=DiscrepancySource.RETURNEE
    )
    person, receiver = link.person, None
    if link.created and person.area_id is None:  # a new person lives where they return to
        person.area, person.address, person.updated_by = destination, address.strip(), actor
        person.save(update_fields=["area", "area_path", "address", "updated_by", "updated_at"])
    if not link.owned and person.area_id:  # known elsewhere: the home community receives
        receiver, handover = person.area, Handover.PENDING
    returnee = Returnee.objects.create(
        person=person,
        name=name.strip()[:32],
        phone=phone,
        receiver=receiver,
        origin_province=origin_province.strip(),
        origin_city=origin_city.strip(),
        origin_district=origin_district.strip(),
        arrival_date=arrival_date,
        transport=transport,
        transport_detail=transport_detail.strip(),
        address=address.strip(),
        destination=destination,
        employer=employer,
        sender_area=sender,
        handover=handover,
        created_by=actor,
        updated_by=actor,
    )
    decision = _decide(returnee=returnee, actor=actor)
    audit.record(
        actor=actor,
        obj=returnee,
        action=AuditAction.CREATE,
        after={
            **audit.snapshot(returnee, RETURNEE_FIELDS),
            "measure": f"{decision.get_measure_display()}{decision.days}天",
            "rule": f"{decision.rule_set} / {decision.rule}",
        },
    )
    return returnee


@transaction.atomic
def decision_change(*, actor, returnee_id: int, measure: str, days: int, reason: str) -> Decision:
    """A measure set by hand: only with a reason, recorded as manual beside the rule's decision."""
    _require(actor, QUARANTINE_MANAGE, _("您无权调整管控措施"))
    returnee = _locked(Returnee, actor, returnee_id)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("人工调整管控措施须填写理由")]
    if measure not in Measure.values:
        errors["measure"] = [_("请选择措施")]
    if days is None or not 0 <= int(days) <= 60:
        errors["days"] = [_("天数应在0–60之间")]
    if errors:
        raise ValidationError(errors)
    previous = returnee.decision
    decision = Decision.objects.create(
        returnee=returnee,
        risk_level=previous.risk_level if previous else "",
        rule_set=previous.rule_set if previous else None,
        rule=None,
        measure=measure,
        days=int(days),
        legal_basis=previous.legal_basis if previous else "",
        appeal=previous.appeal if previous else "",
        manual=True,
        reason=reason.strip(),
        decided_by=actor,
    )
    audit.record(
        actor=actor,
        obj=returnee,
        action=AuditAction.UPDATE,
        before={"measure": str(previous) if previous else ""},
        after={"measure": str(decision), "reason": decision.reason},
    )
    return decision


@transaction.atomic
def risk_area_add(
    *,
    actor,
    province: str,
    city: str = "",
    district: str = "",
    level: str,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    note: str = "",
) -> RiskArea:
    _require(actor, QUARANTINE_CONFIGURE, _("您无权设置风险地区"))
    errors = {}
    if not province.strip():
        errors["province"] = [_("请填写省份")]
    if level not in {"high", "medium", "low", "key"}:
        errors["level"] = [_("请选择风险等级")]
    if effective_from is None:
        errors["effective_from"] = [_("请填写生效日期")]
    elif effective_to is not None and effective_to < effective_from:
        errors["effective_to"] = [_("截止日期不能早于生效日期")]
    if errors:
        raise ValidationError(errors)
    area = RiskArea.objects.create(
        province=province.strip(),
        city=city.strip(),
        district=district.strip(),
        level=level,
        effective_from=effective_from,
        effective_to=effective_to,
        note=note.strip(),
        created_by=actor,
        updated_by=actor,
    )
    audit.record(
        actor=actor,
        obj=area,
        action=AuditAction.CREATE,
        after=audit.snapshot(
            area, ["province", "city", "district", "level", "effective_from", "effective_to"]
        ),
    )
    return area


@transaction.atomic
def risk_area_end(*, actor, risk_area_id: int, effective_to: dt.date) -> RiskArea:
    _require(actor, QUARANTINE_CONFIGURE, _("您无权设置风险地区"))
    area = RiskArea.objects.select_for_update().filter(pk=risk_area_id).first()
    if area is None:
        raise PermissionDenied(_("该记录不存在"))
    if effective_to is None or effective_to < area.effective_from:
        raise ValidationError({"effective_to": [_("截止日期不能早于生效日期")]})
    before = audit.snapshot(area, ["effective_to"])
    area.effective_to, area.updated_by = effective_to, actor
    area.save()
    audit.record(
        actor=actor,
        obj=area,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(area, ["effective_to"]),
    )
    return area


@transaction.atomic
def rule_set_create(
    *,
    actor,
    name: str,
    effective_from: dt.date,
    legal_basis: str,
    appeal: str,
    rules_spec: list[tuple[str, str, int]],
) -> RuleSet:
    """A new version: rule sets are never edited, a later one takes over from its date."""
    _require(actor, QUARANTINE_CONFIGURE, _("您无权设置管控规则"))
    errors = {}
    if not name.strip():
        errors["name"] = [_("请填写名称")]
    if effective_from is None:
        errors["effective_from"] = [_("请填写生效日期")]
    elif RuleSet.objects.filter(effective_from=effective_from).exists():
        errors["effective_from"] = [_("该日期已有一套规则生效")]
    if not legal_basis.strip():
        errors["legal_basis"] = [_("请填写法律与政策依据")]
    if not appeal.strip():
        errors["appeal"] = [_("请填写申诉渠道")]
    if not rules_spec:
        errors["rules"] = [_("至少需要一条规则")]
    for condition, measure, days in rules_spec:
        if (
            condition not in {"high", "medium", "key", "outside_city", "any"}
            or measure not in Measure.values
            or not 0 <= int(days) <= 60
        ):
            errors["rules"] = [_("规则的条件、措施或天数无效")]
    if errors:
        raise ValidationError(errors)
    rule_set = RuleSet.objects.create(
        name=name.strip(),
        effective_from=effective_from,
        legal_basis=legal_basis,
        appeal=appeal,
        created_by=actor,
        updated_by=actor,
    )
    for i, (condition, measure, days) in enumerate(rules_spec, start=1):
        Rule.objects.create(rule_set=rule_set, order=i, condition=condition, measure=measure, days=int(days))
    audit.record(
        actor=actor,
        obj=rule_set,
        action=AuditAction.CREATE,
        after={"name": rule_set.name, "effective_from": str(effective_from), "rules": len(rules_spec)},
    )
    return rule_set
