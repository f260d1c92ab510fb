import functools
import logging
import re
import time
import uuid

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware

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
