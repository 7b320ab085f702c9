"""The staff page for the privacy notice (admin site, behind two-factor sign-in): published versions,
read-only, and the draft generated from the code with its difference from the latest version and a
form to publish it with an effective date. Imported by privacy/admin.py."""

from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from tenderbox.lib.errors import DomainError
from tenderbox.privacy import notices
from tenderbox.privacy.notice_models import NoticeSection, NoticeVersion


class NoticeSectionInline(admin.StackedInline):
    model = NoticeSection
    extra = 0
    can_delete = False
    fields = ["position", "key", "heading", "body"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(NoticeVersion)
class NoticeVersionAdmin(admin.ModelAdmin):
    """Versions are never edited or deleted: a change is a new version, published from the draft."""

    list_display = [
        "version",
        "effective_on",
        "state",
        "published_at",
        "published_by",
        "emailed",
        "seen",
        "accepted",
    ]
    readonly_fields = ["version", "summary", "effective_on", "published_at", "published_by", "emails_done_at"]
    inlines = [NoticeSectionInline]
    change_list_template = "admin/privacy/noticeversion/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_emailed=Count("acknowledgements", filter=Q(acknowledgements__emailed_at__isnull=False)),
                n_seen=Count("acknowledgements", filter=Q(acknowledgements__seen_at__isnull=False)),
                n_accepted=Count("acknowledgements", filter=Q(acknowledgements__accepted_at__isnull=False)),
            )
        )

    @admin.display(description="status")
    def state(self, obj):
        return notices.status(obj)

    @admin.display(description="emailed", ordering="n_emailed")
    def emailed(self, obj):
        return obj.n_emailed

    @admin.display(description="seen", ordering="n_seen")
    def seen(self, obj):
        return obj.n_seen

    @admin.display(description="accepted", ordering="n_accepted")
    def accepted(self, obj):
        return obj.n_accepted

    def has_add_permission(self, request):
        return False  # published only from the draft page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.draft_view)
        draft = path("draft/", view, name="privacy_noticeversion_draft")
        return [draft, *super().get_urls()]

    def draft_view(self, request):
        """The notice generated from the code, what differs from the latest version, and publishing it."""
        if not self.has_view_permission(request):
            raise DjangoPermissionDenied
        can_publish = request.user.is_staff and request.user.has_perm("privacy.add_noticeversion")
        sections = notices.draft_sections()
        draft_text = notices.sections_markdown(sections)
        latest = notices.latest_notice()
        diff = []
        if latest is not None:
            diff = notices.difference(
                latest.text(), draft_text, old_label=f"version {latest.version}", new_label="draft"
            )
        today = timezone.localdate()
        values = {"version": today.isoformat(), "effective_on": "", "summary": ""}
        error, status = "", 200
        if request.method == "POST":
            values = {k: request.POST.get(k, "").strip() for k in values}
            if not can_publish:
                raise DjangoPermissionDenied
            try:
                effective_on = date.fromisoformat(values["effective_on"]) if values["effective_on"] else None
            except ValueError:
                error, status = "Give the effective day as a date, such as 2027-01-15.", 400
            else:
                try:
                    notice = notices.publish_notice(
                        version=values["version"],
                        effective_on=effective_on,
                        summary=values["summary"],
                        by=request.user,
                        request=request,
                    )
                except DomainError as exc:
                    error, status = exc.message, exc.status
                else:
                    self.message_user(
                        request,
                        f"Published version {notice.version}, in effect from "
                        f"{notice.effective_on:%-d %B %Y}. "
                        "Account holders are being emailed.",
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:privacy_noticeversion_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Privacy notice: draft generated from the code",
            "latest": latest,
            "diff": diff,
            "changed": latest is None or bool(diff),
            "sections": sections,
            "values": values,
            "error": error,
            "can_publish": can_publish,
            "today": today,
        }
        return TemplateResponse(request, "admin/privacy/notice_draft.html", context, status=status)
