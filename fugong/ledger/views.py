"""Pages of the problem ledger: record, list (filters, export), one problem with its timeline and
the actions the viewer may take, overdue problems for the level above, the figures, the settings.

Each view checks the capability (403), reads through the selectors (out of scope is a 404) and
leaves every write to the services.
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.core.access import PROBLEM_OVERSEE, SUPERVISION_CONFIGURE, Role
from fugong.core.web.views import KitView, ScopedObjectMixin, ServiceFormView
from fugong.core.xlsx import export_response, export_watermark

from . import policies, selectors, services
from .choices import ProblemCategory, ProblemStatus
from .forms import ACTION_FORMS, DueDaysForm, ProblemForm, RoutingRuleForm
from .models import Problem

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000


class LedgerView(KitView):
    """The pages of every viewer of the ledger (selectors.can_view), whatever their capability."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.can_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return exc.messages


class ProblemListView(LedgerView):
    template_name = "ledger/problem_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        f = selectors.ProblemFilter.from_params(self.request.GET)
        rows = selectors.problem_list(user=user, f=f)
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        now = timezone.now()
        return super().get_context_data(
            page=page,
            rows=[{"p": p, "overdue": selectors.is_overdue(p, now)} for p in page],
            f=f,
            statuses=ProblemStatus.choices,
            categories=ProblemCategory.choices,
            departments=selectors.departments(user=user),
            areas=selectors.areas(user=user),
            can_report=policies.can_report(user),
            is_enterprise=user.role == Role.ENTERPRISE_ADMIN,
            can_oversee=user.can(PROBLEM_OVERSEE),
            **kwargs,
        )


EXPORT_HEADERS = [
    gettext_lazy("编号"),
    gettext_lazy("企业"),
    gettext_lazy("所属街镇"),
    gettext_lazy("问题类别"),
    gettext_lazy("问题标题"),
    gettext_lazy("来源"),
    gettext_lazy("绿色通道"),
    gettext_lazy("状态"),
    gettext_lazy("承办单位"),
    gettext_lazy("登记时间"),
    gettext_lazy("办理期限"),
    gettext_lazy("是否超期"),
    gettext_lazy("督办层级"),
    gettext_lazy("答复时间"),
    gettext_lazy("满意度"),
]


def _fmt(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _export_row(p, now) -> list:
    return [
        p.pk,
        p.enterprise.name,
        p.street.name,
        p.get_category_display(),
        p.title,
        p.get_channel_display(),
        "是" if p.green_channel else "",
        p.get_status_display(),
        p.holder_label,
        _fmt(p.created_at),
        _fmt(p.due_at),
        "超期" if selectors.is_overdue(p, now) else "",
        p.get_escalation_level_display(),
        _fmt(p.answered_at),
        p.rating or "",
    ]


class ProblemExportView(LedgerView):
    """The filtered list as xlsx (at most EXPORT_MAX_ROWS rows), streamed."""

    def get(self, request, *args, **kwargs):
        user = request.user
        f = selectors.ProblemFilter.from_params(request.GET)
        qs = selectors.problem_list(user=user, f=f)[:EXPORT_MAX_ROWS]
        now = timezone.now()
        rows = (_export_row(p, now) for p in qs.iterator(chunk_size=2000))
        filename = f"企业诉求台账-{timezone.localdate():%Y%m%d}.xlsx"
        return export_response(
            EXPORT_HEADERS, rows, filename=filename, title="企业诉求台账", watermark=export_watermark(user)
        )


class ProblemNewView(ServiceFormView):
    """Record a problem: routed to its holder with its due date (an enterprise's admin for its own)."""

    form_class = ProblemForm
    template_name = "ledger/problem_new.html"
    denied_field = NON_FIELD_ERRORS

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not policies.can_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def own(self):
        user = self.request.user
        return user.scope_enterprise if user.role == Role.ENTERPRISE_ADMIN else None

    def get_form_kwargs(self):
        enterprises = selectors.reportable_enterprises(user=self.request.user)
        return {**super().get_form_kwargs(), "enterprises": enterprises, "own_enterprise": self.own}

    def get_context_data(self, **kwargs):
        return super().get_context_data(own=self.own, due_days=selectors.due_days_table(), **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        enterprise = data.get("enterprise") or self.own
        problem = services.problem_create(
            actor=self.request.user,
            enterprise_id=enterprise.pk,
            category=data["category"],
            title=data["title"],
            description=data["description"],
            green_channel=data.get("green_channel", False),
        )
        self.success_message = _("已登记，分办至 %(holder)s，办理期限 %(due)s。") % {
            "holder": problem.holder_label,
            "due": timezone.localtime(problem.due_at).strftime("%Y-%m-%d"),
        }
        return problem

    def get_success_url(self, problem):
        return reverse("ledger:problem_detail", kwargs={"pk": problem.pk})


def _act(user, problem, action: str, data: dict):
    common = {"actor": user, "problem_id": problem.pk}
    if action == "start":
        return services.problem_start(**common, version=data["version"], note=data["note"])
    if action == "answer":
        return services.problem_answer(**common, version=data["version"], answer=data["answer"])
    if action == "extend":
        return services.extension_request(
            **common, version=data["version"], days=data["days"], reason=data["reason"]
        )
    if action == "approve":
        return services.extension_decide(**common, approve=data["approve"], note=data["note"])
    if action == "confirm":
        return services.problem_confirm(
            **common, version=data["version"], rating=data["rating"], comment=data["comment"]
        )
    return services.problem_reopen(**common, version=data["version"], reason=data["reason"])


DONE = {
    "start": "已开始办理。",
    "answer": "已答复，等待企业确认。",
    "extend": "延期申请已提交，等待上一级审批。",
    "approve": "已审批延期申请。",
    "confirm": "已确认办结，感谢您的评价。",
    "reopen": "已要求重新办理。",
}


class ProblemDetailView(ScopedObjectMixin, LedgerView):
    """One problem with its timeline and a form for each action the viewer may take now (``action``
    of the POST: start, answer, extend, approve, confirm, reopen). The action forms are plain forms
    (the kit's styling broke the rating radios)."""

    model = Problem
    template_name = "ledger/problem_detail.html"

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = selectors.problem_detail(user=self.request.user, pk=self.kwargs["pk"])
        return self._object

    def get_context_data(self, forms=None, **kwargs):
        user, problem = self.request.user, self.get_object()
        forms = dict(forms or {})
        for action, ok in selectors.actions(user=user, problem=problem).items():
            if ok and action not in forms:
                initial = {"version": problem.version} if action != "approve" else {}
                forms[action] = ACTION_FORMS[action](initial=initial)
        return super().get_context_data(
            problem=problem,
            forms=forms,
            overdue=selectors.is_overdue(problem),
            events=selectors.timeline(problem=problem),
            extensions=selectors.extensions_of(problem=problem),
            pending=selectors.pending_extension(problem=problem),
            is_enterprise=user.role == Role.ENTERPRISE_ADMIN,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        user, problem = request.user, self.get_object()
        action = request.POST.get("action", "")
        if action not in ACTION_FORMS:
            raise PermissionDenied
        allowed = selectors.actions(user=user, problem=problem)
        if not allowed.get(action) and problem.version == _int(request.POST.get("version")):
            raise PermissionDenied  # nothing changed since the page was shown: this viewer may not do it
        form = ACTION_FORMS[action](request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(forms={action: form}), status=400)
        try:
            _act(user, problem, action, form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            text = "；".join(_messages_of(exc)) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, text or _("无权执行此操作"))
        else:
            messages.success(request, _(DONE[action]))
        return redirect("ledger:problem_detail", pk=problem.pk)


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


class ProblemOverdueView(KitView):
    """The overdue problems of the levels below, grouped by their holder."""

    capability = PROBLEM_OVERSEE
    template_name = "ledger/problem_overdue.html"

    def get_context_data(self, **kwargs):
        user, now = self.request.user, timezone.now()
        rows = selectors.overdue_list(user=user, now=now)
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            rows=[{"p": p, "overdue": selectors.is_overdue(p, now)} for p in page],
            groups=selectors.overdue_by_holder(user=user, now=now),
            **kwargs,
        )


class StatsView(LedgerView):
    template_name = "ledger/stats.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(s=selectors.stats(user=self.request.user), **kwargs)


# --- the district's settings ----------------------------------------------------------------------------


class SettingsView(KitView):
    """The due days and the routing rules, told apart by ``form`` (due_days, rule, defaults); each
    saved goes back to the page with a message, bad input or a refusal shows the page again (400)."""

    capability = SUPERVISION_CONFIGURE
    template_name = "ledger/settings.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("due_form", DueDaysForm())
        kwargs.setdefault("rule_form", RoutingRuleForm(user=self.request.user))
        return super().get_context_data(
            due_days=selectors.due_days_table(), rules=selectors.routing_rules(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        kind, user, forms = request.POST.get("form"), request.user, {}
        try:
            if kind == "due_days":
                forms["due_form"] = form = DueDaysForm(request.POST)
                if form.is_valid():
                    services.due_days_update(actor=user, **form.cleaned_data)
                    return self.saved(_("办理时限已保存，新登记的诉求按新时限计算。"))
            elif kind == "rule":
                forms["rule_form"] = form = RoutingRuleForm(request.POST, user=user)
                if form.is_valid():
                    services.routing_rule_save(actor=user, **form.cleaned_data)
                    return self.saved(_("分办规则已保存。"))
            elif kind == "defaults":
                n = services.routing_seed_defaults(actor=user)
                return self.saved(_("已按默认方案新增 %(n)s 条全区分办规则。") % {"n": n})
        except ValidationError as exc:
            messages.error(request, "；".join(_messages_of(exc)))
        return self.render_to_response(self.get_context_data(**forms), status=400)

    def saved(self, message: str):
        messages.success(self.request, message)
        return redirect("ledger:settings")


class RoutingRuleDeleteView(KitView):
    capability = SUPERVISION_CONFIGURE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.routing_rule_delete(actor=request.user, rule_id=self.kwargs["pk"])
        except ValidationError as exc:
            messages.error(request, "；".join(_messages_of(exc)))
        else:
            messages.success(request, _("分办规则已删除。"))
        return redirect("ledger:settings")
