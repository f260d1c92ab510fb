from django.db import models
from django.utils.translation import gettext_lazy as _


class Symptom(models.TextChoices):
    NONE = "none", _("无")
    FEVER = "fever", _("发热")
    COUGH = "cough", _("咳嗽")
    FATIGUE = "fatigue", _("乏力")
    OTHER = "other", _("其他")


class Slot(models.IntegerChoices):
    DAY = 0, _("全天")
    MORNING = 1, _("上午")
    EVENING = 2, _("下午")


class OnRepeat(models.TextChoices):
    REFUSE = "refuse", _("拒绝重复打卡")
    REPLACE = "replace", _("以最新一次为准")


class FlagKind(models.TextChoices):
    IDENTICAL = "identical", _("连续多日答案完全相同")
    SAME_SECOND = "same_second", _("同一秒内大量打卡")


class SpotResult(models.TextChoices):
    PENDING = "", _("待抽查")
    GENUINE = "genuine", _("抽查属实")
    SCRIPTED = "scripted", _("疑似代刷/脚本")
    UNREACHABLE = "unreachable", _("联系不上")
