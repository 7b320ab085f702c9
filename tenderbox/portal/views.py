"""Public pages of the portal."""

from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tenderbox.analytics import consent
from tenderbox.analytics.forms import CookieChoiceForm
from tenderbox.lib.views import posted, render_form, safe_next, same_origin_or_csrf_token


def home(request):
    return render(request, "portal/home.html")


def privacy(request):
    """The privacy notice in effect (privacy/notice_views.py renders it and its versions)."""
    from tenderbox.privacy.notice_views import current

    return current(request)


@require_http_methods(["GET", "POST"])
@same_origin_or_csrf_token
def cookies(request):
    """The cookies page, and where both its form and the cookie banner's buttons post the choice.

    The choice is kept only in the browser (`cookies_policy`), never against a person. The banner
    sends `next`, the page it was on, and goes back there; the page's own form comes back here.
    """
    choice = consent.current_choice(request)
    initial = {"analytics": "yes" if choice.analytics else "no"} if choice else {}
    form = CookieChoiceForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        accepted = form.cleaned_data["analytics"]
        if "next" in request.POST:
            response = redirect(safe_next(request, reverse("portal:home")))
            word = "accepted" if accepted else "rejected"
            messages.success(request, f"You’ve {word} analytics cookies.", extra_tags="cookie-banner")
        else:
            response = redirect("portal:cookies")
            messages.success(request, "You’ve set your cookie preferences.")
        consent.remember_choice(request, response, analytics=accepted)
        return response
    context = {
        "form": form,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session_hours": settings.SESSION_COOKIE_AGE // 3600,
        "idle_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "policy_cookie": consent.POLICY_COOKIE,
        "analytics_cookie": consent.ANALYTICS_COOKIE,
    }
    return render_form(request, "portal/cookies.html", context, invalid=bool(form.errors))


def accessibility(request):
    return render(request, "portal/accessibility.html")


def contact(request):
    return render(request, "portal/contact.html", {"privacy_email": settings.PRIVACY_OFFICER_EMAIL})


@never_cache
def health(request):
    """For the load balancer: 200 when the database, the task queue and file storage answer; 503 and
    which one failed otherwise."""
    checks = {"database": _check_database, "task_queue": _check_task_queue, "storage": _check_storage}
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception:  # noqa: BLE001 - any failure means unhealthy, and is reported as such
            results[name] = "unavailable"
    status = 200 if all(v == "ok" for v in results.values()) else 503
    return JsonResponse(results, status=status)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_task_queue():
    from huey.contrib.djhuey import HUEY

    HUEY.pending_count()  # reads the queue's storage (SQLite file or Redis)


def _check_storage():
    from django.core.files.storage import default_storage

    default_storage.exists("health-check")
