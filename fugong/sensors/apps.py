from django.apps import AppConfig


class SensorsConfig(AppConfig):
    name = "fugong.sensors"
    verbose_name = "门磁与感应设备"
