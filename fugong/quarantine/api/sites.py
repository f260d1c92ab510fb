"""/api/v1/quarantine: centralized sites, occupancy, check-in and check-out."""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from fugong.accounts.models import User
from fugong.core.access import QUARANTINE_CONFIGURE, QUARANTINE_MANAGE, SITE_OPERATE
from fugong.core.api import ErrorOut, In
from fugong.core.masking import mask_name

from .. import selectors, services
from ..models import Stay
from .base import WRITE, _get, _require

router = Router()  # tagged where fugong.quarantine.api gathers the parts


class RoomOut(Schema):
    id: int
    number: str
    occupied: bool
    guest: str | None = Field(description="住客姓名（脱敏）")
    stay_id: int | None


class SiteOut(Schema):
    id: int
    name: str
    area: str
    rooms: int
    now: int = Field(description="现入住人数")
    total: int = Field(description="累计入住人数")


class SiteDetailOut(SiteOut):
    grid: list[RoomOut]


class OccupancyOut(Schema):
    sites: int
    now: int
    total: int
    text: str


class CheckInIn(In):
    room_id: int | None = None
    id_number: str = ""
    checked_registration: bool = False
    checked_temperature: bool = False
    checked_health: bool = False


class SiteIn(In):
    name: str = ""
    area_id: int | None = None
    address: str = ""
    rooms: list[str] = Field(default_factory=list, description="房间号")


class RoomIn(In):
    number: str = ""


class StaffIn(In):
    username: str = Field("", description="隔离点工作人员账号")


class StaffOut(Schema):
    site_id: int
    username: str


class StayOut(Schema):
    id: int
    site_id: int
    room: str
    guest: str
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None


def _site(user, pk: int) -> dict:
    site = _get(selectors.sites(user=user).get, pk=pk)
    grid = [
        {
            "id": g["room"].pk,
            "number": g["room"].number,
            "occupied": g["stay"] is not None,
            "guest": mask_name(g["stay"].person.name) if g["stay"] else None,
            "stay_id": g["stay"].pk if g["stay"] else None,
        }
        for g in selectors.rooms_grid(site=site)
    ]
    return {**_site_item(site), "grid": grid}


def _site_item(s) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "area": s.area.name,
        "rooms": s.room_count,
        "now": s.now,
        "total": s.total,
    }


def _stay(s: Stay) -> dict:
    return {
        "id": s.pk,
        "site_id": s.site_id,
        "room": s.room.number,
        "guest": mask_name(s.person.name),
        "checked_in_at": s.checked_in_at,
        "checked_out_at": s.checked_out_at,
    }


@router.get("/occupancy", response={200: OccupancyOut, 403: ErrorOut}, summary="入住统计")
def occupancy(request):
    _require(request.user, QUARANTINE_MANAGE, SITE_OPERATE, QUARANTINE_CONFIGURE)
    o = selectors.occupancy(user=request.user)
    return {**o, "text": _("入住酒店人员共%(total)s人，现入住%(now)s人") % o}


@router.get("/sites", response={200: list[SiteOut], 403: ErrorOut}, summary="集中隔离点（含入住人数）")
def list_sites(request):
    _require(request.user, QUARANTINE_MANAGE, SITE_OPERATE, QUARANTINE_CONFIGURE)
    return [_site_item(s) for s in selectors.sites(user=request.user).select_related("area")]


@router.get(
    "/sites/{id}", response={200: SiteDetailOut, 403: ErrorOut, 404: ErrorOut}, summary="隔离点房间占用"
)
def get_site(request, id: int):
    _require(request.user, QUARANTINE_MANAGE, SITE_OPERATE, QUARANTINE_CONFIGURE)
    return _site(request.user, id)


@router.post("/sites", response={201: SiteDetailOut, **WRITE}, summary="设立集中隔离点")
def create_site(request, payload: SiteIn):
    _require(request.user, QUARANTINE_CONFIGURE)
    site = services.site_create(
        actor=request.user,
        name=payload.name,
        area_id=payload.area_id,
        address=payload.address,
        rooms=payload.rooms,
    )
    return Status(201, _site(request.user, site.pk))


@router.post("/sites/{id}/rooms", response={201: RoomOut, **WRITE}, summary="为隔离点添加房间")
def add_room(request, id: int, payload: RoomIn):
    _require(request.user, QUARANTINE_CONFIGURE)
    _get(selectors.site_detail, user=request.user, pk=id)
    room = services.room_add(actor=request.user, site_id=id, number=payload.number)
    return Status(
        201, {"id": room.pk, "number": room.number, "occupied": False, "guest": None, "stay_id": None}
    )


@router.post("/sites/{id}/staff", response={200: StaffOut, **WRITE}, summary="绑定隔离点工作人员账号")
def bind_staff(request, id: int, payload: StaffIn):
    _require(request.user, QUARANTINE_CONFIGURE)
    _get(selectors.site_detail, user=request.user, pk=id)
    staff = User.objects.filter(username=payload.username.strip()).first()
    bound = services.staff_bind(actor=request.user, site_id=id, user_id=staff.pk if staff else None)
    return {"site_id": bound.site_id, "username": bound.user.username}


@router.post(
    "/sites/{id}/check-in",
    response={201: StayOut, **WRITE},
    summary="办理入住",
    description="登记、体温检测、核酸/健康状况全部确认后方可入住；一个房间同时只能住一人，"
    "同时分配同一房间只有一个成功，另一个得到“该房间已有人入住”。",
)
def check_in(request, id: int, payload: CheckInIn):
    user = request.user
    _require(user, SITE_OPERATE)
    _get(selectors.site_detail, user=user, pk=id)
    stay = services.stay_check_in(
        actor=user,
        site_id=id,
        room_id=payload.room_id,
        id_number=payload.id_number,
        checked_registration=payload.checked_registration,
        checked_temperature=payload.checked_temperature,
        checked_health=payload.checked_health,
    )
    return Status(201, _stay(stay))


@router.post("/stays/{id}/check-out", response={200: StayOut, **WRITE}, summary="办理退房")
def check_out(request, id: int):
    user = request.user
    _require(user, SITE_OPERATE)
    _get(Stay.objects.visible_to(user).get, pk=id)
    stay = services.stay_check_out(actor=user, stay_id=id)
    return _stay(Stay.objects.select_related("room", "person").get(pk=stay.pk))
