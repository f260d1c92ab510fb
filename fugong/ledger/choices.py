from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemCategory(models.TextChoices):
    RAW_MATERIALS = "raw_materials", _("原材料")
    LOGISTICS = "logistics", _("物流运输")
    SUPPLIER = "supplier", _("上游供应商未复工")
    LABOUR = "labour", _("用工")
    FINANCE = "finance", _("融资贷款")
    EPIDEMIC_SUPPLIES = "epidemic_supplies", _("防疫物资")
    ENERGY = "energy", _("能源保障")
    APPROVAL = "approval", _("审批办证")
    POLICY = "policy", _("政策咨询")
    OTHER = "other", _("其他")


# Working days to answer, by default (the district changes them on the settings page).
DEFAULT_DUE_DAYS = {
    ProblemCategory.EPIDEMIC_SUPPLIES: 3,
    ProblemCategory.RAW_MATERIALS: 7,
    ProblemCategory.LOGISTICS: 7,
    ProblemCategory.SUPPLIER: 7,
    ProblemCategory.LABOUR: 7,
    ProblemCategory.ENERGY: 7,
    ProblemCategory.APPROVAL: 7,
    ProblemCategory.OTHER: 7,
    ProblemCategory.FINANCE: 30,
    ProblemCategory.POLICY: 30,
}

# The demo district's departments that take each category by default, first present wins.
DEFAULT_ROUTES = {
    ProblemCategory.RAW_MATERIALS: ["JXW"],
    ProblemCategory.SUPPLIER: ["JXW"],
    ProblemCategory.ENERGY: ["JXW"],
    ProblemCategory.EPIDEMIC_SUPPLIES: ["JXW"],
    ProblemCategory.LOGISTICS: ["SWW", "JXW"],
    ProblemCategory.LABOUR: ["RSJ"],
    ProblemCategory.FINANCE: ["JRB"],
    ProblemCategory.APPROVAL: ["ZWB"],
    ProblemCategory.POLICY: ["FGW"],
}


class Channel(models.TextChoices):
    SELF = "self", _("企业自报")
    COMMISSIONER = "commissioner", _("驻企专员")
    HOTLINE = "hotline", _("热线")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("待办")
    IN_PROGRESS = "in_progress", _("办理中")
    ANSWERED = "answered", _("已答复")
    CONFIRMED = "confirmed", _("已确认")
    REOPENED = "reopened", _("重新办理")


# Still with the handler: the clock runs and the problem can go overdue.
ACTIVE = [ProblemStatus.OPEN, ProblemStatus.IN_PROGRESS, ProblemStatus.REOPENED]


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class EventKind(models.TextChoices):
    CREATED = "created", _("登记")
    STARTED = "started", _("开始办理")
    ANSWERED = "answered", _("答复")
    CONFIRMED = "confirmed", _("确认并评价")
    REOPENED = "reopened", _("要求重新办理")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("批准延期")
    EXTENSION_REJECTED = "extension_rejected", _("不批准延期")
    ESCALATED = "escalated", _("超期升级")


class EscalationLevel(models.IntegerChoices):
    HANDLER = 0, _("承办单位")
    ABOVE = 1, _("上一级（街道领导 / 区级）")
