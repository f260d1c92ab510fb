import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fugong.core.access import CAPABILITIES, ENTERPRISE_ROLES, GRANTABLE, USER_MANAGE, Role
from fugong.core.scoping import ScopedQuerySet
from fugong.core.validators import validate_mobile


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    """An account with exactly one role bound to one scope (an area node or an enterprise).

    ``scope_path`` copies the area path of the scope (for an enterprise role, the enterprise's
    area path) so "users under node X" is one prefix filter, as for every other scoped row.
    """

    full_name = models.CharField(_("姓名"), max_length=64)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, validators=[validate_mobile])
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    scope_area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("管辖区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    scope_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        "areas.Department",
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    scope_path = models.CharField(max_length=255, blank=True, editable=False, db_index=True)
    failed_login_count = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    objects = ScopedUserManager()
    PERSONAL_FIELDS = {"phone": "phone"}

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["scope_path", "username"]
        constraints = [
            models.CheckConstraint(
                name="user_role_scope_consistent",
                condition=(
                    Q(role=Role.SYSADMIN, scope_area__isnull=True, scope_enterprise__isnull=True)
                    | Q(
                        role__in=sorted(ENTERPRISE_ROLES),
                        scope_area__isnull=True,
                        scope_enterprise__isnull=False,
                    )
                    | (
                        ~Q(role__in=sorted([*ENTERPRISE_ROLES, Role.SYSADMIN]))
                        & Q(scope_area__isnull=False, scope_enterprise__isnull=True)
                    )
                    | Q(is_active=False)
                ),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.scope_path = self.compute_scope_path()
        if self.role == Role.SYSADMIN:
            self.is_staff = self.is_superuser = True
        super().save(*args, **kwargs)

    def compute_scope_path(self) -> str:
        if self.scope_area_id:
            return self.scope_area.path
        if self.scope_enterprise_id:
            return self.scope_enterprise.area_path
        return ""

    @property
    def is_sysadmin(self) -> bool:
        return self.role == Role.SYSADMIN and self.is_active

    @property
    def area_scope_path(self) -> str | None:
        """The area subtree this user's role covers, or None for enterprise roles and sysadmin."""
        if self.role in ENTERPRISE_ROLES or self.role == Role.SYSADMIN or not self.scope_area_id:
            return None
        return self.scope_path

    @property
    def scope_label(self) -> str:
        if self.role == Role.SYSADMIN:
            return str(_("全区（系统管理）"))
        if self.scope_enterprise_id:
            return self.scope_enterprise.name
        if self.scope_area_id:
            return " · ".join(a.name for a in self.scope_area.ancestors())
        return ""

    def can(self, capability: str) -> bool:
        return self.is_active and capability in CAPABILITIES.get(self.role, frozenset())

    @property
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())

    @classmethod
    def scope_filter(cls, user, action):
        if user.is_sysadmin:
            return Q()
        own = Q(pk=user.pk) if action == "view" else None
        grantable = GRANTABLE.get(user.role)
        if not grantable or not user.can(USER_MANAGE):
            return own
        if user.role == Role.ENTERPRISE_ADMIN:
            managed = Q(scope_enterprise_id=user.scope_enterprise_id, role__in=list(grantable))
        else:
            managed = Q(scope_path__startswith=user.scope_path, role__in=list(grantable)) & ~Q(pk=user.pk)
        return managed | own if own is not None else managed


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for devices and integrations. Only its SHA-256 is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("前缀"), max_length=8)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.prefix}…"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


def enterprise_model():
    """The registry's Enterprise, reached through the user's own ``scope_enterprise`` relation: accounts
    sits below the enterprises app and names none of its modules (README, "How it is built")."""
    return User._meta.get_field("scope_enterprise").related_model
