from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "tenderbox.organisations"
    label = "organisations"
    verbose_name = "Organisations"
