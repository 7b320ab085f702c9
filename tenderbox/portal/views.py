"""Public pages of the portal."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from tenderbox.privacy.map import Category, privacy_map
from tenderbox.privacy.register import PURPOSES
from tenderbox.privacy.retention import RULES


def home(request):
    return render(request, "portal/home.html")


def privacy(request):
    pmap = privacy_map()
    categories = sorted({str(f.category) for f in pmap.personal})
    return render(
        request,
        "portal/privacy.html",
        {
            "purposes": PURPOSES.values(),
            "rules": RULES.values(),
            "categories": categories,
            "category_enum": Category,
            "notice_version": settings.PRIVACY_NOTICE_VERSION,
            "privacy_email": settings.PRIVACY_OFFICER_EMAIL,
        },
    )


def cookies(request):
    return render(request, "portal/cookies.html", {"session_hours": settings.SESSION_COOKIE_AGE // 3600})


def accessibility(request):
    return render(request, "portal/accessibility.html")


def contact(request):
    return render(request, "portal/contact.html", {"privacy_email": settings.PRIVACY_OFFICER_EMAIL})


@never_cache
def health(request):
    """For the load balancer: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy, and is reported as such
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse({"database": database}, status=status)
