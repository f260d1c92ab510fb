import functools
import logging
import re
import time
import uuid
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from .context import request_id_var

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
