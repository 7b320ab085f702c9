from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "tenderbox.frameworks"
    label = "frameworks"
    verbose_name = "Frameworks"
