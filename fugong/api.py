"""/api/v1: one NinjaAPI, token or session auth, errors in Chinese."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from fugong.accounts.services import token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class Session(APIKeyCookie):
    """The browser's session; unsafe methods also need the CSRF token (checked by APIKeyCookie)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


api = NinjaAPI(
    title="fugong 复工 API",
    version="1.0.0",
    description="区县疫情防控与复工复产平台接口。认证：POST /api/v1/auth/token 获取令牌，"
    "之后在请求头中携带 `Authorization: Bearer <token>`。",
    auth=[BearerToken(), Session()],
    urls_namespace="api-1.0.0",
)

PYDANTIC_MESSAGES = {
    "missing": "此字段为必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "string_type": "应为文本",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "string_too_long": "内容过长",
    "json_invalid": "请求内容不是有效的 JSON",
    "model_attributes_type": "请求内容格式不正确",
    "dict_type": "请求内容格式不正确",
}


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        message = PYDANTIC_MESSAGES.get(err.get("type", ""), "格式不正确")
        errors.setdefault(_field_name(err.get("loc", ())), []).append(message)
    return api.create_response(request, {"detail": "提交的数据有误", "errors": errors}, status=422)


@api.exception_handler(DjangoValidationError)
def django_validation_error(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return api.create_response(request, {"detail": "提交的数据有误", "errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(request, {"detail": "未登录，或令牌无效、已过期"}, status=401)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权执行此操作"}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "未找到"}, status=404)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def register_routers() -> None:
    from fugong.accounts.api import router as accounts_router
    from fugong.areas.api import router as areas_router
    from fugong.enterprises.api import router as enterprises_router

    api.add_router("/auth", accounts_router)
    api.add_router("/areas", areas_router)
    api.add_router("/enterprises", enterprises_router)


register_routers()
