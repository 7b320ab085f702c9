from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tenderbox.audit"
    label = "audit"
    verbose_name = "Audit trail"
