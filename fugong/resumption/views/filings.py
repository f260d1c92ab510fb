"""Pages of 复工备案 + 承诺书 for the enterprise: its own filing, the form with the roster, the roster
template and the signed submission (the review is in ``reviews``, the settings in ``settings``).

Each view is a kit class (fugong/core/web): it holds its capability (403), reads through
``selectors.filings`` (out of scope is a 404) and leaves every write to the services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property

from fugong.core import access
from fugong.core.web.views import KitView, ServiceFormView
from fugong.core.xlsx import SheetError, template_response

from .. import services
from ..choices import FilingStatus
from ..forms.filings import (
    ROSTER_COLUMNS,
    ROSTER_INLINE_MAX,
    FilingForm,
    NewFormSet,
    RosterUploadForm,
    StaffFormSet,
    SubmitForm,
    form_sections,
    roster_from_xlsx,
)
from ..selectors import filings as selectors
from .base import DownloadView

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


class OwnEnterpriseMixin:
    """The enterprise of the signed-in admin (403 for an account that has none)."""

    @cached_property
    def enterprise(self):
        return _own_enterprise(self.request.user)


class FilingMineView(OwnEnterpriseMixin, KitView):
    """The enterprise's filing now (open, or the last one), its conditions, state and history."""

    capability = access.FILING_SUBMIT
    template_name = "resumption/filing_mine.html"

    def get_context_data(self, **kwargs):
        enterprise = self.enterprise
        open_ = selectors.open_filing(enterprise=enterprise)
        filings = list(selectors.filings_of(enterprise=enterprise))
        current = open_ or (filings[0] if filings else None)
        status = selectors.status_of(enterprise=enterprise)
        finished = any(f.status in selectors.FINISHED_FILING for f in filings)
        return super().get_context_data(
            enterprise=enterprise,
            current=current,
            unmet=_unmet(current),
            status=status,
            status_history=selectors.status_history(enterprise=enterprise)[:50],
            transitions=selectors.transitions_of(filing=current) if current else [],
            earlier=[f for f in filings if f != current],
            can_edit=open_ is not None and open_.status in (FilingStatus.DRAFT, FilingStatus.RETURNED),
            can_start=open_ is None and not finished and (status is None or status.state == "not_resumed"),
            overdue=current is not None and selectors.is_overdue(current),
            policy=services.policy_for(enterprise.category),
            **kwargs,
        )


def _unmet(current) -> list:
    """The conditions not met: as of now for a filing still being written, as decided otherwise."""
    if current is None:
        return []
    if current.status in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        return [u.as_dict() for u in selectors.unmet_now(filing=current, assume_signed=True)]
    return current.unmet_conditions


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


def _read_upload(upload) -> tuple[list[dict], list]:
    """The rows of the uploaded roster and the errors of its rows; an unreadable file is the upload
    field's error."""
    try:
        return roster_from_xlsx(upload.cleaned_data["roster_file"])
    except SheetError as exc:
        upload.add_error("roster_file", exc.message)
        return [], []


class FilingEditView(OwnEnterpriseMixin, KitView):
    """The filing form with the roster: known staff inline (or carried over when there are too many),
    new rows and an Excel upload; saved through ``services.filing_fill``, then on to submitting."""

    capability = access.FILING_SUBMIT
    template_name = "resumption/filing_edit.html"

    @cached_property
    def filing(self):
        return selectors.open_filing(enterprise=self.enterprise)

    def closed(self):
        """Back to the filing page when there is nothing to edit: submitted, or filed already."""
        if self.filing is not None and self.filing.status == FilingStatus.SUBMITTED:
            messages.info(self.request, "备案已提交，正在审核中，暂不能修改。")
            return redirect("resumption:filing_mine")
        if self.filing is None and selectors.has_finished_filing(enterprise=self.enterprise):
            messages.info(self.request, "本企业已备案或已批准复工，无需再次备案。")
            return redirect("resumption:filing_mine")
        return None

    def get(self, request, *args, **kwargs):
        return self.closed() or self.page(self.get_forms(None))

    def post(self, request, *args, **kwargs):
        if closed := self.closed():
            return closed
        forms = self.get_forms(request.POST)
        saved = self.save(forms)
        if saved is None:
            return self.page(forms, status=400)
        messages.success(request, f"复工备案已保存，名单共 {saved} 人。请核对条件并签署承诺书后提交。")
        return redirect("resumption:filing_submit")

    def get_forms(self, post) -> dict:
        request, enterprise, filing = self.request, self.enterprise, self.filing
        large = selectors.roster_size(enterprise=enterprise, filing=filing) > ROSTER_INLINE_MAX
        return {
            "form": FilingForm(post, initial=selectors.form_initial(enterprise=enterprise, filing=filing)),
            "staff": StaffFormSet(prefix="staff") if large else _staff_rows(request, enterprise, filing),
            "new": NewFormSet(post, prefix="new"),
            "upload": RosterUploadForm(post, request.FILES or None),
            "row_errors": [],
            "large": large,
        }

    def save(self, forms: dict) -> int | None:
        """Validate every part, read the upload, call the service: the roster's size once saved."""
        form, staff, new, upload = forms["form"], forms["staff"], forms["new"], forms["upload"]
        valid = all([form.is_valid(), forms["large"] or staff.is_valid(), new.is_valid(), upload.is_valid()])
        upload_rows = []
        if valid and upload.cleaned_data.get("roster_file"):
            upload_rows, errors = _read_upload(upload)
            forms["row_errors"] += [str(e) for e in errors]
            valid = not errors and not upload.errors
        if not valid:
            return None
        carried = (
            selectors.roster_prefill(enterprise=self.enterprise, filing=self.filing) if forms["large"] else []
        )
        roster, where = _roster_input(staff, new, upload_rows, upload.cleaned_data.get("replace"), carried)
        try:
            services.filing_fill(
                actor=self.request.user, enterprise=self.enterprise, roster=roster, **form.service_fields()
            )
        except ValidationError as exc:
            rows, rest = _split_roster_errors(exc, where)
            forms["row_errors"] += rows
            form.add_service_errors(rest)
            return None
        return len(roster)

    def page(self, forms: dict, status: int = 200):
        enterprise, filing, large = self.enterprise, self.filing, forms["large"]
        context = self.get_context_data(
            enterprise=enterprise,
            filing=filing,
            sections=form_sections(forms["form"]),
            carried_count=selectors.roster_size(enterprise=enterprise, filing=filing) if large else 0,
            columns=ROSTER_COLUMNS,
            **forms,
        )
        return self.render_to_response(context, status=status)


class RosterTemplateView(DownloadView):
    capability = access.FILING_SUBMIT

    def download(self):
        return template_response(ROSTER_COLUMNS, filename="复工人员名单模板.xlsx", title="复工人员名单")


class FilingSubmitView(OwnEnterpriseMixin, ServiceFormView):
    """The commitment (承诺书) read and signed: the filing goes to review, or is filed at once when
    its category only files. A commitment published meanwhile must be read again."""

    capability = access.FILING_SUBMIT
    form_class = SubmitForm
    template_name = "resumption/filing_submit.html"

    @cached_property
    def filing(self):
        return selectors.open_filing(enterprise=self.enterprise)

    @cached_property
    def commitment(self):
        return selectors.commitment_current()

    def closed(self):
        """Nothing to submit: to the form when there is no filing, to the filing page when submitted."""
        filing = self.filing
        if filing is not None and filing.status in (FilingStatus.DRAFT, FilingStatus.RETURNED):
            return None
        messages.info(
            self.request,
            "没有待提交的备案，请先填写复工备案。" if filing is None else "备案已提交，正在审核中。",
        )
        return redirect("resumption:filing_edit" if filing is None else "resumption:filing_mine")

    def get(self, request, *args, **kwargs):
        return self.closed() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.closed() or super().post(request, *args, **kwargs)

    def get_initial(self) -> dict:
        commitment = self.commitment
        return {
            "signatory_name": self.enterprise.legal_rep_name,
            "commitment_version": commitment.version if commitment else "",
        }

    def perform(self, form):
        commitment = self.commitment
        if commitment is None or form.cleaned_data["commitment_version"] != commitment.version:
            raise ValidationError("承诺书已更新，请重新阅读下方的承诺书后再提交。")
        self.submitted = services.filing_submit(
            actor=self.request.user,
            filing=self.filing,
            commitment=commitment,
            signatory_name=form.cleaned_data["signatory_name"],
        )
        return self.submitted

    @property
    def success_message(self):
        filing = self.submitted
        if filing.status == FilingStatus.FILED:
            return "已备案：条件均已满足，可按计划复工。"
        deadline = timezone.localtime(filing.deadline_at)
        return f"已提交，由{filing.holder_area.name}审核，办理时限 {deadline:%Y-%m-%d %H:%M}。"

    def get_success_url(self, filing) -> str:
        return "resumption:filing_mine"

    def get_context_data(self, **kwargs):
        filing = self.filing
        return super().get_context_data(
            enterprise=self.enterprise,
            filing=filing,
            commitment=self.commitment,
            unmet=selectors.unmet_now(filing=filing, assume_signed=True),
            policy=services.policy_for(filing.category),
            roster_count=filing.roster.count(),
            **kwargs,
        )
