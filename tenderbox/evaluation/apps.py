from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "tenderbox.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"
