from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "fugong.checkins"
    verbose_name = "健康打卡"
