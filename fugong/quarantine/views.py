"""Pages: returnees (register, list, detail with the decision and its rule), the handover inbox,
orders with the follow-up timeline and the mobile follow-up form, overdue follow-ups, sites with the
rooms grid and check-in, and the rule data (QUARANTINE_CONFIGURE).

Each view checks the capability (403), reads through the selectors (out of scope is a 404) and
leaves every write to the services.
"""

import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fugong.accounts.models import User
from fugong.areas.models import Area
from fugong.core.access import QUARANTINE_CONFIGURE, QUARANTINE_MANAGE, RETURNEE_REGISTER, SITE_OPERATE
from fugong.core.actions import run_action
from fugong.enterprises.models import Enterprise

from . import rules, selectors, services
from .forms import (
    ChangeEndForm,
    CheckInForm,
    DecisionForm,
    DeliveryForm,
    FollowUpForm,
    OrderForm,
    ReasonForm,
    ReturneeForm,
    RiskAreaForm,
    RuleSetForm,
    SiteForm,
    TransferForm,
    apply_errors,
)
from .models import Handover, OrderStatus, Returnee, RiskArea, Room, RuleSet, Stay

PAGE_SIZE = 50


def _require(user, *capabilities) -> None:
    if not any(user.can(c) for c in capabilities):
        raise PermissionDenied


def _get(fn, **kwargs):
    try:
        return fn(**kwargs)
    except Exception as exc:  # DoesNotExist of any model, or a bad id
        if isinstance(exc, PermissionDenied):
            raise
        raise Http404 from None


_act = run_action


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
                apply_errors(form, exc)
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
                    messages.info(
                        request,
                        _("目的社区不在您的管辖范围内，已移交 %(area)s，待对方接收。")
                        % {"area": returnee.destination.name},
                    )
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
def returnee_accept(request, pk):
    return _returnee_action(
        request, pk, lambda: services.handover_accept(actor=request.user, returnee_id=pk), _("已接收")
    )


@login_required
@require_POST
def returnee_return(request, pk):
    reason = request.POST.get("reason", "")
    return _returnee_action(
        request,
        pk,
        lambda: services.handover_return(actor=request.user, returnee_id=pk, reason=reason),
        _("已退回登记单位"),
    )


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


@login_required
@require_GET
def handovers(request):
    user = request.user
    _require(user, RETURNEE_REGISTER)
    return render(
        request,
        "quarantine/handovers.html",
        {
            "inbox": selectors.handover_inbox(user=user),
            "sent": selectors.handovers_sent(user=user)[:100],
            "return_form": ReasonForm(),
        },
    )


# Orders and follow-ups ---------------------------------------------------------------------------


@login_required
@require_GET
def order_detail(request, pk):
    user = request.user
    _require(user, QUARANTINE_MANAGE, SITE_OPERATE)
    order = _get(selectors.order_detail, user=user, pk=pk)
    active = order.status == OrderStatus.ACTIVE and user.can(QUARANTINE_MANAGE)
    return render(
        request,
        "quarantine/order_detail.html",
        {
            "o": order,
            "followups": selectors.followups(user=user, order=order),
            "changes": order.changes.all(),
            "stays": Stay.objects.visible_to(user).filter(order=order).select_related("site", "room"),
            "active": active,
            "early": timezone.localdate() < order.planned_end,
            "change_form": ChangeEndForm(),
            "transfer_form": TransferForm(),
            "release_form": ReasonForm(),
            **_notice_panel(user, order),
        },
    )


def _notice_panel(user, order) -> dict:
    """The release notice panel of a released order: the notice (if any) and the delivery form."""
    if order.status != OrderStatus.RELEASED or not user.can(QUARANTINE_MANAGE):
        return {}
    notice = selectors.order_notice(user=user, order=order)
    doctors = selectors.notice_doctors(order=order)
    form = DeliveryForm(doctors=doctors, initial={"with_doctor": order.doctor_id})
    return {"notice": notice, "notice_panel": True, "delivery_form": form, "revoke_form": ReasonForm()}


@login_required
@require_http_methods(["GET", "POST"])
def order_followup(request, pk):
    user = request.user
    _require(user, QUARANTINE_MANAGE)
    order = _get(selectors.order_detail, user=user, pk=pk)
    form = FollowUpForm(request.POST or None, initial={"method": "phone", "status": "reached"})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.followup_record(
                    actor=user,
                    order_id=order.pk,
                    method=d["method"],
                    status=d["status"],
                    temperature=d["temperature"],
                    symptoms=d["symptoms"],
                    note=d["note"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("随访已记录"))
                return redirect("quarantine:order_detail", pk=order.pk)
    return render(request, "quarantine/followup_form.html", {"o": order, "form": form}, status=status)


def _order_action(request, pk, form_class, call, success):
    user = request.user
    _require(user, QUARANTINE_MANAGE)
    _get(selectors.order_detail, user=user, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    else:
        _act(request, lambda: call(form.cleaned_data), success)
    return redirect("quarantine:order_detail", pk=pk)


@login_required
@require_POST
def order_change(request, pk):
    return _order_action(
        request,
        pk,
        ChangeEndForm,
        lambda d: services.order_change_end(
            actor=request.user, order_id=pk, new_end=d["new_end"], reason=d["reason"]
        ),
        _("已调整解除日期"),
    )


@login_required
@require_POST
def order_transfer(request, pk):
    return _order_action(
        request,
        pk,
        TransferForm,
        lambda d: services.order_transfer(actor=request.user, order_id=pk, hospital=d["hospital"]),
        _("已登记转院"),
    )


@login_required
@require_POST
def order_release(request, pk):
    return _order_action(
        request,
        pk,
        ReasonForm,
        lambda d: services.order_release(
            actor=request.user, order_id=pk, reason=d["reason"], base_url=request.build_absolute_uri("/")
        ),
        _("已解除隔离"),
    )


@login_required
@require_GET
def followups_due(request):
    user = request.user
    _require(user, QUARANTINE_MANAGE)
    rows = selectors.followups_due(user=user)
    return render(
        request,
        "quarantine/followups_due.html",
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "since": selectors.half_day_start(),
        },
    )


# Sites -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def site_list(request):
    user = request.user
    _require(user, QUARANTINE_MANAGE, SITE_OPERATE, QUARANTINE_CONFIGURE)
    configure = user.can(QUARANTINE_CONFIGURE)
    form = SiteForm(request.POST or None) if configure else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                site = services.site_create(
                    actor=user,
                    name=d["name"],
                    area_id=d["area"].pk,
                    address=d["address"],
                    rooms=[n for n in re.split(r"[\s,，、]+", d["rooms"]) if n],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已设立隔离点"))
                return redirect("quarantine:site_detail", pk=site.pk)
    return render(
        request,
        "quarantine/site_list.html",
        {
            "sites": selectors.sites(user=user),
            "occupancy": selectors.occupancy(user=user),
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def site_detail(request, pk):
    user = request.user
    _require(user, QUARANTINE_MANAGE, SITE_OPERATE, QUARANTINE_CONFIGURE)
    site = _get(selectors.site_detail, user=user, pk=pk)
    operate = user.can(SITE_OPERATE)
    return render(
        request,
        "quarantine/site_detail.html",
        {
            "site": site,
            "grid": selectors.rooms_grid(site=site),
            "operate": operate,
            "occupancy": {
                "now": Stay.objects.filter(site=site, checked_out_at__isnull=True).count(),
                "total": Stay.objects.filter(site=site).values("person").distinct().count(),
            },
            "history": selectors.stay_history(user=user, site=site)[:50],
            "form": CheckInForm(rooms=Room.objects.filter(site=site, is_active=True)) if operate else None,
        },
    )


@login_required
@require_POST
def site_check_in(request, pk):
    user = request.user
    _require(user, SITE_OPERATE)
    site = _get(selectors.site_detail, user=user, pk=pk)
    form = CheckInForm(request.POST, rooms=Room.objects.filter(site=site, is_active=True))
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    else:
        d = form.cleaned_data
        _act(
            request,
            lambda: services.stay_check_in(
                actor=user,
                site_id=site.pk,
                room_id=d["room"].pk,
                id_number=d["id_number"],
                checked_registration=d["checked_registration"],
                checked_temperature=d["checked_temperature"],
                checked_health=d["checked_health"],
            ),
            _("已办理入住"),
        )
    return redirect("quarantine:site_detail", pk=site.pk)


@login_required
@require_POST
def site_setup(request, pk):
    """Add a room or bind a site staff account to the site (QUARANTINE_CONFIGURE)."""
    user = request.user
    _require(user, QUARANTINE_CONFIGURE)
    site = _get(selectors.site_detail, user=user, pk=pk)
    if request.POST.get("number"):
        _act(
            request,
            lambda: services.room_add(actor=user, site_id=site.pk, number=request.POST["number"]),
            _("已添加房间"),
        )
    else:
        staff = User.objects.filter(username=request.POST.get("username", "").strip()).first()
        _act(
            request,
            lambda: services.staff_bind(actor=user, site_id=site.pk, user_id=staff.pk if staff else None),
            _("已绑定工作人员"),
        )
    return redirect("quarantine:site_detail", pk=site.pk)


@login_required
@require_POST
def stay_check_out(request, pk):
    user = request.user
    _require(user, SITE_OPERATE)
    stay = _get(Stay.objects.visible_to(user).get, pk=pk)
    _act(request, lambda: services.stay_check_out(actor=user, stay_id=stay.pk), _("已办理退房"))
    return redirect("quarantine:site_detail", pk=stay.site_id)


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
                apply_errors(form, exc)
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
