"""The communications archive, searchable by the privacy officer (Tenderbox staff, two-factor)."""

from django.contrib import admin

from tenderbox.notifications.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to_email", "subject", "purpose", "status", "sent_at"]
    list_filter = ["status", "purpose"]
    search_fields = ["to_email", "subject", "body"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
