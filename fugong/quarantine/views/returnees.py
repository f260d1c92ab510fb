"""Pages of returnees (register, list, detail with the decision and its rule, the decision changed by
hand, the order issued) and of the rule data (QUARANTINE_CONFIGURE).

Each view checks the capability (403), reads through the selectors (out of scope is a 404) and
leaves every write to the services.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fugong.areas.models import Area
from fugong.core.access import QUARANTINE_CONFIGURE, QUARANTINE_MANAGE, RETURNEE_REGISTER
from fugong.enterprises.models import Enterprise
from fugong.health.services import discrepancy_verdict

from .. import rules, selectors, services
from ..forms import (
    DecisionForm,
    OrderForm,
    ReasonForm,
    ReturneeForm,
    RiskAreaForm,
    RuleSetForm,
)
from ..models import Handover, Returnee, RiskArea, RuleSet
from .base import PAGE_SIZE, _act, _get, _require

# Returnees ---------------------------------------------------------------------------------------


@login_required
@require_GET
def returnee_list(request):
    user = request.user
    if not selectors.can_view(user):
        raise PermissionDenied
    q, handover = request.GET.get("q", "").strip(), request.GET.get("handover", "")
    rows = selectors.returnee_list(user=user, q=q, handover=handover if handover in Handover.values else "")
    page = Paginator(rows.prefetch_related("decisions"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quarantine/returnee_list.html",
        {
            "page": page,
            "q": q,
            "handover": handover,
            "handovers": Handover.choices,
            "can_register": user.can(RETURNEE_REGISTER),
            "inbox": selectors.handover_inbox(user=user).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def returnee_new(request):
    user = request.user
    _require(user, RETURNEE_REGISTER)
    employers = Enterprise.objects.visible_to(user).order_by("name")
    communities = Area.objects.visible_to(user).filter(kind="community").order_by("path")
    form = ReturneeForm(request.POST or None, employers=employers, communities=communities)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                returnee = services.returnee_register(
                    actor=user,
                    id_number=d["id_number"],
                    name=d["name"],
                    phone=d["phone"],
                    origin_province=d["origin_province"],
                    origin_city=d["origin_city"],
                    origin_district=d["origin_district"],
                    arrival_date=d["arrival_date"],
                    transport=d["transport"],
                    transport_detail=d["transport_detail"],
                    address=d["address"],
                    destination_id=d["destination"].pk,
                    employer_id=d["employer"].pk if d["employer"] else None,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                decision = returnee.decision
                messages.success(
                    request,
                    _("已登记，按规则：%(measure)s%(days)s天。")
                    % {"measure": decision.get_measure_display(), "days": decision.days},
                )
                if returnee.handover == Handover.PENDING:
                    # The same words for every handover: a person on file in another community is
                    # handed to it too (services.returnee_register), which must not be named.
                    messages.info(request, _("已移交接收方，待对方接收。"))
                    return redirect("quarantine:returnee_list")
                return redirect("quarantine:returnee_detail", pk=returnee.pk)
    return render(request, "quarantine/returnee_new.html", {"form": form}, status=status)


@login_required
@require_GET
def returnee_detail(request, pk):
    user = request.user
    if not selectors.can_view(user):
        raise PermissionDenied
    returnee = _get(selectors.returnee_detail, user=user, pk=pk)
    manage = (
        user.can(QUARANTINE_MANAGE) and Returnee.objects.visible_to(user, "change").filter(pk=pk).exists()
    )
    inbox = (
        returnee.handover == Handover.PENDING and selectors.handover_inbox(user=user).filter(pk=pk).exists()
    )
    return render(
        request,
        "quarantine/returnee_detail.html",
        {
            "r": returnee,
            "decisions": returnee.decisions.select_related("rule_set", "rule", "decided_by"),
            "orders": selectors.orders_of(user=user, returnee=returnee),
            "manage": manage,
            "inbox": inbox,
            "decision_form": DecisionForm(),
            "order_form": OrderForm(
                initial={"start_date": timezone.localdate()}, area_path=returnee.area_path
            ),
            "return_form": ReasonForm(),
            "verdict": discrepancy_verdict(person_id=returnee.person_id, actor=user),
        },
    )


def _returnee_action(request, pk, call, success):
    user = request.user
    _require(user, RETURNEE_REGISTER, QUARANTINE_MANAGE)
    _get(selectors.returnee_detail, user=user, pk=pk)
    _act(request, call, success)
    if Returnee.objects.visible_to(user).filter(pk=pk).exists():
        return redirect("quarantine:returnee_detail", pk=pk)
    return redirect("quarantine:handovers")


@login_required
@require_POST
def returnee_decide(request, pk):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _require(request.user, QUARANTINE_MANAGE)
        _get(selectors.returnee_detail, user=request.user, pk=pk)
        messages.error(request, _("请选择措施、填写天数和理由"))
        return redirect("quarantine:returnee_detail", pk=pk)
    d = form.cleaned_data
    return _returnee_action(
        request,
        pk,
        lambda: services.decision_change(
            actor=request.user, returnee_id=pk, measure=d["measure"], days=d["days"], reason=d["reason"]
        ),
        _("已调整管控措施（人工调整，理由已记录）"),
    )


@login_required
@require_POST
def returnee_order(request, pk):
    user = request.user
    _require(user, QUARANTINE_MANAGE)
    returnee = _get(selectors.returnee_detail, user=user, pk=pk)
    form = OrderForm(request.POST, area_path=returnee.area_path)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect("quarantine:returnee_detail", pk=pk)
    d = form.cleaned_data
    created = {}

    def issue():
        created["order"] = services.order_issue(
            actor=user,
            returnee_id=pk,
            start_date=d["start_date"],
            responsible_id=d["responsible"].pk if d["responsible"] else None,
            doctor_id=d["doctor"].pk if d["doctor"] else None,
        )

    if _act(request, issue, _("已下达隔离措施")):
        return redirect("quarantine:order_detail", pk=created["order"].pk)
    return redirect("quarantine:returnee_detail", pk=pk)


# Rule data ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rules_settings(request):
    user = request.user
    _require(user, QUARANTINE_CONFIGURE)
    risk_form = RiskAreaForm(request.POST if request.POST.get("form") == "risk" else None, prefix="risk")
    rule_form = RuleSetForm(request.POST if request.POST.get("form") == "rules" else None, prefix="rules")
    status = 200
    if request.method == "POST":
        status = 400
        form = risk_form if request.POST.get("form") == "risk" else rule_form
        if form.is_valid():
            d = form.cleaned_data
            try:
                if form is risk_form:
                    services.risk_area_add(actor=user, **d)
                else:
                    services.rule_set_create(
                        actor=user,
                        name=d["name"],
                        effective_from=d["effective_from"],
                        legal_basis=d["legal_basis"],
                        appeal=d["appeal"],
                        rules_spec=d["rules"],
                    )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("quarantine:rules")
    today = timezone.localdate()
    return render(
        request,
        "quarantine/rules.html",
        {
            "rule_sets": RuleSet.objects.prefetch_related("rules"),
            "risk_areas": RiskArea.objects.all()[:200],
            "in_force": rules.rule_set_in_force(today),
            "today": today,
            "risk_form": risk_form,
            "rule_form": rule_form,
        },
        status=status,
    )


@login_required
@require_POST
def riskarea_end(request, pk):
    user = request.user
    _require(user, QUARANTINE_CONFIGURE)
    date = request.POST.get("effective_to") or str(timezone.localdate())
    try:
        end = dt.date.fromisoformat(date)
    except ValueError:
        messages.error(request, _("日期格式不正确"))
        return redirect("quarantine:rules")
    _act(
        request,
        lambda: services.risk_area_end(actor=user, risk_area_id=pk, effective_to=end),
        _("已设置截止日期"),
    )
    return redirect("quarantine:rules")
