from django.db import models
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    FILING = "filing", _("备案即复工")
    REVIEW = "review", _("审核后复工")


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回修改")
    APPROVED = "approved", _("审核通过")
    FILED = "filed", _("已备案")
    REJECTED = "rejected", _("不予复工")


OPEN_FILING = [FilingStatus.DRAFT, FilingStatus.SUBMITTED, FilingStatus.RETURNED]


class Ventilation(models.TextChoices):
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class HealthState(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    ABNORMAL = "abnormal", _("有发热或症状")
    ISOLATING = "isolating", _("隔离中")


class EnterpriseState(models.TextChoices):
    NOT_RESUMED = "not_resumed", _("未复工")
    FILED = "filed", _("已备案")
    APPROVED = "approved", _("已批准")
    RESUMED = "resumed", _("已复工")
    SUSPENDED = "suspended", _("停工整改")
    RESUMED_AGAIN = "resumed_again", _("整改后复工")


RESUMED_STATES = [EnterpriseState.RESUMED, EnterpriseState.RESUMED_AGAIN]
# Firms allowed back (filed or approved) or back at work: they report every day.
EXPECTED_STATES = [EnterpriseState.FILED, EnterpriseState.APPROVED, *RESUMED_STATES]


class ConditionRule(models.TextChoices):
    """The fixed checks a condition can use; thresholds are data, the checks are code."""

    PLAN = "plan", _("有防控方案")
    MASK_DAYS = "mask_days", _("口罩储备天数不少于")
    DISINFECTANT_DAYS = "disinfectant_days", _("消毒液储备天数不少于")
    THERMOMETERS = "thermometers", _("体温计数量不少于")
    VENTILATION = "ventilation", _("通风条件不为较差")
    ISOLATION_ROOM = "isolation_room", _("设有临时隔离室")
    CANTEEN = "canteen", _("食堂错峰分餐措施")
    DORMITORY = "dormitory", _("宿舍管理措施（有宿舍时）")
    ROSTER = "roster", _("已报送返岗人员名单")
    ROSTER_HEALTHY = "roster_healthy", _("返岗人员均无发热或症状")
    COMMITMENT = "commitment", _("已签署承诺书")
