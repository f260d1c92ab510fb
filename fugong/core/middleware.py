import functools
import json
import logging
import re
import time
import uuid
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .context import request_id_var
from .text import HARD_CAP, describe, first_dangerous

logger = logging.getLogger("fugong.request")
SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (kept in audit entries) and log one line without personal data.

    Only method, path (no query string: it may carry names or phone numbers), status and time are
    logged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        logger.info(
            "%s %s %s %s %.1fms",
            request.id,
            request.method,
            request.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response


class ChosenLanguageMiddleware:
    """Simplified Chinese unless the user chose another language with the switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; officials on a borrowed
    English-language browser must still get the Chinese platform.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, except that a background poll is not activity.

    Sessions slide (SESSION_SAVE_EVERY_REQUEST): each request renews the idle timeout. A page that
    polls in the background (the menu's live badges) would otherwise keep a session alive for as long
    as the page stays open on an unattended screen. A view marked with ``background_poll`` reads the
    session but neither saves nor renews it.
    """

    def process_response(self, request, response):
        if getattr(request, "background_poll", False):
            return response
        return super().process_response(request, response)


def background_poll(view):
    """Mark a view as a background poll (see SessionMiddleware)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.background_poll = True
        return view(request, *args, **kwargs)

    return wrapper


class HtmxSignInMiddleware:
    """An HTMX request whose session has ended is sent to the sign-in page as a whole page.

    Without this, ``login_required`` answers an HTMX request with a redirect that the browser follows
    inside the request, and the sign-in page is swapped into the fragment (the live alert list would
    show a login form among its cards and stop updating without saying so). The redirect becomes
    ``HX-Redirect`` to the sign-in page, returning to the page the user was on. Background polls are
    left alone: they must not pull the page away from someone typing in a form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 302
            and request.headers.get("HX-Request") == "true"
            and not getattr(request, "background_poll", False)
            and response["Location"].split("?", 1)[0] == resolve_url(settings.LOGIN_URL)
        ):
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            back = current.path + (f"?{current.query}" if current.query else "")
            if not back or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = "/"
            login = HttpResponse(status=200)
            login["HX-Redirect"] = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}"
            return login
        return response


INT64 = (-(2**63), 2**63 - 1)
ID_KWARG = re.compile(r"^(pk|id|.*_id|.*_pk)$")


class RequestGuardMiddleware:
    """Refuse, before any view, what no field of any form or schema may carry (the fields' own text
    policy, ``core.text``, does the rest): NUL and other control characters, direction overrides and
    lone surrogates in the path, in a query or form parameter or in a JSON string; a parameter longer
    than ``text.HARD_CAP``; a body over DATA_UPLOAD_MAX_MEMORY_SIZE (413) or with too many fields
    (400). Path ids past 64 bits are not found (SQLite cannot even compare them). Pages answer with a
    Chinese page, /api/ with JSON. A password's content is never shown, only refused.

    Plain Django forms are covered too; ninja would otherwise turn RequestDataTooBig into a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            problem = self.problem(request)
        except RequestDataTooBig:
            return self.refuse(
                request,
                413,
                _("提交的内容过大（超过%(mb)d MB），请减少内容或分批提交")
                % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)},
            )
        except (TooManyFieldsSent, TooManyFilesSent):
            return self.refuse(request, 400, _("提交的字段或文件过多，请分批提交"))
        if problem:
            return self.refuse(request, 422 if is_api(request) else 400, problem[1], field=problem[0])
        return self.get_response(request)

    def problem(self, request) -> tuple[str, str] | None:
        """``(parameter, message)`` of the first refused parameter, or None."""
        found = check_value(_("地址"), request.path)
        for name, value in self.parameters(request):
            found = found or check_value(name, name) or check_value(name, value)
        return found

    def parameters(self, request):
        yield from request.GET.lists()
        if request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
            return
        if request.content_type == "application/json":
            try:
                data = json.loads(request.body or b"null")
            except ValueError:
                return  # the view says what is wrong with it
            yield from json_strings(data)
        elif request.method == "POST":
            yield from request.POST.lists()

    def process_view(self, request, view_func, view_args, view_kwargs):
        for name, value in view_kwargs.items():
            if isinstance(value, str) and ID_KWARG.match(name) and value.isdigit() and value.isascii():
                value = int(value)
            if isinstance(value, int) and not INT64[0] <= value <= INT64[1]:
                return self.not_found(request)
        return None

    def process_exception(self, request, exception):
        # A number from a request that overflows a date or an SQLite integer is bad input, not a crash.
        if isinstance(exception, OverflowError):
            return self.refuse(request, 400, _("提交的数值超出允许范围"))
        return None

    def not_found(self, request):
        if is_api(request):
            return JsonResponse({"detail": "未找到"}, status=404, json_dumps_params={"ensure_ascii": False})
        from django.shortcuts import render

        return render(request, "404.html", status=404)

    def refuse(self, request, status: int, message: str, field: str | None = None):
        if is_api(request):
            body = {"detail": str(message)}
            if status == 422:
                body = {"detail": str(_("提交的数据有误")), "errors": {field or "__all__": [str(message)]}}
            return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
        from django.shortcuts import render

        return render(request, "400.html", {"status": status, "message": message}, status=status)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def check_value(name, value) -> tuple[str, str] | None:
    """The refusal of one parameter (its name shown, never a password's value)."""
    values = value if isinstance(value, list) else [value]
    label = name if isinstance(name, str) and first_dangerous(name) is None and len(name) <= 100 else "?"
    for item in values:
        if not isinstance(item, str):
            continue
        if len(item) > HARD_CAP:
            return label, _("「%(field)s」内容过长（最多%(max)d个字符）") % {"field": label, "max": HARD_CAP}
        char = first_dangerous(item)
        if char is not None:
            return label, _("「%(field)s」含有不允许的控制字符（%(char)s），请删除后重新提交") % {
                "field": label,
                "char": describe(char),
            }
    return None


def json_strings(data, path: str = ""):
    """``(path, str)`` for every string (keys included) of a parsed JSON document."""
    if isinstance(data, str):
        yield path or "__all__", data
    elif isinstance(data, dict):
        for key, value in data.items():
            name = f"{path}.{key}" if path else str(key)
            yield name, str(key)
            yield from json_strings(value, name)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from json_strings(value, f"{path}.{index}" if path else str(index))
