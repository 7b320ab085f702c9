"""Public pages of the privacy notice: the version in effect (at /privacy), every published version at
a stable URL, and the banner's accept button."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tenderbox.lib.views import safe_next
from tenderbox.privacy import notices
from tenderbox.privacy.notice_models import NoticeVersion


def _page(request, notice, *, sections):
    upcoming = notices.latest_notice()
    if upcoming is not None and notices.status(upcoming) != "upcoming":
        upcoming = None
    context = {
        "notice": notice,
        "state": notices.status(notice) if notice else "",
        "superseded_on": notices.superseded_on(notice) if notice else None,
        "version_label": notices.current_version_label(),
        "sections": sections,
        "upcoming": upcoming,
        "has_versions": NoticeVersion.objects.exists(),
        "body_html": notices.body_html,
    }
    return render(request, "privacy/notice.html", context)


def current(request):
    """The notice in effect, as published; before any version is published, the notice generated
    from the code (the privacy map and the registers)."""
    notice = notices.current_notice()
    if notice is None:
        return _page(request, None, sections=notices.draft_sections())
    if request.user.is_authenticated:
        notices.mark_seen(request.user, notice)
    return _page(request, notice, sections=list(notice.sections.order_by("position")))


def version(request, version):
    notice = NoticeVersion.objects.filter(version=version).first()
    if notice is None:
        raise Http404("No such version of the privacy notice.")
    if request.user.is_authenticated:
        notices.mark_seen(request.user, notice)
    return _page(request, notice, sections=list(notice.sections.order_by("position")))


def versions(request):
    current = notices.current_notice()
    ordered = NoticeVersion.objects.order_by("-effective_on", "-published_at")
    rows = [(v, notices.status(v, current=current)) for v in ordered]
    return render(request, "privacy/notices.html", {"versions": rows})


@login_required
@require_POST
def accept(request, version):
    notice = NoticeVersion.objects.filter(version=version).first()
    if notice is None:
        raise Http404("No such version of the privacy notice.")
    notices.accept(request.user, notice, via="banner", request=request)
    return redirect(safe_next(request, reverse("privacy:notice", args=[notice.version])))
