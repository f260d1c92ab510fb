"""/api/v1: one NinjaAPI, token or session auth, errors in Chinese.

Every error leaves as JSON with a Chinese ``detail`` (and, for bad input, ``errors`` per field);
nothing reaches the client as a stack trace. The apps add their routers (``fugong/api.py``).
"""

import functools
import json
import logging
import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from .auth import BearerToken, Session

logger = logging.getLogger("fugong.api")

UNAUTHENTICATED = "未登录，或令牌无效、已过期"


class NotAnObject(ValueError):
    pass


class JsonObjectParser(Parser):
    """Request bodies are JSON objects; anything else is refused before validation."""

    def parse_body(self, request):
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise NotAnObject
        return data


KIT_ANSWERS = {  # what the kit itself answers, whatever the operation: documented on every one
    "401": ("ErrorOut", "未登录，或令牌无效、已过期", lambda op: bool(op.get("security"))),
    "403": ("ErrorOut", "无权执行此操作", lambda op: bool(op.get("security"))),
    "404": ("ErrorOut", "未找到（或不在您的管辖范围内）", lambda op: _has_in(op, "path")),
    "422": (
        "ValidationErrorOut",
        "提交的数据有误：errors 按字段列出原因",
        lambda op: bool(op.get("parameters") or op.get("requestBody")),
    ),
}


def _has_in(operation: dict, where: str) -> bool:
    return any(p.get("in") == where for p in operation.get("parameters", []))


class FugongAPI(NinjaAPI):
    """NinjaAPI whose root and unknown paths answer in JSON, not with the site's HTML 404 page, and
    whose document names on every operation the answers the kit gives for any of them (bad input,
    no sign-in, a path id not found), so a client, or a fuzzer, can rely on the documented codes."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.get("components", {}).get("schemas", {})
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, (shape, description, applies) in KIT_ANSWERS.items():
                    if status in responses or not applies(operation):
                        continue
                    responses[status] = {"description": description}
                    if shape in components:
                        ref = {"schema": {"$ref": f"#/components/schemas/{shape}"}}
                        responses[status]["content"] = {"application/json": ref}
        return schema

    def _get_urls(self):
        urls = super()._get_urls()
        urls[-1] = path("", csrf_exempt(api_index), name="api-root")  # replaces ninja's bare 404 root
        urls.append(re_path(r"^.*$", csrf_exempt(unknown_endpoint), name="api-unknown"))
        return urls


def api_index(request):
    return JsonResponse(
        {
            "detail": "fugong 复工 API v1",
            "docs": request.path + "docs",
            "openapi": request.path + "openapi.json",
        },
        json_dumps_params={"ensure_ascii": False},
    )


def unknown_endpoint(request):
    return JsonResponse(
        {"detail": "未找到：没有这个接口，请查看接口文档 /api/v1/docs"},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


def docs_sign_in(view):
    """The docs and the OpenAPI document describe every endpoint: in production only for a signed-in
    caller (a session, or a bearer token for tools fetching the document), unless
    settings.FUGONG_API_DOCS_PUBLIC opens them (development's default). Read at each request."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if settings.FUGONG_API_DOCS_PUBLIC or _signed_in(request):
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse(
                {"detail": UNAUTHENTICATED}, status=401, json_dumps_params={"ensure_ascii": False}
            )
        return redirect_to_login(request.get_full_path())

    return guarded


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        return True
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and BearerToken().authenticate(request, token) is not None


api = FugongAPI(
    title="fugong 复工 API",
    version="1.0.0",
    description=(
        "区县疫情防控与复工复产平台接口。\n\n"
        "**认证**：`POST /api/v1/auth/token` 以用户名和密码换取令牌，之后在请求头中携带 "
        "`Authorization: Bearer <token>`；浏览器中已登录的会话也可直接调用（修改类请求须携带 "
        "`X-CSRFToken`）。\n\n"
        "**范围**：每个接口只返回调用者管辖范围内的数据；范围之外的记录与不存在的记录一样返回 404。\n\n"
        "**错误**：一律返回 JSON，`detail` 为中文说明；提交的数据有误时返回 422，`errors` 按字段列出原因。"
    ),
    auth=[BearerToken(), Session()],
    docs_decorator=docs_sign_in,
    urls_namespace="api-1.0.0",
    parser=JsonObjectParser(),
)

# Pydantic error types → the Chinese message shown for the field.
PYDANTIC_MESSAGES = {
    "missing": "此字段为必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "string_type": "应为文本",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than": "数值过大",
    "less_than_equal": "数值过大",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "too_long": "条目过多",
    "too_short": "条目过少",
    "enum": "不是有效的选项",
    "literal_error": "不是有效的选项",
    "list_type": "应为列表",
    "date_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式不正确，应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "json_invalid": "请求内容不是有效的 JSON",
    "json_type": "请求内容不是有效的 JSON",
    "model_attributes_type": "请求内容格式不正确",
    "model_type": "请求内容格式不正确",
    "dict_type": "请求内容格式不正确",
    "extra_forbidden": "不支持此字段",
    "finite_number": "应为有限的数字（不接受 NaN 或 Infinity）",
}


UNION_MEMBER = re.compile(r"^(float|int|str|bool|none|decimal|date|datetime|uuid|[a-z-]+\[.*\])$")


def _field_name(loc) -> str:
    # ("body", "payload", "name") → "name": the source, then the parameter's name, are dropped; a field
    # that is itself called "body" or "path" (a notice's body) keeps its name.
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "file", "header", "cookie"):
        parts = parts[1:]
    if parts and parts[0] in ("payload", "filters", "paging"):
        parts = parts[1:]
    # The members of a union (``float | str``) are named in the location: the field is the field.
    parts = [p for p in parts if not UNION_MEMBER.match(p)]
    return ".".join(parts) or "__all__"


def _message(err: dict) -> str:
    kind = err.get("type", "")
    if kind == "value_error":  # our own validators raise ValueError with a Chinese message
        error = (err.get("ctx") or {}).get("error")
        if error:
            return str(error)
    return PYDANTIC_MESSAGES.get(kind, "格式不正确")


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        field = _field_name(err.get("loc", ()))
        if err.get("type") in ("json_invalid", "model_attributes_type", "dict_type", "model_type"):
            field = "__all__"
        message = _message(err)
        if field == "__all__" and err.get("type") == "missing":
            message = "请求内容为空，应为 JSON 对象"
        if message not in errors.setdefault(field, []):
            errors[field].append(message)
    return _invalid(request, errors)


@api.exception_handler(DjangoValidationError)
def django_validation_error(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return _invalid(request, errors)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(request, {"detail": UNAUTHENTICATED}, status=401)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权执行此操作"}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "未找到"}, status=404)


def _invalid(request, errors: dict[str, list[str]]):
    return api.create_response(request, {"detail": "提交的数据有误", "errors": errors}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # ninja turns a body it cannot parse into a 400 in English; the cause tells us what it was.
    if isinstance(exc.__cause__, NotAnObject):
        return _invalid(request, {"__all__": ['请求内容应为 JSON 对象，形如 {"字段": 值}']})
    if isinstance(exc.__cause__, ValueError):  # JSONDecodeError, UnicodeDecodeError
        return _invalid(request, {"__all__": [PYDANTIC_MESSAGES["json_invalid"]]})
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(OverflowError)
def overflow(request, exc):
    # A number past what a date or an SQLite integer holds: the caller's input, not our crash.
    return _invalid(request, {"__all__": ["提交的数值超出允许范围"]})


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    # Logged with the request id only: the body may carry personal data, the traceback stays here.
    logger.exception("API error %s %s (request %s)", request.method, request.path, getattr(request, "id", ""))
    return api.create_response(
        request,
        {
            "detail": "服务器内部错误，请稍后重试；如持续出现请联系管理员",
            "request_id": getattr(request, "id", ""),
        },
        status=500,
    )
