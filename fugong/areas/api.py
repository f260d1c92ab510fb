"""/api/v1/areas: the administrative tree as far as the caller's scope reaches."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from fugong.core.access import AREA_IMPORT, AREA_VIEW, GROUP_MANAGE
from fugong.core.api import ErrorOut, In, ValidationErrorOut, paginate, require
from fugong.core.scoping import CHANGE
from fugong.core.xlsx import SheetError

from . import imports, selectors, services
from .choices import AreaKind, GroupKind, MemberDuty
from .models import Area, Department, WorkingGroupMember

router = Router(tags=["行政区划"])


class AreaOut(Schema):
    code: str
    name: str
    kind: str
    parent_code: str | None


class AreaQuery(In):
    kind: AreaKind | None = Field(
        None, description="只列出此类型：district / street / town / park / community / village / grid"
    )
    under: str | None = Field(None, max_length=32, description="只列出此区划编码及其下级（须在管辖范围内）")


@router.get(
    "",
    response=list[AreaOut],
    summary="我管辖范围内的区划",
    description="区级角色得到全区，街镇干部得到本街镇及其下级，社区网格员得到本社区；企业角色没有区划范围，"
    "得到空列表。`under` 指向范围之外或不存在的区划时同样得到空列表。",
)
def list_areas(request, filters: Query[AreaQuery]):
    rows = Area.objects.visible_to(request.user)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.under:
        node = Area.objects.visible_to(request.user).filter(code=filters.under.strip()).values("path").first()
        if node is None:
            return []
        rows = rows.filter(path__startswith=node["path"])
    # One query: the parent's code comes through the join, not one lookup per row.
    return list(rows.order_by("path").values("code", "name", "kind", parent_code=F("parent__code")))


# --- working groups: the same services as the pages (/areas/groups/) --------------------------------


class MemberOut(Schema):
    user_id: int
    username: str
    full_name: str
    duty: str


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    area_code: str
    department_code: str | None
    note: str
    members: list[MemberOut]


class GroupPage(Schema):
    items: list[GroupOut]
    count: int


class GroupQuery(In):
    q: str = Field("", max_length=64, description="工作组名称、区域或职责")
    kind: GroupKind | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=500)


class GroupIn(In):
    name: str = Field(..., min_length=1, max_length=100)
    kind: GroupKind
    area_code: str = Field(..., max_length=32, description="负责区域的区划编码（须在管辖范围内）")
    department_code: str | None = Field(None, max_length=32, description="牵头部门编码")
    note: str = Field("", max_length=255)


class GroupPatch(In):
    """Only the fields given change."""

    name: str | None = Field(None, min_length=1, max_length=100)
    kind: GroupKind | None = None
    area_code: str | None = Field(None, max_length=32)
    department_code: str | None = Field(None, max_length=32)
    note: str | None = Field(None, max_length=255)


class MemberIn(In):
    username: str = Field(..., min_length=1, max_length=150)
    duty: MemberDuty = MemberDuty.MEMBER


def _group_out(group, memberships=None) -> dict:
    rows = selectors.group_members(group=group) if memberships is None else memberships
    members = [
        {"user_id": m.user_id, "username": m.user.username, "full_name": m.user.full_name, "duty": m.duty}
        for m in rows
    ]
    return {
        "id": group.pk,
        "name": group.name,
        "kind": group.kind,
        "area_code": group.area.code,
        "department_code": group.department.code if group.department_id else None,
        "note": group.note,
        "members": members,
    }


def _group_fields(user, payload: GroupIn) -> dict:
    """Codes → rows the caller may see; an unknown code and one out of scope get the same answer."""
    area = Area.objects.visible_to(user).filter(code=payload.area_code.strip()).first()
    errors = {}
    if area is None:
        errors["area_code"] = [_("区划不存在或不在您的管辖范围内")]
    department = None
    if payload.department_code:
        department = Department.objects.visible_to(user).filter(code=payload.department_code.strip()).first()
        if department is None:
            errors["department_code"] = [_("部门不存在或不在您的管辖范围内")]
    if errors:
        raise ValidationError(errors)
    return {
        "name": payload.name,
        "kind": payload.kind,
        "area": area,
        "department": department,
        "note": payload.note,
    }


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


@router.get("/groups", response={200: GroupPage, **ERRORS}, summary="工作组列表（管辖范围内）")
def list_groups(request, filters: Query[GroupQuery]):
    require(request.user, AREA_VIEW)
    qs = selectors.group_search(user=request.user, q=filters.q, kind=filters.kind or "")
    members = Prefetch(
        "memberships", queryset=WorkingGroupMember.objects.select_related("user").order_by("pk")
    )
    qs = qs.select_related("area", "department").prefetch_related(members)
    rows, count = paginate(qs, filters.page, filters.page_size)  # three queries whatever the page holds
    return {"items": [_group_out(g, g.memberships.all()) for g in rows], "count": count}


@router.get("/groups/{int:group_id}", response={200: GroupOut, **ERRORS}, summary="工作组详情与成员")
def get_group(request, group_id: int):
    require(request.user, AREA_VIEW)
    return _group_out(selectors.group_get(user=request.user, pk=group_id))


@router.post("/groups", response={201: GroupOut, **ERRORS}, summary="新建工作组")
def create_group(request, payload: GroupIn):
    require(request.user, GROUP_MANAGE)
    group = services.group_create(actor=request.user, **_group_fields(request.user, payload))
    return Status(201, _group_out(group))


@router.patch("/groups/{int:group_id}", response={200: GroupOut, **ERRORS}, summary="修改工作组")
def update_group(request, group_id: int, payload: GroupPatch):
    require(request.user, GROUP_MANAGE)
    group = selectors.group_get(user=request.user, pk=group_id, action=CHANGE)
    current = {
        "name": group.name,
        "kind": group.kind,
        "area_code": group.area.code,
        "department_code": group.department.code if group.department_id else None,
        "note": group.note,
    }
    merged = GroupIn(**{**current, **payload.dict(exclude_unset=True)})
    group = services.group_update(actor=request.user, group=group, **_group_fields(request.user, merged))
    return _group_out(group)


@router.post("/groups/{int:group_id}/members", response={201: GroupOut, **ERRORS}, summary="添加成员")
def add_member(request, group_id: int, payload: MemberIn):
    require(request.user, GROUP_MANAGE)
    group = selectors.group_get(user=request.user, pk=group_id, action=CHANGE)
    users = get_user_model().objects.visible_to(request.user)
    member = users.filter(username=payload.username.strip(), is_active=True).first()
    if member is None:
        raise ValidationError({"username": [_("用户不存在或不在您的管辖范围内")]})
    services.group_member_add(actor=request.user, group=group, user=member, duty=payload.duty)
    return Status(201, _group_out(group))


@router.delete(
    "/groups/{int:group_id}/members/{int:user_id}", response={200: GroupOut, **ERRORS}, summary="移出成员"
)
def remove_member(request, group_id: int, user_id: int):
    require(request.user, GROUP_MANAGE)
    group = selectors.group_get(user=request.user, pk=group_id, action=CHANGE)
    member = next((m for m in selectors.group_members(group=group) if m.user_id == user_id), None)
    if member is None:
        raise ValidationError({"user_id": [_("该用户不是本组成员")]})
    services.group_member_remove(actor=request.user, group=group, user=member.user)
    return _group_out(group)


# --- importing the tree: the same parser and service as the page (/areas/import/) --------------------


class AreaRowErrorOut(Schema):
    row: int = Field(description="Excel 中的行号")
    column: str
    message: str


class AreaImportOut(Schema):
    detail: str
    saved: bool
    created: int
    updated: int
    unchanged: int
    errors: list[AreaRowErrorOut]


@router.post(
    "/import",
    response={200: AreaImportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: AreaImportOut},
    summary="从 xlsx 导入行政区划",
    description="以 multipart/form-data 上传 `file`（.xlsx，列：区划编码、名称、类型、上级编码），与导入页面相同。"
    "已有的编码更新名称和类型，其余新增。全部成功或全部不导入：任何一行有误时返回 422，`errors` 逐行列出"
    "第 N 行、列、原因；文件本身无法读取时返回 400。",
)
def import_areas(request, file: File[UploadedFile] = None):
    require(request.user, AREA_IMPORT)
    try:
        result = services.area_import(actor=request.user, parsed=imports.parse_rows(file))
    except SheetError as exc:
        return Status(400, {"detail": exc.message})
    except imports.AreaImportError as exc:
        errors = [{"row": e.row, "column": e.column, "message": e.message} for e in exc.errors]
        detail = _("有 %(n)d 行数据有误，未导入任何数据；改正后重新上传") % {
            "n": len({e.row for e in exc.errors})
        }
        return Status(
            422,
            {"detail": detail, "saved": False, "created": 0, "updated": 0, "unchanged": 0, "errors": errors},
        )
    detail = _("导入完成：新增 %(c)d 个区划，更新 %(u)d 个，未变 %(n)d 个") % {
        "c": result.created,
        "u": result.updated,
        "n": result.unchanged,
    }
    return {
        "detail": detail,
        "saved": True,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": [],
    }
