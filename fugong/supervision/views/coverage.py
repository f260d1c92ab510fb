"""The coverage page (点、线、面) and its xlsx export."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fugong.core import access
from fugong.core.decorators import capability_required
from fugong.core.xlsx import export_response, export_watermark
from fugong.enterprises.selectors import area_choices

from .. import coverage as coverage_mod
from .. import selectors
from ..forms import (
    CoverageFilterForm,
)
from .base import PAGE_SIZE, _area_path


def _coverage(request):
    user = request.user
    form = CoverageFilterForm(request.GET or None, area_choices=area_choices(user=user))
    data = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.enterprise_queryset(user=user)
    if data.get("area"):
        queryset = queryset.filter(area_path__startswith=_area_path(user, data["area"]))
    if data.get("category"):
        queryset = queryset.filter(category=data["category"])
    result = coverage_mod.coverage(queryset)
    pks = result.gaps if data.get("which") == "gap" else result.unassigned
    return form, result, pks


@capability_required(access.COVERAGE_VIEW)
@require_GET
def coverage(request):
    form, result, pks = _coverage(request)
    page = Paginator(pks, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(coverage_mod.enterprises_in_order(list(page.object_list)))
    return render(
        request,
        "supervision/coverage.html",
        {
            "form": form,
            "result": result,
            "page": page,
            "rows": rows,
            "tiers": [(label, result.by_tier[value]) for value, label in coverage_mod.Tier.choices],
            "types": [(label, result.by_type[value]) for value, label in coverage_mod.Coverage.choices],
        },
    )


@capability_required(access.COVERAGE_VIEW)
@capability_required(access.ENTERPRISE_EXPORT)
@require_GET
def coverage_export(request):
    form, result, pks = _coverage(request)
    rows = (
        [e.name, e.credit_code, e.get_category_display(), e.area.name, e.address]
        for e in coverage_mod.enterprises_in_order(pks)
    )
    return export_response(
        [_("企业名称"), _("统一社会信用代码"), _("企业类别"), _("所属区域"), _("地址")],
        rows,
        filename="coverage-unassigned.xlsx",
        title=_("无人负责的企业"),
        watermark=export_watermark(request.user),
    )
