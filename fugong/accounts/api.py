"""/api/v1/auth: tokens for devices and integrations, who the caller is, one's password and the users
one manages (the same services and forms as the pages)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from fugong.core.access import CAPABILITIES, USER_MANAGE, Role, scope_kind
from fugong.core.api import ErrorOut, In, ValidationErrorOut, api, paginate, require
from fugong.core.masking import mask_phone
from fugong.core.throttle import client_key, with_retry_after

from . import selectors, services
from .forms import SERVICE_FIELD_MAP, UserCreateForm, UserEditForm
from .models import ApiToken, User, hash_token
from .selectors import UserStatus
from .services import LoginError, LoginThrottled, token_issue

router = Router(tags=["认证"])


class TokenIn(In):
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
    response={200: TokenOut, 401: ErrorOut, 429: ErrorOut},
    summary="以用户名和密码换取接口令牌",
    description="同一客户端对同一用户名连续失败达到上限（默认 15 分钟内 5 次），或同一客户端的失败总数达到上限后，"
    "该客户端须等待一段时间（429，`Retry-After` 为秒数），期间即使密码正确也不签发令牌；"
    "其他客户端不受影响。用户名不存在与密码错误的回答相同。令牌只在此时返回一次，服务器只保存其摘要。",
)
def issue_token(request, payload: TokenIn):
    try:
        raw, token = token_issue(
            username=payload.username.strip(), password=payload.password, client=client_key(request)
        )
    except LoginThrottled as exc:
        response = api.create_response(request, {"detail": exc.message}, status=429)
        return with_retry_after(response, exc.seconds)
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
        raise HttpError(400, _("当前请求未使用令牌认证，无令牌可注销"))
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


# --- one's own password, and the users one manages: the same services as the pages -------------------


class PasswordChangeIn(In):
    old_password: str = Field(..., min_length=1, max_length=128)
    new_password: str = Field(..., min_length=1, max_length=128)


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    phone: str = Field(description="脱敏显示")
    role: str
    role_label: str
    scope_code: str | None
    scope_label: str
    department_code: str | None
    is_active: bool
    status: str


class UserPage(Schema):
    items: list[UserOut]
    count: int


class UserQuery(In):
    q: str = Field("", max_length=64, description="用户名或姓名")
    role: Role | None = None
    status: UserStatus | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=500)


SCOPE_CODE_HELP = (
    "区划类角色填区划编码，企业角色填所属企业的统一社会信用代码，系统管理员不填；"
    "只能填写调用者管辖范围内的编码，范围之外的与不存在的编码得到同样的回答"
)


class UserIn(In):
    username: str = Field(..., min_length=1, max_length=150)
    full_name: str = Field(..., min_length=1, max_length=64)
    phone: str = Field("", max_length=20)
    role: str = Field(..., max_length=32)
    scope_code: str = Field("", max_length=32, description=SCOPE_CODE_HELP)
    department_code: str | None = Field(None, max_length=32, description="部门人员必填")
    password: str = Field(..., min_length=1, max_length=128, description="初始密码；不会出现在任何回答中")


class UserPatch(In):
    """Only the fields given change."""

    full_name: str | None = Field(None, min_length=1, max_length=64)
    phone: str | None = Field(None, max_length=20)
    role: str | None = Field(None, max_length=32)
    scope_code: str | None = Field(None, max_length=32, description=SCOPE_CODE_HELP)
    department_code: str | None = Field(None, max_length=32)


class ActiveIn(In):
    active: bool


class PasswordResetIn(In):
    password: str | None = Field(
        None, min_length=1, max_length=128, description="新密码；不填则由系统生成，并只在本次回答中出现一次"
    )


class PasswordResetOut(Schema):
    generated_password: str | None = Field(
        description="系统生成的新密码（仅此一次显示，服务器不保存明文）；调用者自己给出密码时为 null"
    )


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
# The form's field names → the API's.
API_FIELD = {"department": "department_code", "confirm_password": "password"}


def _user_out(user: User) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "phone": mask_phone(user.phone),
        "role": user.role,
        "role_label": str(Role(user.role).label),
        "scope_code": selectors.scope_code_of(user) or None,
        "scope_label": user.scope_label,
        "department_code": user.department.code if user.department_id else None,
        "is_active": user.is_active,
        "status": str(selectors.user_status(user)),
    }


def _form_data(actor: User, fields: dict) -> dict:
    """The API's fields as the page form's: a department by its code, looked up in the actor's scope."""
    data = {k: v for k, v in fields.items() if k != "department_code" and v is not None}
    code = (fields.get("department_code") or "").strip()
    if code:
        department = selectors.department_queryset(actor=actor).filter(code=code).first()
        if department is None:
            raise ValidationError({"department_code": [_("部门不存在或不在您的管辖范围内")]})
        data["department"] = department.pk
    return data


def _valid(form):
    """The page's form validates the API's input too; its errors come back as a 422 by field."""
    if not form.is_valid():
        raise ValidationError(
            {API_FIELD.get(name, name): [str(m) for m in errors] for name, errors in form.errors.items()}
        )
    return form


def _call(service, default: str = "__all__", **kwargs):
    """A service's ValidationError names the model's fields; the API names the scope by its code.
    Messages naming no field go on ``default``."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise ValidationError({default: exc.messages}) from None
        errors: dict[str, list[str]] = {}
        for name, messages in exc.message_dict.items():
            errors.setdefault(SERVICE_FIELD_MAP.get(name, API_FIELD.get(name, name)), []).extend(messages)
        raise ValidationError(errors) from None


def _managed(request, user_id: int) -> User:
    require(request.user, USER_MANAGE)
    return selectors.user_get(actor=request.user, pk=user_id)  # out of scope is a 404, like a missing one


@router.post(
    "/password",
    response={204: None, **ERRORS},
    summary="修改自己的密码",
    description="须给出原密码；新密码按密码规则校验。两者都不会出现在回答中。"
    "修改成功后该用户的全部接口令牌（包括本次请求所用的）立即作废，须以新密码重新换取。",
)
def change_password(request, payload: PasswordChangeIn):
    services.password_change(
        user=request.user, old_password=payload.old_password, new_password=payload.new_password
    )
    return Status(204, None)


@router.get("/users", response={200: UserPage, **ERRORS}, summary="我管理的用户")
def list_users(request, filters: Query[UserQuery]):
    require(request.user, USER_MANAGE)
    users = selectors.user_search(
        actor=request.user, q=filters.q, role=filters.role or "", status=filters.status or ""
    )
    rows, count = paginate(users.order_by("pk"), filters.page, filters.page_size)
    return {"items": [_user_out(u) for u in rows], "count": count}


@router.get("/users/{int:user_id}", response={200: UserOut, **ERRORS}, summary="我管理的一个用户")
def get_user(request, user_id: int):
    return _user_out(_managed(request, user_id))


@router.post(
    "/users",
    response={201: UserOut, **ERRORS},
    summary="新建用户（只能授予自己范围内的角色与范围）",
    description="角色须是调用者可授予的角色，范围须在调用者的范围之内。初始密码不会出现在回答中。",
)
def create_user(request, payload: UserIn):
    require(request.user, USER_MANAGE)
    data = _form_data(request.user, payload.dict())
    form = _valid(UserCreateForm({**data, "confirm_password": payload.password}, user=request.user))
    user = _call(services.user_create, actor=request.user, **form.service_kwargs())
    return Status(201, _user_out(user))


@router.patch("/users/{int:user_id}", response={200: UserOut, **ERRORS}, summary="修改用户的资料、角色或范围")
def update_user(request, user_id: int, payload: UserPatch):
    user = _managed(request, user_id)
    current = UserEditForm.initial_for(user)
    current["department_code"] = user.department.code if user.department_id else None
    current.pop("department")
    merged = _form_data(request.user, {**current, **payload.dict(exclude_unset=True)})
    form = _valid(UserEditForm(merged, user=request.user))
    user = _call(services.user_update, actor=request.user, user=user, **form.changes(user))
    return _user_out(user)


@router.post(
    "/users/{int:user_id}/active",
    response={200: UserOut, **ERRORS},
    summary="启用或停用账号",
    description="停用后其接口令牌立即作废；不能停用或启用自己。",
)
def set_user_active(request, user_id: int, payload: ActiveIn):
    user = _managed(request, user_id)
    return _user_out(_call(services.user_set_active, actor=request.user, user=user, active=payload.active))


@router.post(
    "/users/{int:user_id}/unlock",
    response={200: UserOut, **ERRORS},
    summary="解除登录锁定",
    description="该用户名在所有客户端的登录失败计数清零，并解除管理员设置的锁定。",
)
def unlock_user(request, user_id: int):
    user = _managed(request, user_id)
    return _user_out(services.user_unlock(actor=request.user, user=user))


@router.post(
    "/users/{int:user_id}/password",
    response={200: PasswordResetOut, **ERRORS},
    summary="重置用户的密码",
    description="同时解除锁定（各客户端的登录失败计数清零）、作废其全部接口令牌。给出的密码不会回显；不给出时由系统生成，只在本次回答中出现。",
)
def reset_user_password(request, user_id: int, payload: PasswordResetIn):
    user = _managed(request, user_id)
    password = payload.password or services.generate_password()
    _call(services.user_reset_password, "password", actor=request.user, user=user, password=password)
    return {"generated_password": None if payload.password else password}
