from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.models import pattern_index
from fugong.core.scoping import ScopedManager, subtree_q

from .choices import LEVEL, AreaKind, GroupKind, MemberDuty

PATH_SEP = "/"


class Area(models.Model):
    """A node of the administrative tree, with its materialized path of codes.

    ``path`` is ``/<district>/<street>/<community>/`` — everything under a node is the single
    indexed filter ``path LIKE '<node path>%'``; rows hanging on the tree copy it as ``area_path``.
    """

    code = models.CharField(_("区划编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级"), editable=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("区划")
        verbose_name_plural = _("区划")
        ordering = ["path"]
        # path is unique, so PostgreSQL already has a varchar_pattern_ops index for prefix LIKE.
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(kind=AreaKind.DISTRICT), name="area_root_is_district"
            ),
        ]

    def __str__(self):
        return self.name

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id else PATH_SEP
        return f"{prefix}{self.code}{PATH_SEP}"

    def save(self, *args, **kwargs):
        self.path = self.build_path()
        self.depth = self.path.count(PATH_SEP) - 2
        super().save(*args, **kwargs)

    @property
    def level(self) -> int:
        return LEVEL[self.kind]

    def subtree(self):
        return Area.objects.filter(path__startswith=self.path)

    def ancestors(self):
        codes = [c for c in self.path.split(PATH_SEP) if c]
        return Area.objects.filter(code__in=codes).order_by("depth")

    @classmethod
    def scope_filter(cls, user, action):
        if user.is_sysadmin:
            return Q()
        if action != "view":
            return None
        return subtree_q(user.area_scope_path, "path")


class Department(models.Model):
    """A district department (经信委, 商务委, 卫健委 …) and the enterprise categories it oversees."""

    code = models.CharField(_("部门编码"), max_length=32, unique=True)
    name = models.CharField(_("部门名称"), max_length=64)
    area = models.ForeignKey(
        Area, verbose_name=_("所属区县"), on_delete=models.PROTECT, related_name="departments"
    )
    sector_categories = models.JSONField(
        _("主管企业类别"),
        default=list,
        blank=True,
        help_text=_("该部门主管的企业类别编码，部门人员可查看这些类别的企业"),
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, user, action):
        if user.is_sysadmin:
            return Q()
        if action != "view":
            return None
        path = user.area_scope_path
        if not path:
            return None
        # Departments sit on the district; everyone inside the district may see the list.
        return Q(area__path=path[: path.index(PATH_SEP, 1) + 1])


class WorkingGroup(models.Model):
    """专项指导组 / 督查组 / sector groups and grid sub-groups, covering an area subtree."""

    name = models.CharField(_("工作组名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=GroupKind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("负责区域"), on_delete=models.PROTECT, related_name="groups"
    )
    area_path = models.CharField(max_length=255, editable=False)
    department = models.ForeignKey(
        Department,
        verbose_name=_("牵头部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="WorkingGroupMember",
        related_name="working_groups",
        verbose_name=_("成员"),
    )
    note = models.CharField(_("职责说明"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedManager()
    area_path_source = "area"

    class Meta:
        verbose_name = _("工作组")
        verbose_name_plural = _("工作组")
        ordering = ["area_path", "name"]
        indexes = [pattern_index("area_path", "group_area_path_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.area_path = self.area.path
        super().save(*args, **kwargs)

    @classmethod
    def scope_filter(cls, user, action):
        if user.is_sysadmin:
            return Q()
        if action == "view":
            q = subtree_q(user.area_scope_path)
            member = Q(pk__in=WorkingGroupMember.objects.filter(user=user).values("group_id"))
            return member if q is None else q | member
        if user.role in {"street_officer", "district_leader"} and action == "change":
            return subtree_q(user.area_scope_path)
        return None


class WorkingGroupMember(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("成员"),
        on_delete=models.CASCADE,
        related_name="group_memberships",
    )
    duty = models.CharField(_("职务"), max_length=16, choices=MemberDuty.choices, default=MemberDuty.MEMBER)

    class Meta:
        verbose_name = _("工作组成员")
        verbose_name_plural = _("工作组成员")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="group_member_unique")]

    def __str__(self):
        return f"{self.group} · {self.user}"
