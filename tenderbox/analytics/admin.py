"""Staff can read the counters; nobody edits them by hand."""

from django.contrib import admin

from tenderbox.analytics.models import DailyVisitors, PageView


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PageView)
class PageViewAdmin(ReadOnlyAdmin):
    list_display = ["day", "path", "views"]
    list_filter = ["day"]
    search_fields = ["path"]
    date_hierarchy = "day"


@admin.register(DailyVisitors)
class DailyVisitorsAdmin(ReadOnlyAdmin):
    list_display = ["day", "visitors"]
    date_hierarchy = "day"
