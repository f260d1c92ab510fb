"""Centralized sites, their staff and rooms, and stays (a room is never double-booked)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fugong.core.access import QUARANTINE_MANAGE, Role
from fugong.core.models import TimeStampedModel
from fugong.core.scoping import ScopedManager

from .base import _area_roles_q
from .orders import Order


class Site(TimeStampedModel):
    """A centralized quarantine site (集中隔离点), usually a hotel."""

    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=255, editable=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedManager()
    area_path_source = "area"

    class Meta:
        verbose_name = _("集中隔离点")
        verbose_name_plural = _("集中隔离点")
        ordering = ["area_path", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.area_path = self.area.path
        super().save(*args, **kwargs)

    @classmethod
    def scope_filter(cls, user, action):
        if user.is_sysadmin:
            return Q()
        if user.role == Role.SITE_STAFF:
            return Q(staff__user=user)
        if action == "view" and user.can(QUARANTINE_MANAGE):
            return _area_roles_q(user)
        return None


class SiteStaff(models.Model):
    """A site staff user bound to one site: they see only that site."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        on_delete=models.CASCADE,
        related_name="quarantine_site",
    )
    site = models.ForeignKey(Site, verbose_name=_("隔离点"), on_delete=models.CASCADE, related_name="staff")

    class Meta:
        verbose_name = _("隔离点工作人员")
        verbose_name_plural = _("隔离点工作人员")

    def __str__(self):
        return f"{self.user} @ {self.site}"


class Room(models.Model):
    site = models.ForeignKey(Site, verbose_name=_("隔离点"), on_delete=models.CASCADE, related_name="rooms")
    number = models.CharField(_("房间号"), max_length=16)
    capacity = models.PositiveSmallIntegerField(_("可住人数"), default=1)
    is_active = models.BooleanField(_("可用"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("房间")
        verbose_name_plural = _("房间")
        ordering = ["site", "number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="quarantine_room_number_unique"),
            models.CheckConstraint(condition=Q(capacity=1), name="quarantine_room_single"),
        ]

    def __str__(self):
        return f"{self.site} {self.number}"

    @classmethod
    def scope_filter(cls, user, action):
        condition = Site.scope_filter(user, action)
        return None if condition is None else Q(site__in=Site.objects.filter(condition))


class Stay(models.Model):
    """A guest's stay in one room: checked in after registration and checks, checked out once.

    At most one open stay per room and per person — enforced by partial unique indexes, so two
    concurrent assignments of one room cannot both succeed.
    """

    site = models.ForeignKey(Site, verbose_name=_("隔离点"), on_delete=models.PROTECT, related_name="stays")
    room = models.ForeignKey(Room, verbose_name=_("房间"), on_delete=models.PROTECT, related_name="stays")
    order = models.ForeignKey(Order, verbose_name=_("隔离令"), on_delete=models.PROTECT, related_name="stays")
    person = models.ForeignKey(
        "health.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    checked_registration = models.BooleanField(_("已登记"), default=False)
    checked_temperature = models.BooleanField(_("已体温检测"), default=False)
    checked_health = models.BooleanField(_("核酸/健康状况已核验"), default=False)
    checked_in_at = models.DateTimeField(_("入住时间"), auto_now_add=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理入住"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_out_at = models.DateTimeField(_("退房时间"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理退房"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("入住记录")
        verbose_name_plural = _("入住记录")
        ordering = ["-checked_in_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room"], condition=Q(checked_out_at__isnull=True), name="quarantine_room_one_occupant"
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(checked_out_at__isnull=True), name="quarantine_person_one_room"
            ),
            models.CheckConstraint(
                condition=Q(checked_registration=True, checked_temperature=True, checked_health=True),
                name="quarantine_stay_checked",
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.room}"

    @classmethod
    def scope_filter(cls, user, action):
        condition = Site.scope_filter(user, action)
        return None if condition is None else Q(site__in=Site.objects.filter(condition))
