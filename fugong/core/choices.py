"""Classifications every level shares: the categories of market entities (departments' sectors, the
registry, the resumption policies and the rates all count by them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """市场主体类别, as the seeds count them."""

    ABOVE_SCALE = "above_scale", _("规上工业")
    BELOW_SCALE = "below_scale", _("规下工业")
    COMMERCE = "commerce", _("商贸服务")
    CONSTRUCTION = "construction", _("建筑工地")
    FINANCE = "finance", _("金融网点")
    INDIVIDUAL = "individual", _("个体工商户")
    SMALL_VENUE = "small_venue", _("九小场所")
