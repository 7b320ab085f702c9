from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tenderbox.accounts"
    label = "accounts"
    verbose_name = "Accounts"
