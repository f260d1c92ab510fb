"""Who a notice reaches: its target (area subtree, categories, flags) ∩ the enterprises the sender
may see. Used to preview the count before publishing and to resolve the recipients once."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fugong.areas.models import Area
from fugong.core.access import NOTICE_PUBLISH, Role
from fugong.enterprises.choices import Category
from fugong.enterprises.models import Enterprise


def allowed_categories(sender) -> list[str]:
    """A department officer targets only the categories of their sector; others any category."""
    if sender.role == Role.DEPARTMENT_OFFICER:
        return list(sender.department.sector_categories) if sender.department_id else []
    return list(Category.values)


def target_areas(sender) -> QuerySet[Area]:
    return Area.objects.visible_to(sender).order_by("path")


def check_target(*, sender, area: Area | None, categories: list[str]) -> None:
    """Refuse, in Chinese, a target outside the sender's scope."""
    if not sender.can(NOTICE_PUBLISH):
        raise PermissionDenied(_("您无权发布通知公告"))
    if area is None:
        raise ValidationError({"target_area": _("请选择发送范围")})
    if not target_areas(sender).filter(pk=area.pk).exists():
        raise PermissionDenied(_("发送范围不在您的管辖范围内，不能向该区域发送通知"))
    allowed = allowed_categories(sender)
    outside = [c for c in categories if c not in allowed]
    if outside:
        labels = "、".join(str(Category(c).label) if c in Category.values else c for c in outside)
        raise PermissionDenied(
            _("企业类别「%(labels)s」不在您的主管范围内，不能向其发送通知") % {"labels": labels}
        )


def target_enterprises(
    *, sender, area: Area, categories: list[str], emergency: bool, key_industry: bool
) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.visible_to(sender).filter(area_path__startswith=area.path)
    if categories:
        qs = qs.filter(category__in=categories)
    elif sender.role == Role.DEPARTMENT_OFFICER:
        qs = qs.filter(category__in=allowed_categories(sender))
    if emergency:
        qs = qs.filter(is_emergency_supply=True)
    if key_industry:
        qs = qs.filter(is_key_industry=True)
    return qs


def notice_targets(notice) -> QuerySet[Enterprise]:
    return target_enterprises(
        sender=notice.sender,
        area=notice.target_area,
        categories=notice.target_categories,
        emergency=notice.target_emergency,
        key_industry=notice.target_key_industry,
    )
