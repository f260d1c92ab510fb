"""Writes of returnees, decisions, handovers, orders, follow-ups, sites and stays.

Each write is keyword-only, runs in one transaction, re-reads its object in the actor's scope
(under a row lock where two people may act at once), refuses in Chinese and writes the audit trail.
A room is never double-booked: the partial unique index on open stays decides, and the loser of a
race is told "该房间已有人入住".
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.accounts.models import User
from fugong.areas.models import Area
from fugong.core import audit
from fugong.core.access import (
    QUARANTINE_CONFIGURE,
    QUARANTINE_MANAGE,
    RETURNEE_REGISTER,
    SITE_OPERATE,
    Role,
)
from fugong.core.models import AuditAction
from fugong.core.scoping import CHANGE
from fugong.core.validators import normalize_code, normalize_mobile, validate_id_number, validate_mobile
from fugong.enterprises.models import Enterprise
from fugong.health.services import person_get_or_create

from . import rules
from .models import (
    ContactStatus,
    Decision,
    FollowUp,
    Handover,
    Measure,
    Order,
    OrderChange,
    OrderStatus,
    Returnee,
    RiskArea,
    Room,
    Rule,
    RuleSet,
    Site,
    SiteStaff,
    Stay,
    Transport,
)
from .notice_services import notice_issue

ROOM_TAKEN = gettext_lazy("该房间已有人入住")
OLDEST_ARRIVAL_DAYS = 365
TEMPERATURE_MIN, TEMPERATURE_MAX = Decimal("35.0"), Decimal("42.0")
RETURNEE_FIELDS = [
    "person",
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
ORDER_FIELDS = [
    "kind",
    "start_date",
    "planned_end",
    "status",
    "responsible",
    "doctor",
    "hospital",
    "release_reason",
    "release_number",
]


def _require(actor, capability: str, message: str) -> None:
    if not actor.can(capability):
        raise PermissionDenied(message)


def _locked(model, actor, pk, action: str = CHANGE):
    """The row in the actor's scope, locked; out of scope reads as missing."""
    try:
        return model.objects.visible_to(actor, action).select_for_update().get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise PermissionDenied(_("该记录不存在或不在您的管辖范围内")) from None


def _covers(actor, area: Area) -> bool:
    path = actor.area_scope_path
    return bool(actor.is_sysadmin or (path and area.path.startswith(path)))


# Returnees and decisions -------------------------------------------------------------------------


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
    person over when the destination community is not the registering one."""
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
    person, created = person_get_or_create(id_number=id_number, name=name, phone=phone, actor=actor)
    if created and person.area_id is None:  # a new person lives where they return to
        person.area, person.address, person.updated_by = destination, address.strip(), actor
        person.save(update_fields=["area", "area_path", "address", "updated_by", "updated_at"])
    returnee = Returnee.objects.create(
        person=person,
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
def handover_accept(*, actor, returnee_id: int) -> Returnee:
    _require(actor, RETURNEE_REGISTER, _("您无权接收返区人员"))
    returnee = _locked(Returnee, actor, returnee_id)
    if not _covers(actor, returnee.destination):
        raise PermissionDenied(_("只有目的社区可以接收"))
    if returnee.handover != Handover.PENDING:
        raise ValidationError(_("该人员不在待接收状态"))
    returnee.handover, returnee.handover_at, returnee.handover_by = Handover.ACCEPTED, timezone.now(), actor
    returnee.updated_by = actor
    returnee.save()
    audit.record(
        actor=actor,
        obj=returnee,
        action=AuditAction.UPDATE,
        before={"handover": "待接收"},
        after={"handover": "已接收"},
    )
    return returnee


@transaction.atomic
def handover_return(*, actor, returnee_id: int, reason: str) -> Returnee:
    _require(actor, RETURNEE_REGISTER, _("您无权退回返区人员"))
    returnee = _locked(Returnee, actor, returnee_id)
    if not _covers(actor, returnee.destination):
        raise PermissionDenied(_("只有目的社区可以退回"))
    if returnee.handover != Handover.PENDING:
        raise ValidationError(_("该人员不在待接收状态"))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("退回须填写理由")]})
    returnee.handover, returnee.handover_reason = Handover.RETURNED, reason.strip()
    returnee.handover_at, returnee.handover_by, returnee.updated_by = timezone.now(), actor, actor
    returnee.save()
    audit.record(
        actor=actor,
        obj=returnee,
        action=AuditAction.UPDATE,
        before={"handover": "待接收"},
        after={"handover": "已退回", "reason": returnee.handover_reason},
    )
    return returnee


# Orders and follow-ups ---------------------------------------------------------------------------


@transaction.atomic
def order_issue(
    *,
    actor,
    returnee_id: int,
    start_date: dt.date,
    responsible_id: int | None = None,
    doctor_id: int | None = None,
) -> Order:
    """A quarantine order from the returnee's current decision: the rule's days from the start."""
    _require(actor, QUARANTINE_MANAGE, _("您无权下达隔离措施"))
    returnee = _locked(Returnee, actor, returnee_id)
    if returnee.handover in {Handover.PENDING, Handover.RETURNED}:
        raise ValidationError(_("该人员尚未被目的社区接收，不能下达隔离措施"))
    decision = returnee.decision
    if decision is None or decision.measure == Measure.MONITORING:
        raise ValidationError(_("该人员的管控措施为健康监测，无需下达隔离措施"))
    if start_date is None:
        raise ValidationError({"start_date": [_("请填写开始日期")]})
    errors = {}
    responsible = doctor = None
    if responsible_id:
        responsible = User.objects.filter(
            pk=responsible_id,
            role=Role.COMMUNITY_WORKER,
            is_active=True,
            scope_path__startswith=returnee.area_path,
        ).first()
        if responsible is None:
            errors["responsible"] = [_("责任人应为目的社区的网格员")]
    if doctor_id:
        doctor = User.objects.filter(pk=doctor_id, role=Role.MEDIC, is_active=True).first()
        if doctor is None or not returnee.area_path.startswith(doctor.scope_path or "\0"):
            errors["doctor"] = [_("家庭医生应为负责该社区的医护人员")]
    if errors:
        raise ValidationError(errors)
    if Order.objects.filter(person=returnee.person, status=OrderStatus.ACTIVE).exists():
        raise ValidationError(_("该人员已有正在执行的隔离措施"))
    order = Order.objects.create(
        returnee=returnee,
        person=returnee.person,
        decision=decision,
        kind=decision.measure,
        start_date=start_date,
        rule_days=decision.days,
        planned_end=start_date + dt.timedelta(days=decision.days),
        area_path=returnee.area_path,
        responsible=responsible or (actor if actor.role == Role.COMMUNITY_WORKER else None),
        doctor=doctor,
        created_by=actor,
        updated_by=actor,
    )
    audit.record(actor=actor, obj=order, action=AuditAction.CREATE, after=audit.snapshot(order, ORDER_FIELDS))
    return order


@transaction.atomic
def order_change_end(*, actor, order_id: int, new_end: dt.date, reason: str) -> Order:
    """Extend or shorten an order: always with a reason, recorded as a change."""
    _require(actor, QUARANTINE_MANAGE, _("您无权调整隔离期"))
    order = _locked(Order, actor, order_id)
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError(_("隔离已结束，不能调整"))
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("延长或缩短隔离期须填写理由")]
    if new_end is None or new_end <= order.start_date:
        errors["new_end"] = [_("解除日期应晚于开始日期")]
    elif new_end == order.planned_end:
        errors["new_end"] = [_("新的解除日期与原日期相同")]
    if errors:
        raise ValidationError(errors)
    OrderChange.objects.create(
        order=order, old_end=order.planned_end, new_end=new_end, reason=reason.strip(), by=actor
    )
    before = audit.snapshot(order, ["planned_end"])
    order.planned_end, order.updated_by = new_end, actor
    order.save(update_fields=["planned_end", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        obj=order,
        action=AuditAction.UPDATE,
        before=before,
        after={**audit.snapshot(order, ["planned_end"]), "reason": reason.strip()},
    )
    return order


@transaction.atomic
def followup_record(
    *,
    actor,
    order_id: int,
    method: str,
    status: str,
    temperature: Decimal | None = None,
    symptoms: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> FollowUp:
    _require(actor, QUARANTINE_MANAGE, _("您无权记录随访"))
    order = _locked(Order, actor, order_id)
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError(_("隔离已结束，不再随访"))
    errors = {}
    if method not in {"phone", "wechat", "visit"}:
        errors["method"] = [_("请选择联系方式")]
    if status not in ContactStatus.values:
        errors["status"] = [_("请选择联系结果")]
    if temperature is not None:
        temperature = Decimal(str(temperature))
        if not TEMPERATURE_MIN <= temperature <= TEMPERATURE_MAX:
            errors["temperature"] = [_("体温应在35–42℃之间，请核对")]
    elif status == ContactStatus.REACHED:
        errors["temperature"] = [_("已联系上的随访须填写体温")]
    if errors:
        raise ValidationError(errors)
    followup = FollowUp.objects.create(
        order=order,
        at=at or timezone.now(),
        method=method,
        status=status,
        temperature=temperature,
        symptoms=symptoms.strip(),
        note=note.strip(),
        area_path=order.area_path,
        by=actor,
    )
    audit.record(
        actor=actor,
        obj=followup,
        action=AuditAction.CREATE,
        after=audit.snapshot(followup, ["at", "method", "status", "temperature", "symptoms"]),
    )
    return followup


def _close_open_stay(order: Order, actor) -> None:
    for stay in Stay.objects.select_for_update().filter(order=order, checked_out_at__isnull=True):
        stay.checked_out_at, stay.checked_out_by = timezone.now(), actor
        stay.save(update_fields=["checked_out_at", "checked_out_by"])


@transaction.atomic
def order_transfer(*, actor, order_id: int, hospital: str) -> Order:
    _require(actor, QUARANTINE_MANAGE, _("您无权办理转院"))
    order = _locked(Order, actor, order_id)
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError(_("隔离已结束"))
    if not (hospital or "").strip():
        raise ValidationError({"hospital": [_("请填写转送医院")]})
    before = audit.snapshot(order, ["status", "hospital"])
    order.status, order.hospital, order.transferred_at = (
        OrderStatus.HOSPITAL,
        hospital.strip(),
        timezone.now(),
    )
    order.updated_by = actor
    order.save()
    _close_open_stay(order, actor)
    audit.record(
        actor=actor,
        obj=order,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(order, ["status", "hospital"]),
    )
    return order


@transaction.atomic
def order_release(
    *, actor, order_id: int, reason: str = "", today: dt.date | None = None, base_url: str = ""
) -> Order:
    """Release: on or after the planned end; earlier only with a reason. The release notice is issued
    in the same transaction (``base_url``: the site's address, for the QR link when
    FUGONG_PUBLIC_URL is not set)."""
    _require(actor, QUARANTINE_MANAGE, _("您无权解除隔离"))
    order = _locked(Order, actor, order_id)
    if order.status != OrderStatus.ACTIVE:
        raise ValidationError(_("隔离已结束"))
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if today < order.planned_end and not reason:
        raise ValidationError(
            {
                "reason": [
                    _("未满隔离期（按规则应于%(date)s解除），提前解除须填写理由")
                    % {"date": f"{order.planned_end:%Y-%m-%d}"}
                ]
            }
        )
    before = audit.snapshot(order, ["status"])
    order.status, order.released_at, order.released_by = OrderStatus.RELEASED, timezone.now(), actor
    order.release_reason = reason or _("隔离期满")
    order.release_number = f"JC{order.released_at:%Y}{order.pk:06d}"
    order.updated_by = actor
    order.save()
    _close_open_stay(order, actor)
    audit.record(
        actor=actor,
        obj=order,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(order, ["status", "release_reason", "release_number"]),
    )
    notice_issue(actor=actor, order=order, base_url=base_url)
    return order


# Sites, rooms and stays --------------------------------------------------------------------------


@transaction.atomic
def site_create(*, actor, name: str, area_id: int, address: str = "", rooms: list[str] | None = None) -> Site:
    _require(actor, QUARANTINE_CONFIGURE, _("您无权设置隔离点"))
    area = Area.objects.filter(pk=area_id).first()
    if area is None or not name.strip():
        raise ValidationError({"name": [_("请填写名称并选择所在区域")]})
    site = Site.objects.create(
        name=name.strip(), area=area, address=address.strip(), created_by=actor, updated_by=actor
    )
    for number in rooms or []:
        if number.strip():
            Room.objects.get_or_create(site=site, number=number.strip())
    audit.record(
        actor=actor, obj=site, action=AuditAction.CREATE, after={"name": site.name, "rooms": len(rooms or [])}
    )
    return site


@transaction.atomic
def room_add(*, actor, site_id: int, number: str) -> Room:
    _require(actor, QUARANTINE_CONFIGURE, _("您无权设置房间"))
    site = _locked(Site, actor, site_id)
    if not number.strip():
        raise ValidationError({"number": [_("请填写房间号")]})
    if Room.objects.filter(site=site, number=number.strip()).exists():
        raise ValidationError({"number": [_("该房间号已存在")]})
    room = Room.objects.create(site=site, number=number.strip())
    audit.record(actor=actor, obj=room, action=AuditAction.CREATE, after={"number": room.number})
    return room


@transaction.atomic
def staff_bind(*, actor, site_id: int, user_id: int | None) -> SiteStaff:
    _require(actor, QUARANTINE_CONFIGURE, _("您无权设置隔离点工作人员"))
    site = _locked(Site, actor, site_id)
    user = User.objects.filter(pk=user_id, role=Role.SITE_STAFF).first()
    if user is None:
        raise ValidationError({"user": [_("请选择隔离点工作人员账号")]})
    staff, _created = SiteStaff.objects.update_or_create(user=user, defaults={"site": site})
    audit.record(actor=actor, obj=site, action=AuditAction.UPDATE, after={"staff": user.username})
    return staff


@transaction.atomic
def stay_check_in(
    *,
    actor,
    site_id: int,
    room_id: int,
    id_number: str,
    checked_registration: bool,
    checked_temperature: bool,
    checked_health: bool,
) -> Stay:
    """Check a person under a centralized order into a room, after registration and all checks.

    Two concurrent assignments of one room: the partial unique index lets exactly one through."""
    _require(actor, SITE_OPERATE, _("您无权办理入住"))
    # No row lock on the site: two desks check guests in at once; the index on open stays decides.
    site = Site.objects.visible_to(actor, CHANGE).filter(pk=site_id).first()
    if site is None:
        raise PermissionDenied(_("该记录不存在或不在您的管辖范围内"))
    room = Room.objects.filter(pk=room_id, site=site, is_active=True).first()
    if room is None:
        raise ValidationError({"room": [_("请选择本隔离点的房间")]})
    if not (checked_registration and checked_temperature and checked_health):
        raise ValidationError(_("登记、体温检测、核酸/健康状况全部核验达标后方可入住"))
    order = (
        Order.objects.select_related("person")
        .filter(
            person__id_number=normalize_code(id_number), status=OrderStatus.ACTIVE, kind=Measure.CENTRALIZED
        )
        .first()
    )
    if order is None:
        raise ValidationError({"id_number": [_("未找到该身份证号的集中隔离措施，请先由社区登记并下达")]})
    try:
        with transaction.atomic():
            stay = Stay.objects.create(
                site=site,
                room=room,
                order=order,
                person=order.person,
                checked_registration=True,
                checked_temperature=True,
                checked_health=True,
                checked_in_by=actor,
            )
    except IntegrityError:
        if (
            Stay.objects.filter(person=order.person, checked_out_at__isnull=True).exists()
            and not Stay.objects.filter(room=room, checked_out_at__isnull=True)
            .exclude(person=order.person)
            .exists()
        ):
            raise ValidationError(_("该人员已入住")) from None
        raise ValidationError({"room": [str(ROOM_TAKEN)]}) from None
    audit.record(
        actor=actor,
        obj=stay,
        action=AuditAction.CREATE,
        after={"room": str(room), "person": str(order.person)},
    )
    return stay


@transaction.atomic
def stay_check_out(*, actor, stay_id: int) -> Stay:
    _require(actor, SITE_OPERATE, _("您无权办理退房"))
    stay = _locked(Stay, actor, stay_id)
    if stay.checked_out_at is not None:
        raise ValidationError(_("已办理退房"))
    stay.checked_out_at, stay.checked_out_by = timezone.now(), actor
    stay.save(update_fields=["checked_out_at", "checked_out_by"])
    audit.record(
        actor=actor, obj=stay, action=AuditAction.UPDATE, after={"checked_out_at": str(stay.checked_out_at)}
    )
    return stay


# Rule data ---------------------------------------------------------------------------------------


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
