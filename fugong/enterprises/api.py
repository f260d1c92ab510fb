"""/api/v1/enterprises: the registry, with the same filter, form, services and files as the pages.

Input speaks in codes (``area_code``, usernames), resolved by ``api_input`` among the web form's
own choices. Reads go through selectors, writes through services; phones leave masked unless a
role allowed to see them asks, and that is logged.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from fugong.core import audit
from fugong.core.access import (
    ENTERPRISE_CREATE,
    ENTERPRISE_EXPORT,
    ENTERPRISE_IMPORT,
    ENTERPRISE_VIEW,
    PERSONAL_UNMASK,
)
from fugong.core.api import ErrorOut, ValidationErrorOut, paginate, require
from fugong.core.jobs.api import QueuedExportOut
from fugong.core.jobs.exports import queued_api_response
from fugong.core.jobs.exports import rows_if_too_large as large_export
from fugong.core.xlsx import SheetError, template_response

from . import exports, imports, selectors, services
from .api_input import validated_form
from .models import Enterprise
from .schemas import (
    API_TO_FORM,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePage,
    EnterprisePatch,
    ExportQuery,
    HistoryPage,
    HistoryQuery,
    ImportOut,
    ListQuery,
    PhonesOut,
    enterprise_item,
    history_item,
    import_result,
)

router = Router(tags=["企业名录"])

ITEM_RELATED = ("area", "commissioner", "paired_leader", "medic")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _load(user, pk) -> Enterprise:
    """One visible enterprise with what its item shows joined in; 404 when missing or out of scope."""
    try:
        return selectors.enterprise_queryset(user=user).select_related(*ITEM_RELATED).get(pk=pk)
    except (Enterprise.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _filtered(request):
    """The web list's filter over the caller's enterprises; bad filter values are a 422."""
    f = selectors.enterprise_filter(user=request.user, params=request.GET, request=request)
    if not f.is_valid():
        raise ValidationError({name: [str(m) for m in msgs] for name, msgs in f.errors.items()})
    return selectors.stable_order(f.qs)


# --- the registry -------------------------------------------------------------------------------


@router.get(
    "",
    response={200: EnterprisePage, 403: ErrorOut, 422: ValidationErrorOut},
    summary="企业名录（分页）",
    description="与企业名录页面相同的筛选：`area` 为区划编码（含全部下级），`q` 搜索名称、信用代码或法定代表人，"
    "以及类别、行业、应急保供、重点产业、未配专员和排序。只返回管辖范围内的企业；电话号码已脱敏。",
)
def list_enterprises(request, filters: Query[ListQuery]):
    require(request.user, ENTERPRISE_VIEW, "您无权查看企业名录")
    qs = _filtered(request).select_related(*ITEM_RELATED)
    rows, count = paginate(qs, filters.page, filters.page_size)
    return {"items": [enterprise_item(e) for e in rows], "count": count}


@router.post(
    "",
    response={201: EnterpriseOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="登记企业",
    description="与页面表单相同的校验（信用代码校验位、手机号、本地职工数不超过职工总数、区域在管辖范围内）。"
    "区域以 `area_code` 给出，专员、区领导、医护人员以用户名给出。",
)
def create_enterprise(request, payload: EnterpriseIn):
    require(request.user, ENTERPRISE_CREATE, "您无权登记企业")
    form = validated_form(request.user, payload.dict())
    enterprise = services.enterprise_create(actor=request.user, **form.service_fields())
    return Status(201, enterprise_item(_load(request.user, enterprise.pk)))


# --- files (registered before /{enterprise_id}, which would otherwise match them) ---------------


@router.get(
    "/export.xlsx",
    response={200: None, 202: QueuedExportOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="导出企业名录（xlsx）",
    description="导出与列表相同筛选条件下的全部企业，带导出人水印；电话默认脱敏，`full=1` 且角色有权查看时导出完整号码并留痕。超过 FUGONG_EXPORT_INLINE_ROWS 行（默认 50000）时返回 202 与后台任务，"
    "完成后从 `file` 下载同样的文件。",
    openapi_extra={"responses": {200: {"description": "xlsx 文件", "content": {XLSX: {}}}}},
)
def export_enterprises(request, filters: Query[ExportQuery]):
    user = request.user
    require(user, ENTERPRISE_EXPORT, "您无权导出企业名录")
    full = exports.wants_full(user, filters.full)
    queryset = _filtered(request)
    if rows := large_export(queryset):  # a job: follow /api/v1/jobs/{id}, then download its file
        job = exports.enterprise_export_enqueue(user=user, query=request.GET.urlencode(), full=full)
        return queued_api_response(job, rows=rows)
    return exports.enterprise_export(user=user, queryset=queryset, full=full)


@router.get(
    "/import/template.xlsx",
    response={200: None, 403: ErrorOut},
    summary="下载企业导入模板（xlsx）",
    openapi_extra={"responses": {200: {"description": "xlsx 文件", "content": {XLSX: {}}}}},
)
def import_template(request):
    require(request.user, ENTERPRISE_IMPORT, "您无权批量导入企业")
    return template_response(imports.COLUMNS, filename="企业名录导入模板.xlsx", title="企业名录")


@router.post(
    "/import",
    response={200: ImportOut, 400: ErrorOut, 403: ErrorOut, 422: ImportOut},
    summary="从 xlsx 批量导入企业",
    description=f"以 multipart/form-data 上传 `file`（.xlsx，至多 {settings.IMPORT_MAX_ROWS} 行）。"
    "信用代码已登记的行更新该企业，其余新增。任何一行有误时默认不导入任何数据（422，`errors` 逐行列出第 N 行、列、原因）；"
    "`valid_only=true` 时只导入无误的行。",
)
def import_enterprises(request, file: File[UploadedFile] = None, valid_only: Form[bool] = False):
    require(request.user, ENTERPRISE_IMPORT, "您无权批量导入企业")
    try:
        result = services.enterprise_import(actor=request.user, upload=file, valid_only=valid_only)
    except SheetError as exc:
        return Status(400, {"detail": exc.message})
    return Status(200 if result.saved else 422, import_result(result))


# --- one enterprise -----------------------------------------------------------------------------


@router.get(
    "/{enterprise_id}",
    response={200: EnterpriseOut, 404: ErrorOut},
    summary="企业详情",
    description="不存在或不在管辖范围内的企业一律返回 404。",
)
def get_enterprise(request, enterprise_id: int):
    return enterprise_item(_load(request.user, enterprise_id))


@router.patch(
    "/{enterprise_id}",
    response={200: EnterpriseOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="修改企业信息",
    description="只修改请求中给出的字段，校验与页面表单相同。企业管理员只能修改法定代表人、联系人、电话、地址和职工人数；"
    "看不到的企业返回 404，能看到但无权修改的返回 403。",
)
def update_enterprise(request, enterprise_id: int, payload: EnterprisePatch):
    user = request.user
    enterprise = _load(user, enterprise_id)
    if not selectors.enterprise_can_change(user=user, enterprise=enterprise):
        raise PermissionDenied("您无权修改该企业的信息")
    given = payload.dict(exclude_unset=True)
    form = validated_form(user, given, enterprise)
    names = [API_TO_FORM.get(k, k) for k in given]
    changes = {name: form.cleaned_data[name] for name in names if name in form.fields}
    if changes:
        services.enterprise_update(actor=user, enterprise=enterprise, **changes)
    return enterprise_item(_load(user, enterprise_id))


@router.get(
    "/{enterprise_id}/history",
    response={200: HistoryPage, 404: ErrorOut},
    summary="企业变更记录",
    description="谁在何时改了什么（修改前后），最新的在前；个人信息已脱敏。范围同企业详情。",
)
def enterprise_history(request, enterprise_id: int, paging: Query[HistoryQuery]):
    enterprise = selectors.enterprise_get(user=request.user, pk=enterprise_id)
    rows, count = paginate(audit.history(enterprise), paging.page, paging.page_size)
    return {"items": [history_item(e) for e in rows], "count": count}


@router.post(
    "/{enterprise_id}/reveal",
    response={200: PhonesOut, 403: ErrorOut, 404: ErrorOut},
    summary="查看完整电话号码（留痕）",
    description="返回法定代表人和联系人的完整电话，仅限有权查看个人信息的角色；每次查看都记入个人信息查看记录。",
)
def reveal_phones(request, enterprise_id: int):
    enterprise = _load(request.user, enterprise_id)
    require(request.user, PERSONAL_UNMASK, "您无权查看完整号码")
    return services.enterprise_phones_reveal(actor=request.user, enterprise=enterprise)
