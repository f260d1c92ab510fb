from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    DISTRICT = "district", _("区县")
    STREET = "street", _("街道")
    TOWN = "town", _("镇")
    PARK = "park", _("园区")
    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("村")
    GRID = "grid", _("网格")


LEVEL = {
    AreaKind.DISTRICT: 0,
    AreaKind.STREET: 1,
    AreaKind.TOWN: 1,
    AreaKind.PARK: 1,
    AreaKind.COMMUNITY: 2,
    AreaKind.VILLAGE: 2,
    AreaKind.GRID: 3,
}
# Which kinds may hang under which: the tree of DESIGN.md.
CHILD_KINDS = {
    AreaKind.DISTRICT: {AreaKind.STREET, AreaKind.TOWN, AreaKind.PARK},
    AreaKind.STREET: {AreaKind.COMMUNITY, AreaKind.VILLAGE},
    AreaKind.TOWN: {AreaKind.COMMUNITY, AreaKind.VILLAGE},
    AreaKind.PARK: {AreaKind.COMMUNITY, AreaKind.VILLAGE, AreaKind.GRID},
    AreaKind.COMMUNITY: {AreaKind.GRID},
    AreaKind.VILLAGE: {AreaKind.GRID},
    AreaKind.GRID: set(),
}


class GroupKind(models.TextChoices):
    GUIDANCE = "guidance", _("专项指导组")
    INSPECTION = "inspection", _("督查组")
    INDUSTRY = "industry", _("工业组")
    COMMERCE = "commerce", _("商贸服务业组")
    CONSTRUCTION = "construction", _("建筑业组")
    GRID = "grid", _("网格小组")
    SERVICE = "service", _("驻企服务组")


class MemberDuty(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("成员")
