from django.apps import AppConfig, apps


class PublishingConfig(AppConfig):
    name = "tenderbox.publishing"
    label = "publishing"
    verbose_name = "Publishing (open data)"

    def ready(self):
        # Payments come from the spend app when it is installed (publishing/sources.py).
        if apps.is_installed("tenderbox.spend"):
            from tenderbox.publishing.sources import register_transaction_source
            from tenderbox.publishing.spend_source import spend_transactions

            register_transaction_source(spend_transactions)
        # KPIs, their targets and reported values come from the performance app when it is installed.
        if apps.is_installed("tenderbox.performance"):
            from tenderbox.publishing.performance_source import kpi_metrics
            from tenderbox.publishing.sources import register_metric_source

            register_metric_source(kpi_metrics)
