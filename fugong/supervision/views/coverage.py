"""The coverage page (点、线、面) and its xlsx export."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from fugong.core import access
from fugong.core.web.views import KitView
from fugong.core.xlsx import export_response, export_watermark
from fugong.enterprises.selectors import area_choices

from .. import coverage as coverage_mod
from .. import selectors
from ..forms import CoverageFilterForm
from .base import PAGE_SIZE, _area_path


class CoverageMixin(KitView):
    capability = access.COVERAGE_VIEW

    def coverage(self):
        """The filter form, the coverage of the enterprises it selects, and the pks of the list asked
        for (``which=gap``: the gaps, else the enterprises nobody is responsible for)."""
        user = self.request.user
        form = CoverageFilterForm(self.request.GET or None, area_choices=area_choices(user=user))
        data = form.cleaned_data if form.is_valid() else {}
        queryset = selectors.enterprise_queryset(user=user)
        if data.get("area"):
            queryset = queryset.filter(area_path__startswith=_area_path(user, data["area"]))
        if data.get("category"):
            queryset = queryset.filter(category=data["category"])
        result = coverage_mod.coverage(queryset)
        pks = result.gaps if data.get("which") == "gap" else result.unassigned
        return form, result, pks


class CoverageView(CoverageMixin):
    template_name = "supervision/coverage.html"

    def get_context_data(self, **kwargs):
        form, result, pks = self.coverage()
        page = Paginator(pks, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            form=form,
            result=result,
            page=page,
            rows=list(coverage_mod.enterprises_in_order(list(page.object_list))),
            tiers=[(label, result.by_tier[value]) for value, label in coverage_mod.Tier.choices],
            types=[(label, result.by_type[value]) for value, label in coverage_mod.Coverage.choices],
            **kwargs,
        )


class CoverageExportView(CoverageMixin):
    """The list of the page as xlsx, for a reader of coverage who may also export."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.can(access.ENTERPRISE_EXPORT):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form, result, pks = self.coverage()
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
