"""Writes about accounts: login with lockout, API tokens, and users managed inside one's scope."""

import datetime as dt
import logging
import secrets
import threading
import time

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from fugong.core import audit
from fugong.core.compiled import CompiledLookup
from fugong.core.models import AuditAction

from .models import ApiToken, User, hash_token
from .roles import GRANTABLE, ROLE_LEVELS, USER_MANAGE, Role, ScopeKind, scope_kind

USER_AUDIT_FIELDS = [
    "username",
    "full_name",
    "phone",
    "role",
    "scope_area",
    "scope_enterprise",
    "department",
    "is_active",
]
USER_EDITABLE_FIELDS = frozenset(
    {"full_name", "phone", "role", "scope_area", "scope_enterprise", "department"}
)
BAD_CREDENTIALS = "用户名或密码错误"


class LoginError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def validate_new_password(password: str, user: User) -> None:
    """Django's password validators, with every message in Chinese.

    Django's zh_Hans catalogue lacks the plural "too short" message, so it is replaced here.
    """
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError([_chinese_password_error(e) for e in exc.error_list]) from None


def _chinese_password_error(error: ValidationError) -> ValidationError:
    if error.code == "password_too_short":
        return ValidationError(
            "密码太短，至少需要 %(min_length)d 个字符。", code=error.code, params=error.params
        )
    return error


def login_attempt(*, username: str, password: str, request=None) -> User:
    """Authenticate, counting failures; lock the account after LOGIN_MAX_FAILURES in a row."""
    user = User.objects.filter(username=username).first()
    if user is not None and user.is_locked:
        minutes = max(1, int((user.locked_until - timezone.now()).total_seconds() // 60) + 1)
        raise LoginError(f"连续登录失败次数过多，账号已锁定，请{minutes}分钟后再试")
    authed = authenticate(request, username=username, password=password)
    if authed is None:
        if user is not None:
            _count_failure(user)
        raise LoginError(BAD_CREDENTIALS)
    if authed.failed_login_count or authed.locked_until:
        User.objects.filter(pk=authed.pk).update(failed_login_count=0, locked_until=None)
        authed.failed_login_count, authed.locked_until = 0, None
    return authed


def _count_failure(user: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
        count = User.objects.values_list("failed_login_count", flat=True).get(pk=user.pk)
        if count >= settings.LOGIN_MAX_FAILURES:
            until = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)


def token_issue(*, username: str, password: str) -> tuple[str, ApiToken]:
    user = login_attempt(username=username, password=password)
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_token(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + dt.timedelta(hours=settings.API_TOKEN_HOURS),
    )
    return raw, token


# Every API call looks its token up: the query is compiled once per process (fugong/core/compiled.py).
_TOKEN_LOOKUPS: dict[tuple[str, ...], CompiledLookup] = {}


def token_authenticate(raw: str, *, with_user: tuple[str, ...] = ()) -> User | None:
    """The active, unlocked user of an unexpired token, or None.

    ``with_user`` names one-to-one relations of the user to fetch in the same query (a hot endpoint
    such as the check-in asks for the user's check-in identity, saving a round trip per request).
    """
    if not raw or len(raw) > 128:
        return None
    lookup = _TOKEN_LOOKUPS.get(with_user)
    if lookup is None:
        related = ("user", *(f"user__{name}" for name in with_user))
        lookup = _TOKEN_LOOKUPS.setdefault(
            with_user, CompiledLookup(ApiToken.objects.select_related(*related), "key_hash")
        )
    token = lookup.get(hash_token(raw))
    if token is None or token.is_expired or not token.user.is_active or token.user.is_locked:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        _stamp(token.pk, now)
    return token.user


# The last-used stamp says which tokens are idle; it is not read on any request. Written at once it
# cost every call a statement with its own durable commit, and on a morning every employee's token is
# used once, so every check-in paid it (a fifth of a check-in's CPU, bench/README.md). Stamps are
# gathered per process and written together: at once when the process has written none for
# settings.TOKEN_STAMP_SECONDS (a quiet token is stamped on the spot), otherwise with the next batch. A
# worker that dies loses at most that window of stamps, nothing else.
_stamps: dict[int, dt.datetime] = {}
_stamps_lock = threading.Lock()
_stamps_written = [float("-inf")]
logger = logging.getLogger(__name__)


def _stamp(token_id: int, now: dt.datetime) -> None:
    with _stamps_lock:
        _stamps[token_id] = now
        if time.monotonic() - _stamps_written[0] < settings.TOKEN_STAMP_SECONDS:
            return
        batch = dict(_stamps)
        _stamps.clear()
        _stamps_written[0] = time.monotonic()
    write_token_stamps(batch)


def write_token_stamps(batch: dict[int, dt.datetime] | None = None) -> int:
    """Write gathered last-used stamps (all pending ones when ``batch`` is None) in one statement.

    The batch spans at most TOKEN_STAMP_SECONDS, and a stamp is only refreshed after five minutes, so
    every token of the batch gets its latest time: one plain UPDATE … WHERE id IN (…).
    """
    if batch is None:
        with _stamps_lock:
            batch = dict(_stamps)
            _stamps.clear()
            _stamps_written[0] = time.monotonic()
    if not batch:
        return 0
    try:
        return ApiToken.objects.filter(pk__in=list(batch)).update(last_used_at=max(batch.values()))
    except DatabaseError:  # a stamp is not worth failing the request that happened to write the batch
        logger.warning("API token last-used stamps not written (%d tokens)", len(batch), exc_info=True)
        return 0
