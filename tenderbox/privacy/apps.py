from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "tenderbox.privacy"
    label = "privacy"
    verbose_name = "Privacy"
