from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "tenderbox.analytics"
    label = "analytics"
    verbose_name = "Analytics"
