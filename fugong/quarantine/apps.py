from django.apps import AppConfig


class QuarantineConfig(AppConfig):
    name = "fugong.quarantine"
    verbose_name = "返区人员与隔离"
