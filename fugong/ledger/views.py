"""Pages of the problem ledger: record, list (filters, export), one problem with its timeline and
the actions the viewer may take, overdue problems for the level above, the figures, the settings.

Each view checks the capability (403), reads through the selectors (out of scope is a 404) and
leaves every write to the services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fugong.core.access import PROBLEM_OVERSEE, SUPERVISION_CONFIGURE, Role
from fugong.core.decorators import capability_required
from fugong.core.xlsx import export_response, export_watermark

from . import policies, selectors, services
from .choices import ProblemCategory, ProblemStatus
from .forms import ACTION_FORMS, ProblemForm

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000


def _require_view(user) -> None:
    if not selectors.can_view(user):
        raise PermissionDenied


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return exc.messages


@login_required
@require_GET
def problem_list(request):
    user = request.user
    _require_view(user)
    f = selectors.ProblemFilter.from_params(request.GET)
    page = Paginator(selectors.problem_list(user=user, f=f), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "ledger/problem_list.html",
        {
            "page": page,
            "rows": [{"p": p, "overdue": selectors.is_overdue(p, now)} for p in page],
            "f": f,
            "statuses": ProblemStatus.choices,
            "categories": ProblemCategory.choices,
            "departments": selectors.departments(user=user),
            "areas": selectors.areas(user=user),
            "can_report": policies.can_report(user),
            "is_enterprise": user.role == Role.ENTERPRISE_ADMIN,
            "can_oversee": user.can(PROBLEM_OVERSEE),
        },
    )


EXPORT_HEADERS = [
    "编号",
    "企业",
    "所属街镇",
    "问题类别",
    "问题标题",
    "来源",
    "绿色通道",
    "状态",
    "承办单位",
    "登记时间",
    "办理期限",
    "是否超期",
    "督办层级",
    "答复时间",
    "满意度",
]


@login_required
@require_GET
def problem_export(request):
    user = request.user
    _require_view(user)
    f = selectors.ProblemFilter.from_params(request.GET)
    qs = selectors.problem_list(user=user, f=f)[:EXPORT_MAX_ROWS]
    now = timezone.now()

    def fmt(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    rows = (
        [
            p.pk,
            p.enterprise.name,
            p.street.name,
            p.get_category_display(),
            p.title,
            p.get_channel_display(),
            "是" if p.green_channel else "",
            p.get_status_display(),
            p.holder_label,
            fmt(p.created_at),
            fmt(p.due_at),
            "超期" if selectors.is_overdue(p, now) else "",
            p.get_escalation_level_display(),
            fmt(p.answered_at),
            p.rating or "",
        ]
        for p in qs.iterator(chunk_size=2000)
    )
    filename = f"企业诉求台账-{timezone.localdate():%Y%m%d}.xlsx"
    return export_response(
        EXPORT_HEADERS, rows, filename=filename, title="企业诉求台账", watermark=export_watermark(user)
    )


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request):
    user = request.user
    if not policies.can_report(user):
        raise PermissionDenied
    own = user.scope_enterprise if user.role == Role.ENTERPRISE_ADMIN else None
    form = ProblemForm(
        request.POST or None, enterprises=selectors.reportable_enterprises(user=user), own_enterprise=own
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            enterprise = data.get("enterprise") or own
            try:
                problem = services.problem_create(
                    actor=user,
                    enterprise_id=enterprise.pk,
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    green_channel=data.get("green_channel", False),
                )
            except ValidationError as exc:
                for key, msgs in (
                    exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
                ).items():
                    for m in msgs:
                        form.add_error(key if key in form.fields else None, m)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("已登记，分办至 %(holder)s，办理期限 %(due)s。")
                    % {
                        "holder": problem.holder_label,
                        "due": timezone.localtime(problem.due_at).strftime("%Y-%m-%d"),
                    },
                )
                return redirect("ledger:problem_detail", pk=problem.pk)
    return render(
        request,
        "ledger/problem_new.html",
        {"form": form, "own": own, "due_days": selectors.due_days_table()},
        status=status,
    )


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


@login_required
@require_http_methods(["GET", "POST"])
def problem_detail(request, pk: int):
    user = request.user
    _require_view(user)
    problem = selectors.problem_detail(user=user, pk=pk)
    allowed = selectors.actions(user=user, problem=problem)
    forms, status = {}, 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTION_FORMS:
            raise PermissionDenied
        if not allowed.get(action) and problem.version == _int(request.POST.get("version")):
            raise PermissionDenied  # nothing changed since the page was shown: this viewer may not do it
        form = ACTION_FORMS[action](request.POST)
        if form.is_valid():
            try:
                _act(user, problem, action, form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                text = "；".join(_messages_of(exc)) if isinstance(exc, ValidationError) else str(exc)
                messages.error(request, text or _("无权执行此操作"))
                return redirect("ledger:problem_detail", pk=problem.pk)
            messages.success(request, _(DONE[action]))
            return redirect("ledger:problem_detail", pk=problem.pk)
        forms[action], status = form, 400
    for action, ok in allowed.items():
        if ok and action not in forms:
            initial = {"version": problem.version} if action != "approve" else {}
            forms[action] = ACTION_FORMS[action](initial=initial)
    return render(
        request,
        "ledger/problem_detail.html",
        {
            "problem": problem,
            "forms": forms,
            "overdue": selectors.is_overdue(problem),
            "events": selectors.timeline(problem=problem),
            "extensions": selectors.extensions_of(problem=problem),
            "pending": selectors.pending_extension(problem=problem),
            "is_enterprise": user.role == Role.ENTERPRISE_ADMIN,
        },
        status=status,
    )


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@login_required
@require_GET
def problem_overdue(request):
    user = request.user
    if not user.can(PROBLEM_OVERSEE):
        raise PermissionDenied
    now = timezone.now()
    page = Paginator(selectors.overdue_list(user=user, now=now), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/problem_overdue.html",
        {
            "page": page,
            "rows": [{"p": p, "overdue": selectors.is_overdue(p, now)} for p in page],
            "groups": selectors.overdue_by_holder(user=user, now=now),
        },
    )


@login_required
@require_GET
def stats(request):
    user = request.user
    _require_view(user)
    return render(request, "ledger/stats.html", {"s": selectors.stats(user=user)})


# --- the district's settings ----------------------------------------------------------------------------


@capability_required(SUPERVISION_CONFIGURE)
@require_http_methods(["GET", "POST"])
def settings_page(request):
    from .forms import DueDaysForm, RoutingRuleForm

    user = request.user
    due_form, rule_form, status = DueDaysForm(), RoutingRuleForm(user=user), 200
    if request.method == "POST":
        kind = request.POST.get("form")
        try:
            if kind == "due_days":
                due_form = DueDaysForm(request.POST)
                if due_form.is_valid():
                    services.due_days_update(actor=user, **due_form.cleaned_data)
                    messages.success(request, _("办理时限已保存，新登记的诉求按新时限计算。"))
                    return redirect("ledger:settings")
            elif kind == "rule":
                rule_form = RoutingRuleForm(request.POST, user=user)
                if rule_form.is_valid():
                    services.routing_rule_save(actor=user, **rule_form.cleaned_data)
                    messages.success(request, _("分办规则已保存。"))
                    return redirect("ledger:settings")
            elif kind == "defaults":
                n = services.routing_seed_defaults(actor=user)
                messages.success(request, _("已按默认方案新增 %(n)s 条全区分办规则。") % {"n": n})
                return redirect("ledger:settings")
        except ValidationError as exc:
            messages.error(request, "；".join(_messages_of(exc)))
        status = 400
    return render(
        request,
        "ledger/settings.html",
        {
            "due_days": selectors.due_days_table(),
            "due_form": due_form,
            "rule_form": rule_form,
            "rules": selectors.routing_rules(),
        },
        status=status,
    )


@capability_required(SUPERVISION_CONFIGURE)
@require_POST
def routing_rule_delete(request, pk: int):
    user = request.user
    try:
        services.routing_rule_delete(actor=user, rule_id=pk)
    except ValidationError as exc:
        messages.error(request, "；".join(_messages_of(exc)))
    else:
        messages.success(request, _("分办规则已删除。"))
    return redirect("ledger:settings")
