"""/api/v1/rates: the command page's figures, each as {"numerator", "denominator", "rate"}.

The same filters, scope and readers as the page: ``area`` is an area code (default: the caller's own
node), ``date`` is YYYY-MM-DD (default: today; past days read the evening snapshot), ``category``
and ``industry`` narrow the count. An area outside the caller's is a 404, like a missing one.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from fugong.core.access import RATES_VIEW
from fugong.core.api import ErrorOut, In, ValidationErrorOut
from fugong.enterprises.choices import Category, Industry

from .. import services
from ..forms.command import CommandFilterForm
from ..rates import Figures
from ..selectors import command as selectors

router = Router(tags=["复工复产"])

Number = int | float | None


class AreaOut(Schema):
    code: str
    name: str


class RatioOut(Schema):
    numerator: Number = Field(description="分子；历史日期没有晚间快照时为 null")
    denominator: Number = Field(description="分母")
    rate: float | None = Field(description="比率（0–1，保留4位小数）；分母为0或无数据时为 null")


class AveragedRatioOut(RatioOut):
    average: float | None = Field(description="各企业比率的算术平均（“平均”口径）")


class FiguresOut(Schema):
    area: AreaOut
    date: dt.date
    registered: int | None = Field(description="登记企业数")
    out_of_scope: int | None = Field(description="不纳入统计的企业数")
    resumption: RatioOut = Field(description="复工率：已复工 ÷（登记 − 不纳入统计）")
    on_duty: AveragedRatioOut = Field(description="到岗率：到岗人数 ÷ 职工总数（比率），及平均")
    capacity: AveragedRatioOut = Field(description="产能恢复率：按职工总数加权（比率），及平均")
    reporting: RatioOut = Field(description="日报报送率：已报送 ÷ 已复工")


class RatesOut(FiguresOut):
    definitions: dict[str, str] = Field(description="各指标的统计口径")


class ChildrenOut(Schema):
    area: AreaOut
    date: dt.date
    items: list[FiguresOut] = Field(description="下级区域，按复工率从高到低排列")


class BreakdownItem(FiguresOut):
    key: str = Field(description="类别或行业门类的编码")
    label: str


class BreakdownOut(Schema):
    area: AreaOut
    date: dt.date
    by: str
    items: list[BreakdownItem]


class TrendOut(Schema):
    area: AreaOut
    items: list[FiguresOut] = Field(description="逐日数据，最后一天为 date；没有晚间快照的日子复工率为 null")


class RatesQuery(In):
    area: str | None = Field(None, description="区划编码，默认为本人管辖区域（系统管理员为全区）")
    date: str | None = Field(None, description="日期 YYYY-MM-DD，默认为今天，不能晚于今天")
    category: str | None = Field(None, description="企业类别编码；部门人员仅限本部门主管类别")
    industry: str | None = Field(None, description="国民经济行业门类 A–R")


class BreakdownQuery(RatesQuery):
    by: Literal["category", "industry"] = Field(
        description="按 category（企业类别）或 industry（行业门类）拆分"
    )


class TrendQuery(RatesQuery):
    days: int = Field(selectors.TREND_DAYS, ge=1, le=selectors.MAX_TREND_DAYS, description="天数，1–90")


def _scope(request) -> selectors.Scope:
    user = request.user
    if not user.can(RATES_VIEW):
        raise PermissionDenied("您无权查看复工复产统计")
    form = CommandFilterForm(request.GET, user=user)
    if not form.is_valid():
        raise ValidationError({name: [str(m) for m in msgs] for name, msgs in form.errors.items()})
    data = form.cleaned_data
    return selectors.command_scope(
        user=user,
        area_code=data["area"],
        day=data["date"],
        category=data["category"],
        industry=data["industry"],
    )


def _area(scope) -> dict:
    return {"code": scope.area.code, "name": scope.area.name}


def figures_out(f: Figures) -> dict:
    return {
        "area": {"code": f.area_code, "name": f.area_name},
        "date": f.date,
        "registered": f.registered,
        "out_of_scope": f.out_of_scope,
        "resumption": f.resumption.as_dict(),
        "reporting": f.reporting.as_dict(),
        "on_duty": {**f.on_duty.as_dict(), "average": f.on_duty_average},
        "capacity": {**f.capacity.as_dict(), "average": f.capacity_average},
    }


DESCRIPTION = "范围之外的区域返回 404；无权查看统计的角色返回 403；参数有误返回 422。"


@router.get(
    "",
    response={200: RatesOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="区域的复工率、到岗率、产能恢复率、日报报送率",
    description=DESCRIPTION,
)
def rates_figures(request, filters: Query[RatesQuery]):
    scope = _scope(request)
    return {**figures_out(selectors.figures(scope)), "definitions": selectors.definitions()}


@router.get(
    "/children",
    response={200: ChildrenOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="下级区域的指标（按复工率排名）",
    description=DESCRIPTION,
)
def rates_children(request, filters: Query[RatesQuery]):
    scope = _scope(request)
    _figures, children = selectors.figures_with_children(scope)
    return {"area": _area(scope), "date": scope.day, "items": [figures_out(c) for c in children]}


@router.get(
    "/breakdown",
    response={200: BreakdownOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="按企业类别或行业门类拆分的指标",
    description=DESCRIPTION,
)
def rates_breakdown(request, filters: Query[BreakdownQuery]):
    scope = _scope(request)
    labels = dict(Category.choices) if filters.by == "category" else dict(Industry.choices)
    rows = selectors.breakdown(scope, filters.by)
    items = [
        {**figures_out(r["figures"]), "key": r[filters.by], "label": str(labels.get(r[filters.by], ""))}
        for r in rows
    ]
    return {"area": _area(scope), "date": scope.day, "by": filters.by, "items": items}


@router.get(
    "/trend",
    response={200: TrendOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="逐日趋势（至多90天）",
    description=DESCRIPTION,
)
def rates_trend(request, filters: Query[TrendQuery]):
    scope = _scope(request)
    return {
        "area": _area(scope),
        "items": [figures_out(f) for f in selectors.trend(scope, days=filters.days)],
    }


# --- adjustments from the command page ------------------------------------------------------------


class StatusOut(Schema):
    enterprise_id: int
    state: str
    state_label: str
    since: dt.date | None
    out_of_scope: bool = Field(description="不纳入统计")
    out_of_scope_reason: str


class OutOfScopeIn(In):
    out_of_scope: bool = Field(True, description="true 不纳入统计 / false 恢复纳入统计")
    reason: str = Field("", max_length=200, description="理由，必填")


class StatusIn(In):
    state: str = Field("", description="suspended 停工整改 / resumed_again 整改后复工")
    reason: str = Field("", max_length=200, description="理由，必填")


def _adjustable(request, pk: int):
    user = request.user
    if not (user.can(RATES_VIEW) and selectors.can_adjust(user)):
        raise PermissionDenied(_("您无权调整企业的复工状态或统计范围"))
    return selectors.adjustable(user=user, pk=pk)  # out of reach: 404


def _status_out(status) -> dict:
    return {
        "enterprise_id": status.enterprise_id,
        "state": status.state,
        "state_label": status.get_state_display(),
        "since": status.since,
        "out_of_scope": status.out_of_scope,
        "out_of_scope_reason": status.out_of_scope_reason,
    }


ADJUST = {200: StatusOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


@router.post(
    "/enterprises/{int:id}/out-of-scope",
    response=ADJUST,
    summary="企业不纳入统计，或恢复纳入统计",
    description="已停业等不应计入复工率的企业不纳入统计，理由留档；街镇与行业主管部门在管辖范围内调整。",
)
def set_enterprise_out_of_scope(request, id: int, payload: OutOfScopeIn):
    enterprise = _adjustable(request, id)
    status = services.status_set_out_of_scope(
        actor=request.user, enterprise=enterprise, out_of_scope=payload.out_of_scope, reason=payload.reason
    )
    return _status_out(status)


@router.post(
    "/enterprises/{int:id}/status",
    response=ADJUST,
    summary="变更企业复工状态（停工整改 / 整改后复工）",
    description="只能手动设置“停工整改”或“整改后复工”，须填写理由；不符合状态流转的返回 422。",
)
def set_enterprise_status(request, id: int, payload: StatusIn):
    enterprise = _adjustable(request, id)
    status = services.status_change(
        actor=request.user, enterprise=enterprise, state=payload.state, reason=payload.reason
    )
    return _status_out(status)
