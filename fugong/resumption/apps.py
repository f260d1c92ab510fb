from django.apps import AppConfig


class ResumptionConfig(AppConfig):
    name = "fugong.resumption"
    verbose_name = "复工复产"

    def ready(self):
        from fugong.enterprises.signals import registry_changed

        from .services import on_registry_changed

        registry_changed.connect(on_registry_changed, dispatch_uid="resumption-tallies")
