"""Pages of returnees (register, list, detail with the decision and its rule, the decision changed by
hand, the order issued) and of the rule data (QUARANTINE_CONFIGURE).

Each view checks the capability (403), reads through the selectors (out of scope is a 404) and
leaves every write to the services.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.areas.models import Area
from fugong.core.access import QUARANTINE_CONFIGURE, QUARANTINE_MANAGE, RETURNEE_REGISTER
from fugong.core.web.views import KitView, ScopedDetailView, ScopedObjectMixin, ServiceFormView
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
from .base import PAGE_SIZE, MethodFirst, _act, _get

# Returnees ---------------------------------------------------------------------------------------


class ReturneeObject(ScopedObjectMixin):
    """The returnee of the URL through its selector; out of scope is a 404."""

    model = Returnee

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = _get(selectors.returnee_detail, user=self.request.user, pk=self.kwargs["pk"])
        return self._object


class ReturneeListView(MethodFirst, KitView):
    capabilities = selectors.VIEWERS
    template_name = "quarantine/returnee_list.html"
    http_method_names = ["get"]

    def get_context_data(self, **kwargs):
        request, user = self.request, self.request.user
        q, handover = request.GET.get("q", "").strip(), request.GET.get("handover", "")
        rows = selectors.returnee_list(
            user=user, q=q, handover=handover if handover in Handover.values else ""
        )
        page = Paginator(rows.prefetch_related("decisions"), PAGE_SIZE).get_page(request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "q": q,
            "handover": handover,
            "handovers": Handover.choices,
            "can_register": user.can(RETURNEE_REGISTER),
            "inbox": selectors.handover_inbox(user=user).count(),
        }


class ReturneeNewView(MethodFirst, ServiceFormView):
    capability = RETURNEE_REGISTER
    template_name = "quarantine/returnee_new.html"
    form_class = ReturneeForm
    denied_field = NON_FIELD_ERRORS
    http_method_names = ["get", "post"]

    def get_form(self):
        user = self.request.user
        return ReturneeForm(
            self.request.POST or None,
            employers=Enterprise.objects.visible_to(user).order_by("name"),
            communities=Area.objects.visible_to(user).filter(kind="community").order_by("path"),
        )

    def perform(self, form):
        d = form.cleaned_data
        return services.returnee_register(
            actor=self.request.user,
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

    def success_response(self, returnee):
        decision = returnee.decision
        messages.success(
            self.request,
            _("已登记，按规则：%(measure)s%(days)s天。")
            % {"measure": decision.get_measure_display(), "days": decision.days},
        )
        if returnee.handover == Handover.PENDING:
            # The same words for every handover: a person on file in another community is
            # handed to it too (services.returnee_register), which must not be named.
            messages.info(self.request, _("已移交接收方，待对方接收。"))
            return redirect("quarantine:returnee_list")
        return redirect("quarantine:returnee_detail", pk=returnee.pk)


class ReturneeDetailView(MethodFirst, ReturneeObject, ScopedDetailView):
    capabilities = selectors.VIEWERS
    template_name = "quarantine/returnee_detail.html"
    context_object_name = "r"
    http_method_names = ["get"]

    def get_context_data(self, **kwargs):
        user, returnee = self.request.user, self.get_object()
        pk = returnee.pk
        manage = (
            user.can(QUARANTINE_MANAGE) and Returnee.objects.visible_to(user, "change").filter(pk=pk).exists()
        )
        inbox = (
            returnee.handover == Handover.PENDING
            and selectors.handover_inbox(user=user).filter(pk=pk).exists()
        )
        return {
            **super().get_context_data(**kwargs),
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
        }


class ReturneeAction(MethodFirst, ReturneeObject, KitView):
    """A button on the returnee page (POST only): the service's refusal comes back as a message; then
    the returnee's page, or the handover inbox once the returnee is no longer in the user's scope."""

    capabilities = (RETURNEE_REGISTER, QUARANTINE_MANAGE)
    http_method_names = ["post"]
    success_message = ""

    def perform(self):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.get_object()
        _act(request, self.perform, str(self.success_message))
        pk = self.kwargs["pk"]
        if Returnee.objects.visible_to(request.user).filter(pk=pk).exists():
            return redirect("quarantine:returnee_detail", pk=pk)
        return redirect("quarantine:handovers")


class ReturneeDecideView(ReturneeAction):
    success_message = gettext_lazy("已调整管控措施（人工调整，理由已记录）")

    def post(self, request, *args, **kwargs):
        self.form = DecisionForm(request.POST)
        if not self.form.is_valid():
            if not request.user.can(QUARANTINE_MANAGE):
                raise PermissionDenied
            self.get_object()
            messages.error(request, _("请选择措施、填写天数和理由"))
            return redirect("quarantine:returnee_detail", pk=self.kwargs["pk"])
        return super().post(request, *args, **kwargs)

    def perform(self):
        d = self.form.cleaned_data
        return services.decision_change(
            actor=self.request.user,
            returnee_id=self.kwargs["pk"],
            measure=d["measure"],
            days=d["days"],
            reason=d["reason"],
        )


class ReturneeOrderView(MethodFirst, ReturneeObject, KitView):
    capability = QUARANTINE_MANAGE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        pk, returnee = self.kwargs["pk"], self.get_object()
        form = OrderForm(request.POST, area_path=returnee.area_path)
        if not form.is_valid():
            messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
            return redirect("quarantine:returnee_detail", pk=pk)
        d = form.cleaned_data
        created = {}

        def issue():
            created["order"] = services.order_issue(
                actor=request.user,
                returnee_id=pk,
                start_date=d["start_date"],
                responsible_id=d["responsible"].pk if d["responsible"] else None,
                doctor_id=d["doctor"].pk if d["doctor"] else None,
            )

        if _act(request, issue, _("已下达隔离措施")):
            return redirect("quarantine:order_detail", pk=created["order"].pk)
        return redirect("quarantine:returnee_detail", pk=pk)


# Rule data ---------------------------------------------------------------------------------------


class RulesSettingsView(MethodFirst, KitView):
    """The rule sets and the risk areas: two forms on one page, told apart by the POST's ``form``."""

    capability = QUARANTINE_CONFIGURE
    template_name = "quarantine/rules.html"
    http_method_names = ["get", "post"]

    def get_forms(self):
        post = self.request.POST
        risk_form = RiskAreaForm(post if post.get("form") == "risk" else None, prefix="risk")
        rule_form = RuleSetForm(post if post.get("form") == "rules" else None, prefix="rules")
        return risk_form, rule_form

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return {
            **super().get_context_data(**kwargs),
            "rule_sets": RuleSet.objects.prefetch_related("rules"),
            "risk_areas": RiskArea.objects.all()[:200],
            "in_force": rules.rule_set_in_force(today),
            "today": today,
        }

    def get(self, request, *args, **kwargs):
        risk_form, rule_form = self.get_forms()
        return self.render_to_response(self.get_context_data(risk_form=risk_form, rule_form=rule_form))

    def post(self, request, *args, **kwargs):
        user = request.user
        risk_form, rule_form = self.get_forms()
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
        context = self.get_context_data(risk_form=risk_form, rule_form=rule_form)
        return self.render_to_response(context, status=400)


class RiskAreaEndView(MethodFirst, KitView):
    capability = QUARANTINE_CONFIGURE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        user = request.user
        date = request.POST.get("effective_to") or str(timezone.localdate())
        try:
            end = dt.date.fromisoformat(date)
        except ValueError:
            messages.error(request, _("日期格式不正确"))
            return redirect("quarantine:rules")
        _act(
            request,
            lambda: services.risk_area_end(actor=user, risk_area_id=self.kwargs["pk"], effective_to=end),
            _("已设置截止日期"),
        )
        return redirect("quarantine:rules")
