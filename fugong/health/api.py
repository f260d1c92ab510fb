"""/api/v1/persons: the person registry (一人一档) for apps and for other apps' forms.

Scoped like the pages: a person out of scope is a 404, like a missing one. ID numbers and phones
are masked unless a role allowed to unmask asks for ``?full=1`` — and that view is logged.
Search and lookup are exact on the full ID number or phone, so they cannot be used as an oracle.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from fugong.areas.models import Area
from fugong.core.access import PERSON_MANAGE, PERSON_VIEW, PERSONAL_UNMASK
from fugong.core.api import ErrorOut, In, ValidationErrorOut, paginate, require
from fugong.core.masking import mask_id_number, mask_phone
from fugong.core.scoping import CHANGE
from fugong.core.xlsx import SheetError

from . import selectors, services
from .forms import import_rows
from .models import Person
from .policies import FILE

router = Router(tags=["人员档案"])


class PersonItem(Schema):
    id: int
    name: str
    id_number: str = Field(description="默认脱敏；full=1 且有权限时为完整号码（查看会被记录）")
    phone: str
    access: str = Field(
        description="file：居住地社区、街镇可见完整档案；employment：通过本单位在册员工关系可见，"
        "仅姓名、脱敏号码和本单位的用工信息，居住社区、地址等为 null"
    )
    area_code: str | None
    area_name: str | None
    address: str | None
    created_at: dt.datetime


class PersonPage(Schema):
    items: list[PersonItem]
    count: int


class EmployerOut(Schema):
    enterprise_id: int
    enterprise_name: str
    is_local: bool
    is_active: bool


class PersonOut(PersonItem):
    merged_into: int | None = Field(description="已合并时为保留记录的 id")
    merged_at: dt.datetime | None
    merge_reason: str | None
    employers: list[EmployerOut]
    possible_duplicates: list[int] = Field(
        [], description="登记时：同名且手机号相同的已登记人员 id（仅提示，不阻止登记）"
    )


class ListQuery(In):
    q: str | None = Field(None, description="姓名，或完整身份证号 / 完整手机号（精确匹配）")
    area: str | None = Field(None, description="区划编码（管辖范围内）")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class PersonIn(In):
    id_number: str = Field(max_length=24)
    name: str = Field(max_length=32)
    phone: str = Field("", max_length=20)
    area_code: str = Field(description="居住社区（村）区划编码，须在管辖范围内")
    address: str = Field("", max_length=200)


class PersonUpdateIn(In):
    name: str = Field(max_length=32)
    phone: str = Field("", max_length=20)
    area_code: str
    address: str = Field("", max_length=200)


class MergeIn(In):
    # Optional in the schema so that a record out of scope answers 404 before the body is judged.
    survivor_id: int | None = Field(None, description="保留记录的 id；本记录（路径中的 id）并入其中")
    reason: str = Field("", max_length=200)


class RevealOut(Schema):
    id_number: str
    phone: str


class RowErrorOut(Schema):
    row: int = Field(description="xlsx 中的行号（第 1 行为表头）")
    column: str
    message: str


class ImportOut(Schema):
    detail: str
    saved: bool = Field(description="是否保存了数据")
    total: int = Field(description="文件中的数据行数（不含模板示例行）")
    created: int
    skipped: int = Field(description="未导入的行数")
    errors: list[RowErrorOut]


def _item(p: Person, level: str, full: bool = False) -> dict:
    """One person as the viewer's level shows them (health.policies): the home and the file only at
    FILE level, full numbers only there and only on request."""
    item = {
        "id": p.pk,
        "name": p.name,
        "id_number": p.id_number if full else mask_id_number(p.id_number),
        "phone": p.phone if full else mask_phone(p.phone),
        "access": level,
        "area_code": None,
        "area_name": None,
        "address": None,
        "created_at": p.created_at,
    }
    if level == FILE:
        item.update(
            area_code=p.area.code if p.area_id else None,
            area_name=p.area.name if p.area_id else None,
            address=p.address,
        )
    return item


def _detail(user, person: Person, full: bool = False) -> dict:
    # A registration linked out of scope (services.registration_answer) answers with what was typed,
    # as a new person's registration answers its registrant: at file level, with no employers.
    linked = getattr(person, "linked", False)
    level = FILE if linked else selectors.person_access(user=user, person=person)
    employers = [
        {
            "enterprise_id": e.enterprise_id,
            "enterprise_name": e.enterprise.name,
            "is_local": e.is_local,
            "is_active": e.is_active,
        }
        for e in ([] if linked else selectors.person_employments(user=user, person=person, level=level))
    ]
    file = level == FILE
    return {
        **_item(person, level, full and file),
        "merged_into": person.merged_into_id,
        "merged_at": person.merged_at if file else None,
        "merge_reason": person.merge_reason if file else None,
        "employers": employers,
    }


def _area(code: str) -> Area:
    area = Area.objects.filter(code=(code or "").strip()).first()
    if area is None:
        raise ValidationError({"area_code": [_("未找到该区划编码")]})
    return area


@router.get(
    "",
    response={200: PersonPage, 403: ErrorOut},
    summary="人员列表（分页）",
    description="管辖范围内的人员（不含已合并的记录），号码脱敏；身份证号、手机号须完整输入才能查到。",
)
def list_persons(request, q: Query[ListQuery]):
    require(request.user, PERSON_VIEW, _("您无权查看人员档案"))
    f = selectors.PersonFilter(q=(q.q or "").strip()[:64], area=(q.area or "").strip()[:32])
    rows, count = paginate(selectors.person_list(user=request.user, f=f), q.page, q.page_size)
    return {"items": [_item(p, p.access_level) for p in rows], "count": count}


@router.get(
    "/lookup",
    response={200: PersonOut, 403: ErrorOut, 404: ErrorOut},
    summary="按身份证号查找",
    description="供其他业务表单预填：管辖范围内有此身份证号的人员时返回（脱敏），否则 404，"
    "管辖范围外的人员与不存在的一样返回 404。已合并的号码返回保留的记录。",
)
def lookup_person(request, id_number: str):
    require(request.user, PERSON_VIEW, _("您无权查看人员档案"))
    person = selectors.person_by_id_number(user=request.user, id_number=id_number[:24])
    if person is None:
        raise Http404
    return _detail(request.user, person)


@router.post(
    "",
    response={201: PersonOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="登记人员",
    description="身份证号校验；您可查看的已登记身份证号返回 422「该身份证号已登记」。"
    "管辖范围外已登记的身份证号与新登记的回答相同（只含所填内容），并提交居住地社区核实。",
)
def create_person(request, payload: PersonIn):
    user = request.user
    require(user, PERSON_MANAGE, _("您无权登记人员"))
    similar = selectors.same_name_and_phone(user=user, name=payload.name, phone=payload.phone)
    person = services.person_create(
        actor=user,
        id_number=payload.id_number,
        name=payload.name,
        phone=payload.phone,
        area=_area(payload.area_code),
        address=payload.address,
    )
    return Status(201, {**_detail(user, person), "possible_duplicates": [p.pk for p in similar]})


def _import_out(result, *, total: int, saved: bool) -> dict:
    if saved:
        detail = _("新增 %(created)s 人，未导入 %(skipped)s 行。") % {
            "created": result.created,
            "skipped": result.skipped,
        }
    else:
        detail = _("文件共 %(total)s 行，发现 %(errors)s 处错误，本次没有保存任何数据。") % {
            "total": total,
            "errors": len(result.errors),
        }
    return {
        "detail": detail,
        "saved": saved,
        "total": total,
        "created": result.created,
        "skipped": result.skipped,
        "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors],
    }


@router.post(
    "/import",
    response={200: ImportOut, 400: ErrorOut, 403: ErrorOut, 422: ImportOut},
    summary="从 xlsx 批量登记人员",
    description=f"以 multipart/form-data 上传 `file`（.xlsx，列同页面的导入模板，至多 {settings.IMPORT_MAX_ROWS} 行）。"
    "任何一行有误时默认不导入任何数据（422，`errors` 逐行列出第 N 行、列、原因）；"
    "`valid_only=true`（仅导入无误的行）时只导入无误的行。文件无法读取时返回 400。",
)
def import_persons(request, file: File[UploadedFile] = None, valid_only: Form[bool] = False):
    user = request.user
    require(user, PERSON_MANAGE, _("您无权登记人员"))
    try:
        rows = import_rows(file)
    except SheetError as exc:
        return Status(400, {"detail": exc.message})
    result = services.person_import(actor=user, rows=rows, valid_only=valid_only)
    saved = not result.errors or valid_only
    return Status(200 if saved else 422, _import_out(result, total=len(rows), saved=saved))


@router.get(
    "/{int:pk}",
    response={200: PersonOut, 403: ErrorOut, 404: ErrorOut},
    summary="人员档案",
    description="默认脱敏；`full=1` 返回完整号码，需有查看完整信息的权限，每次查看都会被记录。",
)
def get_person(request, pk: int, full: bool = False):
    user = request.user
    require(user, PERSON_VIEW, _("您无权查看人员档案"))
    person = selectors.person_get(user=user, pk=pk)
    if full:
        require(user, PERSONAL_UNMASK, _("您无权查看完整个人信息"))
        if selectors.person_access(user=user, person=person) != FILE:  # a staff view reveals nothing
            raise PermissionDenied(_("您无权查看完整个人信息"))
        services.person_reveal(actor=user, person=person)
    return _detail(user, person, full=full)


@router.post(
    "/{int:pk}/reveal",
    response={200: RevealOut, 403: ErrorOut, 404: ErrorOut},
    summary="显示完整信息（留痕）",
    description="返回完整的身份证号和手机号，仅限有权查看完整个人信息的角色；每次查看都记入个人信息查看记录。"
    "管辖范围外的人员，以及仅通过本单位在册员工关系可见的人员，返回 404。",
)
def reveal_person(request, pk: int):
    user = request.user
    require(user, PERSON_VIEW, _("您无权查看人员档案"))
    person = selectors.person_get(user=user, pk=pk, action=FILE)  # the file's numbers: its chain only
    require(user, PERSONAL_UNMASK, _("您无权查看完整个人信息"))
    return services.person_reveal(actor=user, person=person)


@router.put(
    "/{int:pk}",
    response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="修改人员信息",
    description="身份证号不能修改；录错的记录请登记正确号码后合并。",
)
def update_person(request, pk: int, payload: PersonUpdateIn):
    user = request.user
    require(user, PERSON_MANAGE, _("您无权修改人员信息"))
    selectors.person_get(user=user, pk=pk, action=CHANGE)
    person = services.person_update(
        actor=user,
        person_id=pk,
        name=payload.name,
        phone=payload.phone,
        area=_area(payload.area_code),
        address=payload.address,
    )
    return _detail(user, person)


@router.post(
    "/{int:pk}/merge",
    response={200: PersonOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="合并重复记录",
    description="路径中的记录并入 survivor_id：关联数据全部转到保留记录，本记录保留为已合并，不删除。"
    "两条记录都须在管辖范围内。",
)
def merge_person(request, pk: int, payload: MergeIn):
    user = request.user
    require(user, PERSON_MANAGE, _("您无权合并人员记录"))
    selectors.person_get(user=user, pk=pk, action=CHANGE)
    if payload.survivor_id is None:
        raise ValidationError({"survivor_id": [_("请指定保留记录")]})
    try:
        survivor = services.person_merge(
            actor=user, duplicate_id=pk, survivor_id=payload.survivor_id, reason=payload.reason
        )
    except PermissionDenied:
        raise Http404 from None
    return _detail(user, survivor)


# --- registrations by others to review (登记核实) --------------------------------------------------


class DiscrepancyOut(Schema):
    id: int
    person_id: int
    source: str
    source_label: str
    status: str
    status_label: str
    file_name: str = Field(description="档案中的姓名")
    file_id_number: str = Field(description="档案中的身份证号（脱敏）")
    file_phone: str = Field(description="档案中的手机号（脱敏）")
    file_area_name: str | None
    typed_name: str = Field(description="登记方填写的姓名")
    typed_id_number: str = Field(description="登记方填写的身份证号（脱敏）")
    typed_phone: str = Field(description="登记方填写的手机号（脱敏）")
    typed_area_name: str | None
    typed_address: str
    name_differs: bool
    phone_differs: bool
    created_by: str | None
    created_at: dt.datetime
    resolution: str
    note: str
    resolved_at: dt.datetime | None


class DiscrepancyPage(Schema):
    items: list[DiscrepancyOut]
    count: int


class DiscrepancyQuery(In):
    status: str | None = Field(None, description="open / resolved / rejected；默认全部")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class ResolveIn(In):
    resolution: str = Field(
        "", description="accept（采用登记的姓名和手机号）/ keep（保留档案）/ different（非同一人）"
    )
    note: str = Field("", max_length=200)


def _who(user) -> str | None:
    return (user.full_name or user.username) if user else None


def _discrepancy(d) -> dict:
    p = d.person
    return {
        "id": d.pk,
        "person_id": p.pk,
        "source": d.source,
        "source_label": d.get_source_display(),
        "status": d.status,
        "status_label": d.get_status_display(),
        "file_name": p.name,
        "file_id_number": mask_id_number(p.id_number),
        "file_phone": mask_phone(p.phone),
        "file_area_name": p.area.name if p.area_id else None,
        "typed_name": d.typed_name,
        "typed_id_number": mask_id_number(d.typed_id_number),
        "typed_phone": mask_phone(d.typed_phone),
        "typed_area_name": d.typed_area.name if d.typed_area_id else None,
        "typed_address": d.typed_address,
        "name_differs": d.name_differs,
        "phone_differs": d.phone_differs,
        "created_by": _who(d.created_by),
        "created_at": d.created_at,
        "resolution": d.resolution,
        "note": d.note,
        "resolved_at": d.resolved_at,
    }


@router.get(
    "/discrepancies",
    response={200: DiscrepancyPage, 403: ErrorOut},
    summary="登记核实列表",
    description="其他单位登记时填写了本辖区居民身份证号的记录，档案与填写的两份信息并列；"
    "只有居住地社区、街镇（及系统管理员）可见，登记方看不到。",
)
def list_discrepancies(request, q: Query[DiscrepancyQuery]):
    require(request.user, PERSON_MANAGE, _("您无权核实人员登记"))
    rows = selectors.discrepancy_list(user=request.user, status=(q.status or "").strip())
    rows, count = paginate(rows, q.page, q.page_size)
    return {"items": [_discrepancy(d) for d in rows], "count": count}


@router.post(
    "/discrepancies/{int:pk}/resolve",
    response={200: DiscrepancyOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="处理登记核实",
    description="accept：档案采用登记方填写的姓名（和手机号）；keep：保留档案；different：非同一人，"
    "登记方只会看到「请核实身份证号」。不在管辖范围内的记录返回 404。",
)
def resolve_discrepancy(request, pk: int, payload: ResolveIn):
    require(request.user, PERSON_MANAGE, _("您无权核实人员登记"))
    try:
        item = services.discrepancy_resolve(
            actor=request.user, discrepancy_id=pk, resolution=payload.resolution, note=payload.note
        )
    except PermissionDenied:
        raise Http404 from None
    return _discrepancy(item)
