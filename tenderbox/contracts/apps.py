from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "tenderbox.contracts"
    label = "contracts"
    verbose_name = "Contracts"
