from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tenderbox.portal"
    label = "portal"
    verbose_name = "Portal"
