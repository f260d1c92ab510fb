from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "fugong.areas"
    verbose_name = "行政区划"
