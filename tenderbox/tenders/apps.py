from django.apps import AppConfig


class TendersConfig(AppConfig):
    name = "tenderbox.tenders"
    label = "tenders"
    verbose_name = "Tenders"
