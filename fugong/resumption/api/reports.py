"""/api/v1/reports: the daily enterprise report (企业日报) with the same form, selectors and services
as the pages. Officials read the reports and the missing list of their scope; an enterprise admin
submits today's report for their own enterprise (a second submission updates it)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fugong.core.access import ENTERPRISE_EXPORT, FILING_SUBMIT, REPORT_MONITOR
from fugong.core.api import ErrorOut, In, ValidationErrorOut, paginate, require
from fugong.core.masking import mask_phone

from .. import exports, services
from ..forms.reports import DailyReportForm, ReportFilterForm
from ..selectors import reports as selectors

router = Router(tags=["企业日报"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    credit_code: str
    area_code: str
    area_name: str
    category: str
    date: dt.date
    staff_on_duty: int = Field(description="今日到岗人数")
    staff_total: int = Field(description="职工总数")
    output_pct: int = Field(description="产能恢复（%），今日产出占正常产出的百分比")
    output_reason: str = Field(description="产能超过100%的原因")
    masks_stock: int = Field(description="口罩库存（只）")
    disinfectant_kg: float = Field(description="消毒液库存（公斤）")
    problems_found: int = Field(description="今日发现问题数")
    problems_solved: int = Field(description="今日解决问题数")
    problems_note: str = Field(description="情况说明")
    abnormal_persons: int = Field(description="健康异常人数")
    no_anomaly: bool = Field(description="无异常：当日未发现问题且无健康异常人员")
    created_at: dt.datetime
    updated_at: dt.datetime


class ReportPage(Schema):
    items: list[ReportOut]
    count: int = Field(description="符合筛选条件的日报总数（不受分页影响）")


class ReportIn(In):
    date: dt.date | None = Field(None, description="日报日期，只能是今天（默认今天）")
    enterprise_id: int | None = Field(None, description="企业编号，默认本企业；只能是本企业")
    staff_on_duty: int | None = Field(None, description="今日到岗人数，不超过职工总数")
    staff_total: int | None = Field(None, description="职工总数，至少为 1")
    output_pct: int | None = Field(None, description="产能恢复（%），0–200")
    output_reason: str = Field("", description="产能超过 100% 时必填")
    masks_stock: int | None = Field(None, description="口罩库存（只），不能为负")
    disinfectant_kg: Decimal | None = Field(None, description="消毒液库存（公斤），一位小数，不能为负")
    no_anomaly: bool = Field(False, description="今日无异常：为 true 时问题数和健康异常人数按 0 处理")
    problems_found: int | None = Field(None, description="今日发现问题数（未选无异常时必填）")
    problems_solved: int | None = Field(None, description="今日解决问题数（未选无异常时必填）")
    abnormal_persons: int | None = Field(None, description="健康异常人数（未选无异常时必填）")
    problems_note: str = Field("", description="情况说明；发现问题或有健康异常人员时必填")


class ListQuery(In):
    date: str | None = Field(
        None, description="日期 YYYY-MM-DD；官员默认今天，企业管理员不填则列出本企业全部日报"
    )
    area: str | None = Field(None, description="区划编码：该区划及其全部下级")
    category: str | None = Field(None, description="企业类别编码")
    page: int = Field(1, ge=1, description="页码，从 1 开始")
    page_size: int = Field(50, ge=1, le=200, description="每页条数，默认 50，最多 200")


class MissingQuery(In):
    date: str | None = Field(None, description="日期 YYYY-MM-DD，默认今天")
    area: str | None = Field(None, description="区划编码：该区划及其全部下级")
    category: str | None = Field(None, description="企业类别编码")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class MissingOut(Schema):
    id: int
    name: str
    credit_code: str
    area_code: str
    area_name: str
    category: str
    category_label: str
    contact_name: str
    contact_phone: str = Field(description="已脱敏")
    commissioner: str | None = Field(description="驻企服务专员的用户名")
    commissioner_name: str | None


class MissingPage(Schema):
    items: list[MissingOut]
    count: int
    date: dt.date


def report_item(r) -> dict:
    e = r.enterprise
    return {
        "id": r.pk,
        "enterprise_id": e.pk,
        "enterprise_name": e.name,
        "credit_code": e.credit_code,
        "area_code": e.area.code,
        "area_name": e.area.name,
        "category": e.category,
        "date": r.date,
        **{name: getattr(r, name) for name in services.REPORT_FIELDS if name != "disinfectant_kg"},
        "disinfectant_kg": float(r.disinfectant_kg),
        "created_at": timezone.localtime(r.created_at),
        "updated_at": timezone.localtime(r.updated_at),
    }


def missing_item(e) -> dict:
    c = e.commissioner
    return {
        "id": e.pk,
        "name": e.name,
        "credit_code": e.credit_code,
        "area_code": e.area.code,
        "area_name": e.area.name,
        "category": e.category,
        "category_label": str(e.get_category_display()),
        "contact_name": e.contact_name or e.legal_rep_name,
        "contact_phone": mask_phone(e.contact_phone or e.legal_rep_phone),
        "commissioner": c.username if c else None,
        "commissioner_name": (c.full_name or c.username) if c else None,
    }


def _filters(query) -> dict:
    form = ReportFilterForm(
        {k: v for k, v in (("date", query.date), ("area", query.area), ("category", query.category)) if v}
    )
    if not form.is_valid():
        raise ValidationError({name: [str(m) for m in msgs] for name, msgs in form.errors.items()})
    return form.filters()


@router.get(
    "",
    response={200: ReportPage, 403: ErrorOut, 422: ValidationErrorOut},
    summary="企业日报（分页）",
    description="官员：管辖范围内某日（默认今天）的日报，可按区划编码（含下级）和企业类别筛选。"
    "企业管理员：本企业的日报，不填日期时列出全部（最新的在前）。",
)
def list_reports(request, query: Query[ListQuery]):
    user = request.user
    if user.can(FILING_SUBMIT) and not user.can(REPORT_MONITOR):
        qs = selectors.reports_mine(user=user).select_related(*selectors.REPORT_RELATED)
        if query.date:
            qs = qs.filter(date=_filters(query)["day"])
    else:
        require(user, REPORT_MONITOR, "您无权查看企业日报")
        qs = selectors.reports_of_day(user=user, **_filters(query))
    rows, count = paginate(qs, query.page, query.page_size)
    return {"items": [report_item(r) for r in rows], "count": count}


@router.post(
    "",
    response={200: ReportOut, 201: ReportOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="填报今日日报",
    description="企业管理员为本企业填报当天的日报：当天第一次提交新建（201），再次提交更新同一份日报（200），"
    "不会重复。到岗人数不超过职工总数，库存不能为负，产能超过 100% 须说明原因，只能填报当天。",
)
def submit_report(request, payload: ReportIn):
    user = request.user
    require(user, FILING_SUBMIT, "只有企业管理员可以填报企业日报")
    if payload.enterprise_id is not None and payload.enterprise_id != user.scope_enterprise_id:
        raise PermissionDenied("只能填报本企业的日报")
    enterprise = selectors.own_enterprise(user=user)
    data = payload.dict(exclude={"enterprise_id"})
    data["date"] = data["date"] or timezone.localdate()
    form = DailyReportForm({k: v for k, v in data.items() if v is not None and v is not False})
    if not form.is_valid():
        raise ValidationError({name: [str(m) for m in msgs] for name, msgs in form.errors.items()})
    fields = form.service_fields()
    report, created = services.daily_report_submit(
        actor=user, enterprise=enterprise, date=fields.pop("date"), **fields
    )
    report = selectors.report_get(user=user, pk=report.pk)
    return Status(201 if created else 200, report_item(report))


@router.get(
    "/missing",
    response={200: MissingPage, 403: ErrorOut, 422: ValidationErrorOut},
    summary="日报缺报企业（分页）",
    description="管辖范围内应报送（已备案、已批准、已复工或整改后复工，且纳入统计）但当天未报送日报的企业；"
    "驻企服务专员只看到所包保的企业。联系电话已脱敏。",
)
def missing_reports(request, query: Query[MissingQuery]):
    user = request.user
    require(user, REPORT_MONITOR, "您无权查看日报缺报情况")
    filters = _filters(query)
    rows, count = paginate(selectors.reports_missing(user=user, **filters), query.page, query.page_size)
    return {"items": [missing_item(e) for e in rows], "count": count, "date": filters["day"]}


@router.get(
    "/missing/export.xlsx",
    response={200: None, 403: ErrorOut, 422: ValidationErrorOut},
    summary="导出日报缺报企业（xlsx）",
    description="与缺报列表相同的筛选，带导出人水印，电话已脱敏。",
    openapi_extra={"responses": {200: {"description": "xlsx 文件", "content": {XLSX: {}}}}},
)
def export_missing_reports(request, query: Query[MissingQuery]):
    user = request.user
    require(user, REPORT_MONITOR, "您无权查看日报缺报情况")
    require(user, ENTERPRISE_EXPORT, "您无权导出")
    filters = _filters(query)
    return exports.missing_export(
        user=user, queryset=selectors.reports_missing(user=user, **filters), day=filters["day"]
    )


@router.get(
    "/{id}",
    response={200: ReportOut, 403: ErrorOut, 404: ErrorOut},
    summary="日报详情",
    description="不存在或不在管辖范围内的日报一律返回 404；企业管理员可查看本企业的日报。",
)
def get_report(request, id: int):  # noqa: A002 — the path parameter's public name
    user = request.user
    if not (user.can(REPORT_MONITOR) or user.can(FILING_SUBMIT)):
        raise PermissionDenied("您无权查看企业日报")
    return report_item(selectors.report_get(user=user, pk=id))
