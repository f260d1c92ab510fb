"""Writes about accounts: login (throttled), API tokens, and users managed inside one's scope."""

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
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong.core import audit
from fugong.core.access import GRANTABLE, ROLE_LEVELS, USER_MANAGE, Role, ScopeKind, scope_kind
from fugong.core.compiled import CompiledLookup
from fugong.core.models import AuditAction
from fugong.core.throttle import wait_message

from . import throttles
from .models import ApiToken, User, enterprise_model, hash_token

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
            _("密码太短，至少需要 %(min_length)d 个字符。"), code=error.code, params=error.params
        )
    return error


def generate_password() -> str:
    """A new random password (a reset through the API without one given): shown once, never stored."""
    return secrets.token_urlsafe(12)


class LoginThrottled(LoginError):
    """Too many failures from this client: refused before the password is even checked."""

    def __init__(self, seconds: int):
        super().__init__(wait_message(seconds))
        self.seconds = seconds


def login_attempt(*, username: str, password: str, client: str, request=None) -> User:
    """Authenticate ``username`` from ``client`` (its address), throttled per username+client and per
    client (accounts.throttles).

    The answer never tells whether the username exists: a wrong password, an unknown or disabled user
    all get the same message, Django's backend runs the password hasher for an unknown user too, and a
    throttled attempt is refused the same way whoever the name belongs to. A throttled attempt is not
    judged, so a right guess then is refused like a wrong one.
    """
    seconds = throttles.wait(username=username, client=client)
    if seconds:
        raise LoginThrottled(seconds)
    authed = authenticate(request, username=username, password=password)
    if authed is None:
        throttles.failed(username=username, client=client)
        raise LoginError(_("用户名或密码错误"))
    return authed


def token_issue(*, username: str, password: str, client: str) -> tuple[str, ApiToken]:
    user = login_attempt(username=username, password=password, client=client)
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


def _revoked(count: int) -> dict:
    """The audit entry's line for revoked tokens, when there were any."""
    return {"api_tokens_revoked": count} if count else {}


def token_revoke_all(*, user: User) -> int:
    """Delete every API token of ``user``; how many there were. The caller audits it."""
    return ApiToken.objects.filter(user=user).delete()[0]


# --- users inside one's scope -------------------------------------------------------------------


def check_scope_shape(*, role: str, scope_area=None, scope_enterprise=None) -> None:
    """Raise ValidationError unless the scope fits the role: its kind and its level of the tree."""
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色")})
    kind = scope_kind(role)
    if kind == ScopeKind.NONE:
        if scope_area or scope_enterprise:
            raise ValidationError({"scope_area": _("系统管理员不设管辖范围")})
        return
    if kind == ScopeKind.ENTERPRISE:
        if scope_enterprise is None:
            raise ValidationError({"scope_enterprise": _("企业角色必须指定所属企业")})
        if scope_area is not None:
            raise ValidationError({"scope_area": _("企业角色的范围是所属企业，不设管辖区域")})
        return
    if scope_area is None:
        raise ValidationError({"scope_area": _("该角色必须指定管辖区域")})
    if scope_enterprise is not None:
        raise ValidationError({"scope_enterprise": _("区划角色不设所属企业")})
    if scope_area.level not in ROLE_LEVELS.get(role, set()):
        raise ValidationError(
            {
                "scope_area": _("%(role)s的管辖区域层级不正确（%(kind)s）")
                % {"role": Role(role).label, "kind": scope_area.get_kind_display()}
            }
        )


def check_grant(*, actor: User, role: str, scope_area=None, scope_enterprise=None) -> None:
    """Raise unless ``actor`` may give ``role`` over that scope: nobody grants beyond their own."""
    if not actor.can(USER_MANAGE) or role not in GRANTABLE.get(actor.role, ()):
        raise PermissionDenied(_("您无权创建或授予该角色"))
    check_scope_shape(role=role, scope_area=scope_area, scope_enterprise=scope_enterprise)
    if actor.is_sysadmin or scope_kind(role) == ScopeKind.NONE:
        return
    if scope_kind(role) == ScopeKind.ENTERPRISE:
        # The enterprise registry decides visibility.
        if not enterprise_model().objects.visible_to(actor).filter(pk=scope_enterprise.pk).exists():
            raise PermissionDenied(_("该企业不在您的管辖范围内"))
        return
    if not scope_area.path.startswith(actor.scope_path or "\0"):
        raise PermissionDenied(_("该区域不在您的管辖范围内"))


def _user_save_new(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    role: str,
    password: str,
    phone: str,
    scope_area,
    scope_enterprise,
    department,
) -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("该用户名已被使用")})
    user = User(
        username=username,
        full_name=full_name,
        phone=phone,
        role=role,
        scope_area=scope_area,
        scope_enterprise=scope_enterprise,
        department=department,
    )
    validate_new_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        actor=actor, obj=user, action=AuditAction.CREATE, after=audit.snapshot(user, USER_AUDIT_FIELDS)
    )
    return user


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    role: str,
    password: str,
    phone: str = "",
    scope_area=None,
    scope_enterprise=None,
    department=None,
) -> User:
    """Create an account for ``role`` over a scope inside the actor's own (check_grant)."""
    check_grant(actor=actor, role=role, scope_area=scope_area, scope_enterprise=scope_enterprise)
    return _user_save_new(
        actor=actor,
        username=username,
        full_name=full_name,
        role=role,
        password=password,
        phone=phone,
        scope_area=scope_area,
        scope_enterprise=scope_enterprise,
        department=department,
    )


@transaction.atomic
def user_create_system(
    *,
    username: str,
    full_name: str,
    role: str,
    password: str,
    phone: str = "",
    scope_area=None,
    scope_enterprise=None,
    department=None,
) -> User:
    """Create an account as the system (the ``adduser`` command): no actor's scope limits it, but
    the role and its scope are checked exactly as for a user-made grant. Audited with no actor."""
    check_scope_shape(role=role, scope_area=scope_area, scope_enterprise=scope_enterprise)
    return _user_save_new(
        actor=None,
        username=username,
        full_name=full_name,
        role=role,
        password=password,
        phone=phone,
        scope_area=scope_area,
        scope_enterprise=scope_enterprise,
        department=department,
    )


def _lock_managed(*, actor: User, user: User) -> User:
    """The row locked for update, if the actor manages it; otherwise it looks missing."""
    try:
        return User.objects.visible_to(actor, "change").select_for_update().get(pk=user.pk)
    except User.DoesNotExist:
        raise PermissionDenied(_("该用户不在您的管辖范围内")) from None


@transaction.atomic
def user_update(*, actor: User, user: User, **changes) -> User:
    """Change profile, role or scope; the new grant is checked like a new one."""
    unknown = changes.keys() - USER_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"user_update cannot change {sorted(unknown)}")
    locked = _lock_managed(actor=actor, user=user)
    before = audit.snapshot(locked, USER_AUDIT_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value)
    if locked.pk == actor.pk and ({"role", "scope_area", "scope_enterprise"} & changes.keys()):
        raise PermissionDenied(_("不能修改自己的角色或管辖范围"))
    check_grant(
        actor=actor, role=locked.role, scope_area=locked.scope_area, scope_enterprise=locked.scope_enterprise
    )
    locked.full_clean(exclude=["password"])
    locked.save()
    if not User.objects.visible_to(actor, "change").filter(pk=locked.pk).exists():
        raise PermissionDenied(_("修改后的用户超出您的管辖范围"))
    audit.record(
        actor=actor,
        obj=locked,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(locked, USER_AUDIT_FIELDS),
    )
    return locked


@transaction.atomic
def user_reset_password(*, actor: User, user: User, password: str) -> None:
    """Set a new password for a managed user; unlocks the account and revokes its API tokens."""
    user = _lock_managed(actor=actor, user=user)
    validate_new_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.failed_login_count, user.locked_until = 0, None
    user.save(update_fields=["password", "password_changed_at", "failed_login_count", "locked_until"])
    revoked = token_revoke_all(user=user)
    throttles.reset(user.username)
    audit.record(
        actor=actor,
        obj=user,
        action=AuditAction.UPDATE,
        before={"password": _("（原密码）")},
        after={"password": _("（已重置）"), **_revoked(revoked)},
    )


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Enable or disable a managed account; disabling also revokes its API tokens."""
    if user.pk == actor.pk:
        raise PermissionDenied(_("不能停用或启用自己的账号"))
    locked = _lock_managed(actor=actor, user=user)
    if locked.is_active == active:
        return locked
    if active:
        check_grant(
            actor=actor,
            role=locked.role,
            scope_area=locked.scope_area,
            scope_enterprise=locked.scope_enterprise,
        )
    before = audit.snapshot(locked, ["is_active"])
    locked.is_active = active
    locked.save(update_fields=["is_active"])
    if not active:
        ApiToken.objects.filter(user=locked).delete()
    audit.record(
        actor=actor,
        obj=locked,
        action=AuditAction.UPDATE,
        before=before,
        after=audit.snapshot(locked, ["is_active"]),
    )
    return locked


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> User:
    """Lift a lockout (解除锁定) before it runs out: every client's failed-login counters for the
    username start over, and an explicit lock (``locked_until``) is cleared."""
    locked = _lock_managed(actor=actor, user=user)
    before = {
        "locked_until": str(locked.locked_until) if locked.locked_until else None,
        "failed_login_count": locked.failed_login_count,
    }
    locked.failed_login_count, locked.locked_until = 0, None
    locked.save(update_fields=["failed_login_count", "locked_until"])
    throttles.reset(locked.username)  # a cache write: harmless even if the transaction rolls back
    audit.record(
        actor=actor,
        obj=locked,
        action=AuditAction.UPDATE,
        before=before,
        after={"locked_until": None, "failed_login_count": 0},
    )
    return locked


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> None:
    """Change one's own password. Every API token of the user is revoked with it: a token taken with
    the old password (perhaps by whoever learnt it) must not outlive it."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("原密码不正确")})
    validate_new_password(new_password, user)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    revoked = token_revoke_all(user=user)
    audit.record(
        actor=user,
        obj=user,
        action=AuditAction.UPDATE,
        before={"password": _("（原密码）")},
        after={"password": _("（已修改）"), **_revoked(revoked)},
    )
