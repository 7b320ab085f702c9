from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tenderbox.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self):
        from tenderbox.portal import system_checks  # noqa: F401 - registers the deployment checks
