"""/api/v1/auth: tokens for devices and integrations, and who the caller is."""

from datetime import datetime

from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from fugong.core.access import CAPABILITIES, Role, scope_kind
from fugong.core.api import ErrorOut

from .models import ApiToken, User, hash_token
from .services import LoginError, token_issue

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    scope_kind: str
    scope_code: str | None
    scope_label: str
    capabilities: list[str]


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut},
    summary="以用户名和密码换取接口令牌",
    description="连续失败达到上限（默认 5 次）后账号锁定一段时间，锁定期间即使密码正确也不签发令牌。"
    "令牌只在此时返回一次，服务器只保存其摘要。",
)
def issue_token(request, payload: TokenIn):
    try:
        raw, token = token_issue(username=payload.username.strip(), password=payload.password)
    except LoginError as exc:
        raise HttpError(401, exc.message) from None
    return {"token": raw, "expires_at": timezone.localtime(token.expires_at)}


@router.delete(
    "/token",
    response={204: None, 400: ErrorOut, 401: ErrorOut},
    summary="注销当前令牌",
    description="使本次请求所用的令牌立即失效；以浏览器会话调用时无令牌可注销，返回 400。",
)
def revoke_token(request):
    raw = getattr(request, "api_token", None)
    if raw is None:
        raise HttpError(400, "当前请求未使用令牌认证，无令牌可注销")
    ApiToken.objects.filter(user=request.user, key_hash=hash_token(raw)).delete()
    return Status(204, None)


def _scope_code(user: User) -> str | None:
    if user.scope_enterprise_id:
        return user.scope_enterprise.credit_code
    if user.scope_area_id:
        return user.scope_area.code
    return None


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="当前用户、角色与管辖范围")
def me(request):
    user = User.objects.select_related("scope_area", "scope_enterprise").get(pk=request.user.pk)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "role_label": str(Role(user.role).label),
        "scope_kind": str(scope_kind(user.role)),
        "scope_code": _scope_code(user),
        "scope_label": user.scope_label,
        "capabilities": sorted(CAPABILITIES.get(user.role, ())),
    }
