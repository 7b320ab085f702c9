"""Read-only admin view of the audit trail."""

from django.contrib import admin

from tenderbox.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "seq",
        "created_at",
        "verb",
        "actor_id",
        "organisation_id",
        "object_type",
        "object_id",
    ]
    list_filter = ["verb"]
    search_fields = ["verb", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
