from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "tenderbox.performance"
    label = "performance"
    verbose_name = "Contract performance"
