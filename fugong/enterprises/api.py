"""/api/v1/enterprises: the registry, with the same filter, form and services as the pages.

Input speaks in codes (``area_code``, usernames); they are resolved only among the choices the
web form itself offers the caller, so an area or person outside the caller's scope is a
validation error with the same Chinese messages the page shows. Writes go through services.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import Http404
from ninja import Query, Router, Status

from fugong.accounts.roles import ENTERPRISE_CHANGE, ENTERPRISE_CREATE, ENTERPRISE_VIEW
from fugong.core import audit
from fugong.core.scoping import CHANGE

from .forms import EnterpriseForm
from .models import Enterprise
from .schemas import (
    API_TO_FORM,
    FORM_TO_API,
    USER_FIELDS,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePage,
    EnterprisePatch,
    ErrorOut,
    HistoryPage,
    HistoryQuery,
    ListQuery,
    ValidationErrorOut,
    enterprise_item,
    history_item,
)
from .selectors import enterprise_filter, enterprise_get, enterprise_queryset
from .services import enterprise_create, enterprise_update

router = Router(tags=["企业名录"])

ITEM_RELATED = ("area", "commissioner", "paired_leader", "medic")


def _require(user, capability: str, message: str) -> None:
    if not user.can(capability):
        raise PermissionDenied(message)


def _load(user, pk) -> Enterprise:
    """One visible enterprise with what its item shows joined in; 404 when missing or out of scope."""
    try:
        return enterprise_queryset(user=user).select_related(*ITEM_RELATED).get(pk=pk)
    except (Enterprise.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _paginate(qs, page: int, page_size: int) -> tuple[list, int]:
    count = qs.count()
    start = (page - 1) * page_size
    return (list(qs[start : start + page_size]) if start < count else []), count


# --- translating API input into the web form's data ----------------------------------------------


def _label(form, name: str) -> str:
    return str(form.fields[name].label)


def _resolve(form, given: dict) -> tuple[dict, dict[str, list[str]]]:
    """Form data from API values: area code → area pk, username → user pk, among the form's choices."""
    data, errors = {}, {}
    for api_name, value in given.items():
        name = API_TO_FORM.get(api_name, api_name)
        if value in (None, ""):
            data[name] = ""
            continue
        if name == "area":
            pk = (
                form.fields["area"]
                .queryset.filter(code=str(value).strip())
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                errors[api_name] = [f"区划编码“{value}”不存在或不在您的管辖范围内"]
            data[name] = pk or ""
        elif name in USER_FIELDS:
            qs = form.fields[name].queryset
            pk = qs.filter(username=str(value).strip()).values_list("pk", flat=True).first()
            if pk is None:
                errors[api_name] = [f"用户“{value}”不存在、不能担任{_label(form, name)}或不在您的管辖范围内"]
            data[name] = pk or ""
        else:
            data[name] = value
    return data, errors


def _current(enterprise: Enterprise, api_name: str):
    name = API_TO_FORM.get(api_name, api_name)
    if name == "area":
        return enterprise.area.code
    if name in USER_FIELDS:
        user = getattr(enterprise, name)
        return user.username if user else None
    if name == "working_group":
        return enterprise.working_group_id
    return getattr(enterprise, name)


def _refuse_fields(form, given: dict, enterprise: Enterprise | None) -> None:
    """403 for fields this role may not set; a value sent back unchanged is not a change."""
    refused = []
    for api_name, value in given.items():
        name = API_TO_FORM.get(api_name, api_name)
        if name in form.fields:
            continue
        unchanged = (
            value in (None, "", False) if enterprise is None else value == _current(enterprise, api_name)
        )
        if not unchanged:
            refused.append(str(Enterprise._meta.get_field(name).verbose_name))
    if refused:
        raise PermissionDenied(f"您无权填写或修改以下字段：{'、'.join(refused)}")


def _validated_form(user, given: dict, enterprise: Enterprise | None = None) -> EnterpriseForm:
    """The web form bound to the API input (on top of the current values when editing)."""
    blank = EnterpriseForm(user=user, instance=enterprise)
    _refuse_fields(blank, given, enterprise)
    allowed = {k: v for k, v in given.items() if API_TO_FORM.get(k, k) in blank.fields}
    data, errors = _resolve(blank, allowed)
    if enterprise is not None:
        data = {**model_to_dict(enterprise, fields=list(blank.fields)), **data}
        data = {k: ("" if v is None else v) for k, v in data.items()}
    form = EnterpriseForm(data=data, user=user, instance=enterprise)
    if not form.is_valid() or errors:
        merged = {FORM_TO_API.get(f, f): [str(m) for m in msgs] for f, msgs in form.errors.items()}
        merged.update(errors)
        raise ValidationError(merged)
    return form


# --- endpoints ------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: EnterprisePage, 403: ErrorOut, 422: ValidationErrorOut},
    summary="企业名录（分页）",
    description="与企业名录页面相同的筛选：`area` 为区划编码（含全部下级），`q` 搜索名称、信用代码或法定代表人，"
    "以及类别、行业、应急保供、重点产业。只返回管辖范围内的企业；电话号码已脱敏。",
)
def list_enterprises(request, filters: Query[ListQuery]):
    _require(request.user, ENTERPRISE_VIEW, "您无权查看企业名录")
    f = enterprise_filter(user=request.user, params=request.GET, request=request)
    if not f.is_valid():
        raise ValidationError({name: [str(m) for m in msgs] for name, msgs in f.errors.items()})
    qs = f.qs.select_related(*ITEM_RELATED)
    # A stable order, so that pages neither repeat nor skip rows of equal sort keys.
    qs = qs.order_by(*(qs.query.order_by or Enterprise._meta.ordering), "pk")
    rows, count = _paginate(qs, filters.page, filters.page_size)
    return {"items": [enterprise_item(e) for e in rows], "count": count}


@router.post(
    "",
    response={201: EnterpriseOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="登记企业",
    description="与页面表单相同的校验（信用代码校验位、手机号、本地职工数不超过职工总数、区域在管辖范围内）。"
    "区域以 `area_code` 给出，专员、区领导、医护人员以用户名给出。",
)
def create_enterprise(request, payload: EnterpriseIn):
    _require(request.user, ENTERPRISE_CREATE, "您无权登记企业")
    form = _validated_form(request.user, payload.dict())
    enterprise = enterprise_create(actor=request.user, **form.service_fields())
    return Status(201, enterprise_item(_load(request.user, enterprise.pk)))


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
    if (
        not user.can(ENTERPRISE_CHANGE)
        or not enterprise_queryset(user=user, action=CHANGE).filter(pk=enterprise.pk).exists()
    ):
        raise PermissionDenied("您无权修改该企业的信息")
    given = payload.dict(exclude_unset=True)
    form = _validated_form(user, given, enterprise)
    changes = {
        API_TO_FORM.get(k, k): form.cleaned_data[API_TO_FORM.get(k, k)]
        for k in given
        if API_TO_FORM.get(k, k) in form.fields
    }
    if changes:
        enterprise_update(actor=user, enterprise=enterprise, **changes)
    return enterprise_item(_load(user, enterprise_id))


@router.get(
    "/{enterprise_id}/history",
    response={200: HistoryPage, 404: ErrorOut},
    summary="企业变更记录",
    description="谁在何时改了什么（修改前后），最新的在前；个人信息已脱敏。范围同企业详情。",
)
def enterprise_history(request, enterprise_id: int, paging: Query[HistoryQuery]):
    enterprise = enterprise_get(user=request.user, pk=enterprise_id)
    rows, count = _paginate(audit.history(enterprise), paging.page, paging.page_size)
    return {"items": [history_item(e) for e in rows], "count": count}
