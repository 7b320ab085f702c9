from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "tenderbox.publishing"
    label = "publishing"
    verbose_name = "Publishing (open data)"
