"""/api/v1/filings/settings: the district's configuration of 复工备案 — the mode and review clock per
category, the dated conditions, the commitment text — through the settings page's forms and services.

Only the district's system administrator configures (403 for everyone else); bad input is a 422 with
the page's Chinese messages per field; a condition that does not exist is a 404.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from fugong.core import access
from fugong.core.api import ErrorOut, In, ValidationErrorOut
from fugong.enterprises.choices import Category

from .. import services
from ..forms.filings import CommitmentForm, ConditionAddForm, ConditionEndForm, PolicyForm
from ..selectors import filings as selectors

router = Router(tags=["复工条件与方式"])


class PolicyOut(Schema):
    category: str
    category_label: str
    mode: str = Field(description="filing 备案即复工 / review 审核后复工")
    mode_label: str
    review_working_days: int = Field(description="审核时限（工作日）")


class ConditionOut(Schema):
    id: int
    code: str
    title: str
    rule: str
    threshold: int | None
    categories: list[str] = Field(description="适用类别；空表示全部类别")
    legal_basis: str
    effective_from: dt.date
    effective_to: dt.date | None
    sort_order: int
    state: str = Field(description="active 生效中 / future 待生效 / ended 已失效（按今天）")


class CommitmentOut(Schema):
    version: str
    text: str
    effective_from: dt.date


class SettingsOut(Schema):
    policies: list[PolicyOut]
    conditions: list[ConditionOut] = Field(description="每个条件的全部版本")
    commitments: list[CommitmentOut] = Field(description="承诺书各版本，最新的在前")
    commitment_current: str | None = Field(description="今天生效的承诺书版本号")


class PolicyIn(In):
    mode: str = Field("", description="filing / review")
    review_working_days: int | None = Field(None, description="1–15 个工作日")


class ConditionIn(In):
    code: str = Field("", description="与已有条件相同的编码即为该条件的新版本")
    title: str = ""
    rule: str = ""
    threshold: int | None = None
    categories: list[str] = Field(default_factory=list)
    legal_basis: str = ""
    effective_from: dt.date | None = Field(None, description="不早于今天")


class ConditionEndIn(In):
    effective_to: dt.date | None = Field(None, description="最后适用的一天，不早于今天")


class CommitmentIn(In):
    version: str = ""
    text: str = ""
    effective_from: dt.date | None = Field(None, description="不早于今天")


def _configurer(request):
    if not request.user.can(access.RESUMPTION_CONFIGURE):
        raise PermissionDenied(_("只有区级系统管理员可以调整复工条件与方式"))
    return request.user


def _valid(form) -> dict:
    """The page's form checks the body, so the API refuses what the page refuses, in its words."""
    if not form.is_valid():
        raise ValidationError({name: [str(m) for m in msgs] for name, msgs in form.errors.items()})
    return form.cleaned_data


def _policy(p) -> dict:
    return {
        "category": p.category,
        "category_label": str(Category(p.category).label),
        "mode": p.mode,
        "mode_label": str(p.get_mode_display()),
        "review_working_days": p.review_working_days,
    }


def _state(c) -> str:
    today = timezone.localdate()
    if c.effective_from > today:
        return "future"
    return "ended" if c.effective_to is not None and c.effective_to < today else "active"


def _condition(c, state: str | None = None) -> dict:
    fields = ["code", "title", "rule", "threshold", "legal_basis", "effective_from", "effective_to"]
    return {
        "id": c.pk,
        **{name: getattr(c, name) for name in fields},
        "categories": list(c.categories or []),
        "sort_order": c.sort_order,
        "state": state or _state(c),
    }


def _settings() -> dict:
    current = selectors.commitment_current()
    return {
        "policies": [_policy(p) for p in selectors.policies()],
        "conditions": [
            _condition(row["condition"], row["state"])
            for row in selectors.conditions_overview(on=timezone.localdate())
        ],
        "commitments": [
            {"version": c.version, "text": c.text, "effective_from": c.effective_from}
            for c in selectors.commitment_versions()
        ],
        "commitment_current": current.version if current else None,
    }


@router.get(
    "",
    response={200: SettingsOut, 403: ErrorOut},
    summary="复工方式、复工条件与承诺书（区级配置）",
)
def resumption_settings(request):
    _configurer(request)
    return _settings()


@router.put(
    "/policies/{category}",
    response={200: PolicyOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="设置某类企业的复工方式与审核时限",
    description="已提交的备案保留提交时的方式与办理时限。",
)
def update_policy(request, category: str, payload: PolicyIn):
    user = _configurer(request)
    if category not in Category.values:
        raise ValidationError({"category": [_("不是有效的企业类别")]})
    data = _valid(PolicyForm(payload.dict()))
    return _policy(services.policy_update(actor=user, category=category, **data))


@router.post(
    "/conditions",
    response={201: ConditionOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="新增复工条件，或某条件的新版本",
    description="编码与已有条件相同即为新版本：旧版本于新版本生效的前一天失效，已生效的条件不追溯修改。",
)
def add_condition(request, payload: ConditionIn):
    user = _configurer(request)
    data = _valid(ConditionAddForm(payload.dict()))
    condition = services.condition_add(actor=user, **data)
    return Status(201, _condition(condition))


@router.post(
    "/conditions/{int:id}/end",
    response={200: ConditionOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="设定复工条件的失效日期",
)
def end_condition(request, id: int, payload: ConditionEndIn):
    user = _configurer(request)
    if not selectors.condition_exists(pk=id):
        raise Http404
    data = _valid(ConditionEndForm({"condition_id": id, **payload.dict()}))
    condition = services.condition_end(actor=user, **data)
    return _condition(condition)


@router.post(
    "/commitments",
    response={201: CommitmentOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="发布新版承诺书",
    description="已提交的备案保留签署时的版本。",
)
def publish_commitment(request, payload: CommitmentIn):
    user = _configurer(request)
    data = _valid(CommitmentForm(payload.dict()))
    c = services.commitment_publish(actor=user, **data)
    return Status(201, {"version": c.version, "text": c.text, "effective_from": c.effective_from})
