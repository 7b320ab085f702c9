from django.apps import AppConfig


class SpendConfig(AppConfig):
    name = "tenderbox.spend"
    label = "spend"
    verbose_name = "Spend, returns and fees"
