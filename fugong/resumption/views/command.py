"""The command page (指挥部驾驶舱), the lists behind its figures and the two adjustments made from them.

Views are kit classes (fugong/core/web): they hold the capability (403), resolve the area among the
user's own (404 otherwise), read through ``selectors.command`` and leave every write to ``services``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from fugong.core import access
from fugong.core.web.forms import apply_service_errors
from fugong.core.web.views import KitView, ScopedObjectMixin
from fugong.enterprises.choices import Category, Industry

from .. import services
from ..forms.command import CommandFilterForm, DrilldownForm, OutOfScopeForm, StatusForm
from ..selectors import command as selectors
from ..selectors.command import METRICS, Scope

PAGE_SIZE = 50


def _scope(request, form) -> Scope:
    """The scope from the valid filters; an invalid filter falls back to its default (and shows why)."""
    form.is_valid()
    data = form.cleaned_data
    return selectors.command_scope(
        user=request.user,
        area_code=data.get("area") or request.GET.get("area"),
        day=data.get("date") or timezone.localdate(),
        category=data.get("category", ""),
        industry=data.get("industry", ""),
    )


def _query(scope: Scope, form, **extra) -> str:
    params = {
        "area": scope.area.code,
        "date": scope.day.isoformat(),
        "category": form.cleaned_data.get("category", ""),
        "industry": scope.industry or "",
        **extra,
    }
    return "?" + urlencode({k: v for k, v in params.items() if v})


def pct(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _cards(f, links: dict, defs: dict) -> list[dict]:
    no_snapshot = f.resumption.numerator is None
    resumed, due = f.resumption.numerator, f.resumption.denominator
    return [
        {
            "key": "resumption",
            "title": _("复工率"),
            "value": pct(f.resumption.rate),
            "link": links["resumed"],
            "parts": None if no_snapshot else _("已复工 %(n)s / 应复工 %(d)s 家") % {"n": resumed, "d": due},
            "more": None
            if no_snapshot
            else (_("未复工 %(n)s 家") % {"n": due - resumed}, links["not_resumed"]),
            "note": _("当日无晚间快照") if no_snapshot else "",
            "definition": defs["resumption"],
        },
        {
            "key": "on_duty",
            "title": _("到岗率"),
            "pair": [(_("比率"), pct(f.on_duty.rate)), (_("平均"), pct(f.on_duty_average))],
            "parts_wan": (f.on_duty.numerator, f.on_duty.denominator),
            "link": links["reported"],
            "definition": defs["on_duty"],
        },
        {
            "key": "capacity",
            "title": _("产能恢复率"),
            "pair": [(_("比率"), pct(f.capacity.rate)), (_("平均"), pct(f.capacity_average))],
            "parts": _("按 %(n)s 家企业日报") % {"n": f.reporting.numerator},
            "link": links["reported"],
            "definition": defs["capacity"],
        },
        {
            "key": "reporting",
            "title": _("日报报送率"),
            "value": pct(f.reporting.rate),
            "link": links["reported"],
            "parts": _("已报送 %(n)s / 应报 %(d)s 家")
            % {"n": f.reporting.numerator, "d": "—" if no_snapshot else f.reporting.denominator},
            "more": (_("查看未报送企业"), links["not_reported"]),
            "definition": defs["reporting"],
        },
        {
            "key": "out_of_scope",
            "title": _("不纳入统计"),
            "link": links["out_of_scope"],
            "value": "—" if no_snapshot else _("%(n)s 家") % {"n": f.out_of_scope},
            "parts": None if no_snapshot else _("登记企业 %(n)s 家") % {"n": f.registered},
            "definition": defs["out_of_scope"],
        },
    ]


def _row(f, url: str, label: str) -> dict:
    return {
        "label": label,
        "url": url,
        "f": f,
        "resumption": pct(f.resumption.rate),
        "on_duty": pct(f.on_duty.rate),
        "on_duty_average": pct(f.on_duty_average),
        "capacity": pct(f.capacity.rate),
        "capacity_average": pct(f.capacity_average),
        "reporting": pct(f.reporting.rate),
    }


def _percent_series(values) -> list:
    return [None if v is None else round(v * 100, 1) for v in values]


def _chart_data(trend, children) -> dict:
    return {
        "dates": [f.date.strftime("%m-%d") for f in trend],
        "resumption": _percent_series(f.resumption.rate for f in trend),
        "on_duty": _percent_series(f.on_duty.rate for f in trend),
        "children": [f.area_name for f in children],
        "children_rates": _percent_series(f.resumption.rate for f in children),
        "labels": {"resumption": _("复工率"), "on_duty": _("到岗率（比率）"), "rate": _("复工率（%）")},
    }


class CommandView(KitView):
    """The cards, the children ranked, the breakdowns and the trend of one area and day. Every figure
    is read from the tallies (bench/: p95 ≤ 200 ms, a constant number of queries)."""

    capability = access.RATES_VIEW
    template_name = "resumption/command_page.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = CommandFilterForm(self.request.GET, user=user)
        scope = _scope(self.request, form)
        defs = selectors.definitions()
        figures, children = selectors.figures_with_children(scope)
        trend = selectors.trend(scope)
        links = {m: reverse("resumption:drilldown") + _query(scope, form, metric=m) for m in METRICS}
        page = reverse("resumption:command")
        split = {by: selectors.breakdown(scope, by) for by in ("category", "industry")}
        categories, industries = dict(Category.choices), dict(Industry.choices)
        return super().get_context_data(
            form=form,
            scope=scope,
            figures=figures,
            cards=_cards(figures, links, defs),
            definitions=defs,
            breadcrumb=selectors.breadcrumb(user=user, area=scope.area),
            children=[_row(c, page + _query(scope, form, area=c.area_code), c.area_name) for c in children],
            by_category=[
                _row(
                    r["figures"],
                    page + _query(scope, form, category=r["category"]),
                    categories.get(r["category"], r["category"]),
                )
                for r in split["category"]
            ],
            by_industry=[
                _row(
                    r["figures"],
                    page + _query(scope, form, industry=r["industry"]),
                    f"{r['industry']} {industries.get(r['industry'], '')}",
                )
                for r in split["industry"]
            ],
            chart=_chart_data(trend, children),
            is_today=scope.day == timezone.localdate(),
            trend_days=selectors.TREND_DAYS,
            **kwargs,
        )


class DrilldownView(KitView):
    """The enterprises behind one figure of the command page, paginated."""

    capability = access.RATES_VIEW
    template_name = "resumption/command_drilldown.html"

    def get_context_data(self, **kwargs):
        request, user = self.request, self.request.user
        form = DrilldownForm(request.GET, user=user)
        scope = _scope(request, form)
        metric = form.cleaned_data.get("metric") or "resumed"
        page = Paginator(selectors.drilldown(user=user, scope=scope, metric=metric), PAGE_SIZE)
        return super().get_context_data(
            form=form,
            scope=scope,
            metric=metric,
            metric_label=METRICS[metric]["label"],
            metrics=[
                (k, v["label"], reverse("resumption:drilldown") + _query(scope, form, metric=k))
                for k, v in METRICS.items()
            ],
            page=page.get_page(request.GET.get("page")),
            can_adjust=selectors.can_adjust(user),
            back=reverse("resumption:command") + _query(scope, form),
            is_today=scope.day == timezone.localdate(),
            status_now=METRICS[metric]["status"] and scope.day != timezone.localdate(),
            next=request.get_full_path(),
            **kwargs,
        )


# --- adjustments -----------------------------------------------------------------------------------


def _next(request) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/resumption/command/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("resumption:drilldown")


class AdjustmentView(ScopedObjectMixin, KitView):
    """A change made from the drill-down (POST only): the first post shows the form to confirm, with
    the reason; the second (confirm=1) calls ``write``. The service's refusal lands on the form (400),
    a denial on the form too (403); done, back to the list it came from."""

    capability = access.RATES_VIEW
    http_method_names = ["post"]
    template_name = "resumption/command_action.html"
    form_class = None
    kind = ""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not selectors.can_adjust(user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = selectors.adjustable(user=self.request.user, pk=self.kwargs["pk"])
        return self._object

    def write(self, enterprise, data) -> None:
        raise NotImplementedError

    def done_message(self, enterprise) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        enterprise = self.get_object()
        if request.POST.get("confirm") != "1":
            return self.page(enterprise, self.form_class(initial=request.POST.dict()))
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.write(enterprise, form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("您无权执行此操作"))
                return self.page(enterprise, form, status=403)
            else:
                messages.success(request, self.done_message(enterprise))
                return redirect(_next(request))
        return self.page(enterprise, form, status=400)

    def page(self, enterprise, form, status: int = 200):
        context = self.get_context_data(
            enterprise=enterprise,
            form=form,
            kind=self.kind,
            next=_next(self.request),
            action=reverse(f"resumption:enterprise_{self.kind}", args=[enterprise.pk]),
        )
        return self.render_to_response(context, status=status)


class OutOfScopeView(AdjustmentView):
    """不纳入统计 / 恢复纳入统计."""

    form_class = OutOfScopeForm
    kind = "out_of_scope"

    def write(self, enterprise, data) -> None:
        services.status_set_out_of_scope(
            actor=self.request.user,
            enterprise=enterprise,
            out_of_scope=data["out_of_scope"],
            reason=data["reason"],
        )

    def done_message(self, enterprise) -> str:
        leaving = self.request.POST.get("out_of_scope", "1") == "1"
        text = _("已将「%(name)s」标记为不纳入统计") if leaving else _("已将「%(name)s」恢复纳入统计")
        return text % {"name": enterprise.name}


class StatusView(AdjustmentView):
    """The enterprise's resumption state changed by hand (suspended, resumed …), with a reason."""

    form_class = StatusForm
    kind = "status"

    def write(self, enterprise, data) -> None:
        services.status_change(
            actor=self.request.user, enterprise=enterprise, state=data["state"], reason=data["reason"]
        )

    def done_message(self, enterprise) -> str:
        return _("已变更「%(name)s」的复工状态") % {"name": enterprise.name}
