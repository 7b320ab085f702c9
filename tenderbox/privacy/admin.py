"""Admin pages for legal holds, the retention explanation and retention runs (Tenderbox staff only,
behind two-factor sign-in). Holds are placed and lifted through privacy/holds.py, so each is audited;
they are never edited or deleted by hand."""

from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from tenderbox.lib.errors import DomainError
from tenderbox.privacy import (
    notice_admin,  # noqa: F401 - registers the privacy notice's admin pages
    retention_engine,
)
from tenderbox.privacy.holds import lift_legal_hold, place_legal_hold
from tenderbox.privacy.models import Breach, Complaint, LegalHold, Processor, RetentionCursor, RetentionRun

TARGETS = ["user", "organisation", "procurement"]


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    list_display = ["__str__", "placed_at", "placed_by", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    raw_id_fields = TARGETS
    fields = [*TARGETS, "reason", "placed_by", "placed_at", "lifted_by", "lifted_at"]
    actions = ["lift"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["placed_by", "placed_at", "lifted_by", "lifted_at"]
        return self.fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return  # a hold is never edited: lift it and place a new one
        hold = place_legal_hold(
            by=request.user,
            reason=obj.reason,
            user=obj.user,
            organisation=obj.organisation,
            procurement=obj.procurement,
            request=request,
        )
        obj.pk, obj.placed_by, obj.placed_at = hold.pk, hold.placed_by, hold.placed_at

    @admin.action(description="Lift the selected legal holds", permissions=["change"])
    def lift(self, request, queryset):
        lifted = 0
        for hold in queryset.filter(lifted_at=None):
            try:
                lift_legal_hold(hold, by=request.user, request=request)
                lifted += 1
            except DomainError as exc:
                self.message_user(request, exc.message, messages.WARNING)
        self.message_user(request, f"Lifted {lifted} legal hold(s).", messages.SUCCESS)

    def get_urls(self):
        explain = path(
            "explain/",
            self.admin_site.admin_view(self.explain_view),
            name="privacy_legalhold_explain",
        )
        return [explain, *super().get_urls()]

    def explain_view(self, request):
        """The privacy officer's screen: why a record is still kept, under which rule, until when."""
        if not self.has_view_permission(request):
            raise DjangoPermissionDenied
        model, pk = request.GET.get("model", "").strip(), request.GET.get("pk", "").strip()
        lines, error = [], ""
        if model and pk:
            try:
                lines = retention_engine.explain(model, pk).lines
            except LookupError:
                error = f"No model {model}: give app_label.Model, e.g. accounts.User."
            except (ObjectDoesNotExist, ValidationError, ValueError):
                error = f"No {model} with primary key {pk}."
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Why is this record kept?",
            "model": model,
            "pk": pk,
            "lines": lines,
            "error": error,
        }
        return TemplateResponse(request, "admin/privacy/explain.html", context)


class RetentionCursorInline(admin.TabularInline):
    model = RetentionCursor
    extra = 0
    can_delete = False
    fields = ["population", "done", "last_pk", "applied", "warned", "notice_running", "kept_by_floor", "held"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "started_at", "finished_at", "running"]
    readonly_fields = ["started_at", "finished_at", "running"]
    inlines = [RetentionCursorInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Processor)
class ProcessorAdmin(admin.ModelAdmin):
    """The register of processors; the public privacy page renders it."""

    list_display = ["name", "service", "location", "due_diligence_on", "agreement_in_place"]
    change_list_template = "admin/privacy/processor/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.register_view)
        return [
            path("register-of-processing/", view, name="privacy_register_of_processing"),
            *super().get_urls(),
        ]

    def register_view(self, request):
        """The privacy officer's register of processing (Art. 30), with the processors from the database."""
        from tenderbox.privacy import processing_register

        if not self.has_view_permission(request):
            raise DjangoPermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Register of processing activities (UK GDPR Art. 30)",
            "controller": processing_register.controller(),
            "activities": processing_register.activities(),
            "security_measures": processing_register.SECURITY_MEASURES,
            "processors": Processor.objects.all(),
        }
        return TemplateResponse(request, "admin/privacy/register_of_processing.html", context)


@admin.register(Breach)
class BreachAdmin(admin.ModelAdmin):
    """The breach log, with the 72-hour reporting deadline shown and overdue reports flagged."""

    list_display = [
        "became_aware_at",
        "risk_to_people",
        "high_risk",
        "ico_deadline",
        "reported_to_ico_at",
        "overdue",
    ]
    readonly_fields = ["recorded_by"]

    @admin.display(boolean=True, description="ICO report overdue")
    def overdue(self, obj):
        return obj.report_overdue()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Complaints: acknowledged on receipt; writing an outcome closes the complaint and tells the person
    (with their right to go to the ICO)."""

    list_display = ["received_at", "name", "status", "acknowledge_by", "closed_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "details"]
    readonly_fields = [
        "name",
        "email",
        "user",
        "details",
        "received_at",
        "status",
        "acknowledged_at",
        "closed_at",
    ]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        from tenderbox.privacy.actions import close_complaint

        if "outcome" in form.changed_data and obj.status != Complaint.Status.CLOSED:
            close_complaint(
                Complaint.objects.get(pk=obj.pk), outcome=obj.outcome, by=request.user, request=request
            )
        else:
            super().save_model(request, obj, form, change)
