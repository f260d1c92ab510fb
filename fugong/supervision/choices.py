from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemResult(models.TextChoices):
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")
    NA = "na", _("不适用")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFIED = "rectified", _("已整改")


class Step(models.TextChoices):
    """The seeds' three steps: 约谈法人代表 → 区领导约谈 → 视情况列入不诚信企业名单."""

    LEGAL_REP_INTERVIEW = "legal_rep", _("约谈法人代表")
    LEADER_INTERVIEW = "leader", _("区领导约谈")
    OFFICER_DECIDES = "officer", _("由干部视情况决定是否列入不诚信企业名单")
    OTHER = "other", _("其他处理")


class ViolationStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认处理")
    CHANGED = "changed", _("已另行决定")


class ListingStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认列入")
    ACTIVE = "active", _("已列入")
    REMOVAL_PROPOSED = "removal_proposed", _("待确认移出")
    REMOVED = "removed", _("已移出")
    REJECTED = "rejected", _("未予列入")


LIVE_LISTING = (ListingStatus.PROPOSED, ListingStatus.ACTIVE, ListingStatus.REMOVAL_PROPOSED)
LISTED = (ListingStatus.ACTIVE, ListingStatus.REMOVAL_PROPOSED)

# Which sector group covers an enterprise category ("线").
SECTOR_GROUP = {
    "above_scale": "industry",
    "below_scale": "industry",
    "commerce": "commerce",
    "construction": "construction",
}
KEY_CATEGORIES = frozenset({"above_scale"})
COMMUNITY_CATEGORIES = frozenset({"individual", "small_venue"})


class Coverage(models.TextChoices):
    POINT = "point", _("点：专员一对一")
    LINE = "line", _("线：行业专项组")
    FACE = "face", _("面：网格小组")
    COMMUNITY = "community", _("社区")


class Tier(models.TextChoices):
    KEY = "key", _("重点企业（规上、应急保供、重点产业）")
    SECTOR = "sector", _("一般企业")
    SMALL = "small", _("个体工商户、九小场所")
