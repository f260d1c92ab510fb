"""Pages of 复工备案 + 承诺书: the enterprise's own filing, the review queue and decision, overdue
filings for the level above, bulk filing of individual businesses and the district's settings.

Each view checks the capability (403), reads through ``selectors.filings`` (out of scope is a 404) and
leaves every write to the services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fugong.core import access
from fugong.core.decorators import capability_required
from fugong.core.web.views import KitView
from fugong.core.xlsx import SheetError, template_response
from fugong.enterprises.choices import Category

from .. import services
from ..choices import FilingStatus
from ..forms.filings import (
    ROSTER_COLUMNS,
    ROSTER_INLINE_MAX,
    BulkFilingForm,
    DecisionForm,
    FilingForm,
    NewFormSet,
    RosterUploadForm,
    StaffFormSet,
    SubmitForm,
    form_sections,
    roster_from_xlsx,
)
from ..selectors import filings as selectors

PAGE_SIZE = 50
ROSTER_SHOWN = 300
FIELD_LABELS = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "手机号",
    "last14_location": "近14天所在地",
    "health_state": "健康状况",
    "is_local": "本地员工",
    "person": "人员",
}


def _own_enterprise(user):
    if not user.scope_enterprise_id:
        raise PermissionDenied
    return user.scope_enterprise


# --- the enterprise's own filing -------------------------------------------------------------------


@capability_required(access.FILING_SUBMIT)
@require_GET
def filing_mine(request):
    enterprise = _own_enterprise(request.user)
    open_ = selectors.open_filing(enterprise=enterprise)
    filings = list(selectors.filings_of(enterprise=enterprise))
    current = open_ or (filings[0] if filings else None)
    status = selectors.status_of(enterprise=enterprise)
    finished = any(f.status in selectors.FINISHED_FILING for f in filings)
    if current is None:
        unmet = []
    elif current.status in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        unmet = [u.as_dict() for u in selectors.unmet_now(filing=current, assume_signed=True)]
    else:
        unmet = current.unmet_conditions
    return render(
        request,
        "resumption/filing_mine.html",
        {
            "enterprise": enterprise,
            "current": current,
            "unmet": unmet,
            "status": status,
            "status_history": selectors.status_history(enterprise=enterprise)[:50],
            "transitions": selectors.transitions_of(filing=current) if current else [],
            "earlier": [f for f in filings if f != current],
            "can_edit": open_ is not None and open_.status in (FilingStatus.DRAFT, FilingStatus.RETURNED),
            "can_start": open_ is None and not finished and (status is None or status.state == "not_resumed"),
            "overdue": current is not None and selectors.is_overdue(current),
            "policy": services.policy_for(enterprise.category),
        },
    )


def _staff_rows(request, enterprise, filing):
    """Staff rows for the form: from the roster as known (GET) or as posted, each with its person."""
    if request.method == "POST":
        formset = StaffFormSet(request.POST, prefix="staff")
        ids = [request.POST.get(f"staff-{i}-person_id", "") for i in range(_total(request, "staff"))]
        persons = selectors.staff_persons(enterprise=enterprise, filing=filing, pks=ids)
    else:
        prefill = selectors.roster_prefill(enterprise=enterprise, filing=filing)
        persons = {row["person"].pk: row["person"] for row in prefill}
        formset = StaffFormSet(
            prefix="staff",
            initial=[
                {
                    "person_id": r["person"].pk,
                    "last14_location": r["last14_location"],
                    "health_state": r["health_state"],
                    "is_local": r["is_local"],
                }
                for r in prefill
            ],
        )
    typed = selectors.roster_typed_names(filing=filing)
    for form in formset.forms:
        pk = form["person_id"].value()
        form.person = persons.get(int(pk)) if str(pk).isdigit() else None
        # The name the enterprise typed, for a person on file elsewhere (never the file's).
        form.shown_name = typed.get(form.person.pk) or form.person.name if form.person else ""
    return formset


def _total(request, prefix: str) -> int:
    value = request.POST.get(f"{prefix}-TOTAL_FORMS", "0")
    return min(int(value), ROSTER_INLINE_MAX) if value.isdigit() else 0


def _roster_input(staff, new, upload_rows, replace, carried) -> tuple[list[dict], list[str]]:
    """The roster handed to the service, and for each row where it came from (for error messages)."""
    rows: dict[str, tuple[dict, str]] = {}
    if not replace:
        for row in carried:
            rows[row["person"].id_number] = (
                {"person_id": row["person"].pk, **_row_values(row)},
                f"名单中的「{row.get('name') or row['person'].name}」",
            )
        for form in staff.forms:
            data = form.cleaned_data
            if data.get("remove") or form.person is None:
                rows.pop(getattr(form.person, "id_number", ""), None)
                continue
            rows[form.person.id_number] = (
                {"person_id": form.person.pk, **_row_values(data)},
                f"名单中的「{form.person.name}」",
            )
        for number, form in enumerate(new.forms, start=1):
            if not form.is_blank():
                rows[form.cleaned_data["id_number"]] = (dict(form.cleaned_data), f"新增人员第 {number} 行")
    for row in upload_rows:
        rows[row["id_number"]] = ({k: v for k, v in row.items() if k != "row"}, f"Excel 第 {row['row']} 行")
    values = list(rows.values())
    return [v for v, _ in values], [w for _, w in values]


def _row_values(row) -> dict:
    return {
        "last14_location": row["last14_location"],
        "health_state": row["health_state"],
        "is_local": row["is_local"],
    }


def _split_roster_errors(exc: ValidationError, where: list[str]) -> tuple[list[str], ValidationError]:
    """The service names roster rows as ``roster.N.field``: those become lines naming the row where it
    came from; the rest is left for the form."""
    if not hasattr(exc, "error_dict"):
        return [], exc
    rows, rest = [], {}
    for key, msgs in exc.message_dict.items():
        if key.startswith("roster."):
            _, number, field = key.split(".", 2)
            rows += [f"{where[int(number) - 1]} 「{FIELD_LABELS.get(field, field)}」：{m}" for m in msgs]
        else:
            rest[key] = msgs
    return rows, ValidationError(rest)


@capability_required(access.FILING_SUBMIT)
@require_http_methods(["GET", "POST"])
def filing_edit(request):
    user = request.user
    enterprise = _own_enterprise(user)
    filing = selectors.open_filing(enterprise=enterprise)
    if filing is not None and filing.status == FilingStatus.SUBMITTED:
        messages.info(request, "备案已提交，正在审核中，暂不能修改。")
        return redirect("resumption:filing_mine")
    if filing is None and selectors.has_finished_filing(enterprise=enterprise):
        messages.info(request, "本企业已备案或已批准复工，无需再次备案。")
        return redirect("resumption:filing_mine")
    post = request.POST if request.method == "POST" else None
    large = selectors.roster_size(enterprise=enterprise, filing=filing) > ROSTER_INLINE_MAX
    form = FilingForm(post, initial=selectors.form_initial(enterprise=enterprise, filing=filing))
    staff = StaffFormSet(prefix="staff") if large else _staff_rows(request, enterprise, filing)
    new = NewFormSet(post, prefix="new")
    upload = RosterUploadForm(post, request.FILES or None)
    row_errors: list[str] = []
    if post is not None:
        valid = all([form.is_valid(), large or staff.is_valid(), new.is_valid(), upload.is_valid()])
        upload_rows = []
        if valid and upload.cleaned_data.get("roster_file"):
            try:
                upload_rows, errors = roster_from_xlsx(upload.cleaned_data["roster_file"])
            except SheetError as exc:
                upload.add_error("roster_file", exc.message)
                errors = []
            row_errors += [str(e) for e in errors]
            valid = valid and not errors and not upload.errors
        if valid:
            carried = selectors.roster_prefill(enterprise=enterprise, filing=filing) if large else []
            roster, where = _roster_input(
                staff, new, upload_rows, upload.cleaned_data.get("replace"), carried
            )
            try:
                services.filing_fill(
                    actor=user, enterprise=enterprise, roster=roster, **form.service_fields()
                )
            except ValidationError as exc:
                rows, rest = _split_roster_errors(exc, where)
                row_errors += rows
                form.add_service_errors(rest)
            else:
                messages.success(
                    request, f"复工备案已保存，名单共 {len(roster)} 人。请核对条件并签署承诺书后提交。"
                )
                return redirect("resumption:filing_submit")
    return render(
        request,
        "resumption/filing_edit.html",
        {
            "enterprise": enterprise,
            "filing": filing,
            "form": form,
            "sections": form_sections(form),
            "staff": staff,
            "new": new,
            "upload": upload,
            "row_errors": row_errors,
            "large": large,
            "carried_count": selectors.roster_size(enterprise=enterprise, filing=filing) if large else 0,
            "columns": ROSTER_COLUMNS,
        },
        status=400 if post is not None else 200,
    )


@capability_required(access.FILING_SUBMIT)
@require_GET
def roster_template(request):
    return template_response(ROSTER_COLUMNS, filename="复工人员名单模板.xlsx", title="复工人员名单")


@capability_required(access.FILING_SUBMIT)
@require_http_methods(["GET", "POST"])
def filing_submit(request):
    user = request.user
    enterprise = _own_enterprise(user)
    filing = selectors.open_filing(enterprise=enterprise)
    if filing is None or filing.status not in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        messages.info(
            request, "没有待提交的备案，请先填写复工备案。" if filing is None else "备案已提交，正在审核中。"
        )
        return redirect("resumption:filing_edit" if filing is None else "resumption:filing_mine")
    commitment = selectors.commitment_current()
    form = SubmitForm(
        request.POST if request.method == "POST" else None,
        initial={
            "signatory_name": enterprise.legal_rep_name,
            "commitment_version": commitment.version if commitment else "",
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        if commitment is None or form.cleaned_data["commitment_version"] != commitment.version:
            form.add_error(None, "承诺书已更新，请重新阅读下方的承诺书后再提交。")
        else:
            try:
                filing = services.filing_submit(
                    actor=user,
                    filing=filing,
                    commitment=commitment,
                    signatory_name=form.cleaned_data["signatory_name"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                text = (
                    "已备案：条件均已满足，可按计划复工。"
                    if filing.status == FilingStatus.FILED
                    else f"已提交，由{filing.holder_area.name}审核，办理时限 {timezone.localtime(filing.deadline_at):%Y-%m-%d %H:%M}。"
                )
                messages.success(request, text)
                return redirect("resumption:filing_mine")
    if request.method == "POST":
        status = 400
    return render(
        request,
        "resumption/filing_submit.html",
        {
            "enterprise": enterprise,
            "filing": filing,
            "form": form,
            "commitment": commitment,
            "unmet": selectors.unmet_now(filing=filing, assume_signed=True),
            "policy": services.policy_for(filing.category),
            "roster_count": filing.roster.count(),
        },
        status=status,
    )


# --- review -----------------------------------------------------------------------------------------


@capability_required(access.FILING_REVIEW)
@require_GET
def review_queue(request):
    user = request.user
    f = selectors.QueueFilter.from_params(request.GET)
    page = Paginator(selectors.review_queue(user=user, f=f), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "filing": x,
            "parts": selectors.score_parts(x),
            "overdue": selectors.is_overdue(x, now),
            "unmet": len(x.unmet_conditions or []),
        }
        for x in page
    ]
    return render(
        request,
        "resumption/review_queue.html",
        {
            "page": page,
            "rows": rows,
            "f": f,
            "categories": Category.choices,
            "filtered": bool(f.category or f.overdue),
            "weights": selectors.SCORE_PARTS,
            "can_bulk": user.can(access.FILING_BULK),
        },
    )


class ReviewOverdueView(KitView):
    """Overdue filings for the level above, grouped by the unit holding them."""

    capability = access.FILING_OVERSEE
    template_name = "resumption/review_overdue.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        page = Paginator(selectors.overdue_filings(user=user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        groups = selectors.overdue_by_holder(user=user)
        return super().get_context_data(groups=groups, page=page, now=timezone.now(), **kwargs)


def _can_view_filings(user) -> bool:
    return any(user.can(c) for c in (access.FILING_SUBMIT, access.FILING_REVIEW, access.REPORT_MONITOR))


@login_required
@require_http_methods(["GET", "POST"])
def filing_detail(request, pk: int):
    user = request.user
    if not _can_view_filings(user):
        raise PermissionDenied
    filing = selectors.filing_detail(user=user, pk=pk)
    can_decide = selectors.can_decide(user=user, filing=filing)
    form, status = None, 200
    if request.method == "POST":
        if not selectors.in_review_scope(user=user, filing=filing):
            raise PermissionDenied  # a reviewer in scope whom someone beat to it gets the service's message
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                decided = services.filing_decide(actor=user, filing_id=filing.pk, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"已办理：{decided.get_status_display()}。")
                return redirect("resumption:filing_detail", pk=filing.pk)
        status = 400
    elif can_decide:
        form = DecisionForm(initial={"version": filing.version})
    roster = selectors.roster_of(filing=filing)
    return render(
        request,
        "resumption/filing_detail.html",
        {
            "filing": filing,
            "form": form,
            "can_decide": can_decide,
            "unmet_now": selectors.unmet_now(
                filing=filing, assume_signed=filing.status in (FilingStatus.DRAFT, FilingStatus.RETURNED)
            ),
            "conditions": selectors.conditions_checked(filing=filing),
            "parts": selectors.score_parts(filing),
            "overdue": selectors.is_overdue(filing),
            "transitions": selectors.transitions_of(filing=filing),
            "roster": roster[:ROSTER_SHOWN],
            "roster_count": roster.count(),
            "roster_shown": ROSTER_SHOWN,
            "is_own": user.scope_enterprise_id == filing.enterprise_id,
            "can_review": user.can(access.FILING_REVIEW),
        },
        status=status,
    )


# --- bulk filing of individual businesses ----------------------------------------------------------


@capability_required(access.FILING_BULK)
@require_http_methods(["GET", "POST"])
def bulk_filing(request):
    user = request.user
    candidates = selectors.bulk_candidates(user=user)
    form = BulkFilingForm(request.POST if request.method == "POST" else None, candidates=candidates)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                filed = services.individual_bulk_file(
                    actor=user, enterprises=form.cleaned_data["enterprises"], note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已代为备案 {len(filed)} 户，状态均为“已备案”。")
                return redirect("resumption:bulk_filing")
    page = Paginator(candidates, 200).get_page(request.GET.get("page"))
    chosen = {str(v) for v in request.POST.getlist("enterprises")}
    return render(
        request, "resumption/bulk_filing.html", {"form": form, "page": page, "chosen": chosen}, status=status
    )
