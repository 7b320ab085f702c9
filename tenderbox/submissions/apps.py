from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "tenderbox.submissions"
    label = "submissions"
    verbose_name = "Submissions"
