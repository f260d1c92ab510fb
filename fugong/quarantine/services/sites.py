"""Writes of centralized sites, rooms, staff and stays.

A room is never double-booked: the partial unique index on open stays decides, and the loser of a
race is told "该房间已有人入住".
"""

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
    SITE_OPERATE,
    Role,
)
from fugong.core.models import AuditAction
from fugong.core.scoping import CHANGE
from fugong.core.validators import normalize_code

from ..models import (
    Measure,
    Order,
    OrderStatus,
    Room,
    Site,
    SiteStaff,
    Stay,
)
from .base import _locked, _require

ROOM_TAKEN = gettext_lazy("该房间已有人入住")


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
    """Check a person under a centralized order of the site's area into a room, after registration
    and all checks; an order elsewhere reads as no order ("未找到…"), so "该人员已入住" answers only
    for a person of the site's area.

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
    # Only an order of the site's area: a person of another area answers like an unknown number.
    order = (
        Order.objects.select_related("person")
        .filter(
            person__id_number=normalize_code(id_number),
            status=OrderStatus.ACTIVE,
            kind=Measure.CENTRALIZED,
            area_path__startswith=site.area_path,
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
