from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "fugong.supervision"
    verbose_name = "督查检查"
