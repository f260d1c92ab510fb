from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "fugong.demo"
    verbose_name = "演示数据"
