from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "fugong.health"
    verbose_name = "人员与健康"
