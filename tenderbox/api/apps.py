from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tenderbox.api"
    label = "api"
    verbose_name = "API"
