from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "fugong.notices"
    verbose_name = "通知公告"
