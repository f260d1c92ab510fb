"""/api/v1/supervision/settings: the checklist and the escalation window, with the settings page's
services (district system administrators only)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from fugong.core import access
from fugong.core.api import In

from .. import rules, selectors, services
from ..services.config import DENIED
from .base import ERRORS

router = Router()  # tagged where fugong.supervision.api gathers the parts


class ChecklistItemOut(Schema):
    id: int
    code: str
    title: str
    effective_from: dt.date
    effective_to: dt.date | None
    sort_order: int


class SettingsOut(Schema):
    window_days: int
    checklist: list[ChecklistItemOut] = Field(description="今天生效的检查项")


class WindowIn(In):
    window_days: int = Field(..., ge=1, le=3650, description="违规累计期限（天）")


class ChecklistItemIn(In):
    code: str = Field(..., min_length=1, max_length=32, pattern=r"^[-a-zA-Z0-9_]+$")
    title: str = Field(..., min_length=1, max_length=100)
    effective_from: dt.date | None = Field(None, description="生效日期，默认今天")
    sort_order: int | None = Field(None, ge=0)


class ChecklistEndIn(In):
    last_day: dt.date | None = Field(None, description="最后使用的一天，默认今天")


def _configurer(user) -> None:
    if not user.can(access.SUPERVISION_CONFIGURE):
        raise PermissionDenied(DENIED)


def _item(i) -> dict:
    return {
        "id": i.pk,
        "code": i.code,
        "title": i.title,
        "effective_from": i.effective_from,
        "effective_to": i.effective_to,
        "sort_order": i.sort_order,
    }


def _settings() -> dict:
    return {
        "window_days": rules.window_days(),
        "checklist": [_item(i) for i in selectors.checklist()],
    }


@router.get("/settings", response={200: SettingsOut, **ERRORS}, summary="检查清单与违规累计期限")
def get_settings(request):
    _configurer(request.user)
    return _settings()


@router.put(
    "/settings/window",
    response={200: SettingsOut, **ERRORS},
    summary="设置违规累计期限",
    description="在此期限内累计的违规计入升级处理。",
)
def update_window(request, payload: WindowIn):
    _configurer(request.user)
    services.window_update(actor=request.user, window_days=payload.window_days)
    return _settings()


@router.post(
    "/settings/checklist",
    response={201: ChecklistItemOut, **ERRORS},
    summary="新增检查项（或同一编码的新版本）",
    description="同一编码再次添加即为新版本：旧版本在新版本生效前一天停用，已有检查记录保留原措辞。",
)
def add_checklist_item(request, payload: ChecklistItemIn):
    _configurer(request.user)
    item = services.checklist_item_add(
        actor=request.user,
        code=payload.code,
        title=payload.title,
        effective_from=payload.effective_from or timezone.localdate(),
        sort_order=payload.sort_order,
    )
    return Status(201, _item(item))


@router.post(
    "/settings/checklist/{int:item_id}/end",
    response={200: ChecklistItemOut, **ERRORS},
    summary="停用检查项",
    description="检查项不会删除（已有检查记录引用它），只在 `last_day` 之后不再使用。",
)
def end_checklist_item(request, item_id: int, payload: ChecklistEndIn):
    _configurer(request.user)
    item = services.checklist_item_end(
        actor=request.user, item_id=item_id, last_day=payload.last_day or timezone.localdate()
    )
    return _item(item)
