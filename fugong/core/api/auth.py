"""How /api/v1 knows the caller: a bearer token, or the browser's session with its CSRF token.

The token itself belongs to the accounts app, above core; which function checks it is a setting
(``FUGONG_TOKEN_AUTHENTICATOR``, like Django's ``AUTHENTICATION_BACKENDS``), so core imports no app.
"""

import functools

from django.conf import settings
from django.utils.module_loading import import_string
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

CSRF_FAILED = "CSRF 校验失败：浏览器会话发起的修改请求须在 X-CSRFToken 请求头中携带令牌，请刷新页面后重试"


@functools.cache
def _authenticator():
    """``f(raw_token, *, with_user=()) -> User | None`` named by the setting, resolved once."""
    return import_string(settings.FUGONG_TOKEN_AUTHENTICATOR)


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; an unknown, expired or malformed token authenticates nobody."""

    with_user: tuple[str, ...] = ()  # one-to-one relations of the user fetched with the token

    def authenticate(self, request, token):
        user = _authenticator()(token.strip(), with_user=self.with_user)
        if user is not None:
            request.user = user
            request.api_token = token.strip()
        return user


class Session(APIKeyCookie):
    """The browser's session; unsafe methods also need the CSRF token.

    A request that presents a bearer token is judged by it alone, so a bad token is a 401 even
    when a session cookie rides along (other schemes, such as a proxy's Basic auth, are ignored).
    The CSRF check runs only for a logged-in session, so an anonymous request gets the 401 it
    deserves rather than a CSRF complaint.
    """

    param_name = "sessionid"

    def __call__(self, request):
        if request.headers.get("Authorization", "").lower().startswith("bearer"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated and user.is_active else None
