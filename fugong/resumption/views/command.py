"""The command page (指挥部驾驶舱), the lists behind its figures and the two adjustments made from them.

Views check the capability (403), resolve the area among the user's own (404 otherwise), read
through ``selectors.command`` and leave every write to ``services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fugong.core import access
from fugong.core.decorators import capability_required
from fugong.core.web.forms import apply_service_errors
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


@capability_required(access.RATES_VIEW)
@require_GET
def command(request):
    user = request.user
    form = CommandFilterForm(request.GET, user=user)
    scope = _scope(request, form)
    defs = selectors.definitions()
    figures, children = selectors.figures_with_children(scope)
    trend = selectors.trend(scope)
    links = {m: reverse("resumption:drilldown") + _query(scope, form, metric=m) for m in METRICS}
    page = reverse("resumption:command")
    split = {by: selectors.breakdown(scope, by) for by in ("category", "industry")}
    categories, industries = dict(Category.choices), dict(Industry.choices)
    context = {
        "form": form,
        "scope": scope,
        "figures": figures,
        "cards": _cards(figures, links, defs),
        "definitions": defs,
        "breadcrumb": selectors.breadcrumb(user=user, area=scope.area),
        "children": [_row(c, page + _query(scope, form, area=c.area_code), c.area_name) for c in children],
        "by_category": [
            _row(
                r["figures"],
                page + _query(scope, form, category=r["category"]),
                categories.get(r["category"], r["category"]),
            )
            for r in split["category"]
        ],
        "by_industry": [
            _row(
                r["figures"],
                page + _query(scope, form, industry=r["industry"]),
                f"{r['industry']} {industries.get(r['industry'], '')}",
            )
            for r in split["industry"]
        ],
        "chart": _chart_data(trend, children),
        "is_today": scope.day == timezone.localdate(),
        "trend_days": selectors.TREND_DAYS,
    }
    return render(request, "resumption/command_page.html", context)


@capability_required(access.RATES_VIEW)
@require_GET
def drilldown(request):
    user = request.user
    form = DrilldownForm(request.GET, user=user)
    scope = _scope(request, form)
    metric = form.cleaned_data.get("metric") or "resumed"
    page = Paginator(selectors.drilldown(user=user, scope=scope, metric=metric), PAGE_SIZE)
    context = {
        "form": form,
        "scope": scope,
        "metric": metric,
        "metric_label": METRICS[metric]["label"],
        "metrics": [
            (k, v["label"], reverse("resumption:drilldown") + _query(scope, form, metric=k))
            for k, v in METRICS.items()
        ],
        "page": page.get_page(request.GET.get("page")),
        "can_adjust": selectors.can_adjust(user),
        "back": reverse("resumption:command") + _query(scope, form),
        "is_today": scope.day == timezone.localdate(),
        "status_now": METRICS[metric]["status"] and scope.day != timezone.localdate(),
        "next": request.get_full_path(),
    }
    return render(request, "resumption/command_drilldown.html", context)


# --- adjustments -----------------------------------------------------------------------------------


def _adjustable(request, pk: int):
    user = request.user
    if not (user.can(access.RATES_VIEW) and selectors.can_adjust(user)):
        raise PermissionDenied
    return selectors.adjustable(user=user, pk=pk)


def _next(request) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/resumption/command/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("resumption:drilldown")


def _action_page(request, enterprise, form, kind: str, status: int = 200):
    return render(
        request,
        "resumption/command_action.html",
        {
            "enterprise": enterprise,
            "form": form,
            "kind": kind,
            "next": _next(request),
            "action": reverse(f"resumption:enterprise_{kind}", args=[enterprise.pk]),
        },
        status=status,
    )


def _apply(request, enterprise, form, kind: str, write, done: str):
    """First post: the form to confirm, with the reason; second post (confirm=1): the write."""
    if request.POST.get("confirm") != "1":
        return _action_page(request, enterprise, form.__class__(initial=request.POST.dict()), kind)
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权执行此操作"))
            return _action_page(request, enterprise, form, kind, status=403)
        else:
            messages.success(request, done)
            return redirect(_next(request))
    return _action_page(request, enterprise, form, kind, status=400)


@login_required
@require_POST
def enterprise_out_of_scope(request, pk: int):
    enterprise = _adjustable(request, pk)
    form = OutOfScopeForm(request.POST)
    leaving = request.POST.get("out_of_scope", "1") == "1"

    def write(data):
        services.status_set_out_of_scope(
            actor=request.user,
            enterprise=enterprise,
            out_of_scope=data["out_of_scope"],
            reason=data["reason"],
        )

    done = (_("已将「%(name)s」标记为不纳入统计") if leaving else _("已将「%(name)s」恢复纳入统计")) % {
        "name": enterprise.name
    }
    return _apply(request, enterprise, form, "out_of_scope", write, done)


@login_required
@require_POST
def enterprise_status(request, pk: int):
    enterprise = _adjustable(request, pk)
    form = StatusForm(request.POST)

    def write(data):
        services.status_change(
            actor=request.user, enterprise=enterprise, state=data["state"], reason=data["reason"]
        )

    done = _("已变更「%(name)s」的复工状态") % {"name": enterprise.name}
    return _apply(request, enterprise, form, "status", write, done)
