from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "fugong.enterprises"
    verbose_name = "企业名录"
