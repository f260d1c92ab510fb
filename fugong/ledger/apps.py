from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "fugong.ledger"
    verbose_name = "问题台账"
