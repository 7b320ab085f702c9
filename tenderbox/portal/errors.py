"""Error pages in the GOV.UK style (their content follows the Design System's page patterns)."""

from django.shortcuts import render


def bad_request(request, exception=None):
    return render(
        request,
        "portal/error.html",
        {
            "title": "Sorry, there is a problem with the request",
            "text": "Check what you entered and try again.",
        },
        status=400,
    )


def permission_denied(request, exception=None):
    text = str(exception) if exception and str(exception) else "You do not have permission to do this."
    return render(request, "portal/error.html", {"title": "You cannot do this", "text": text}, status=403)


def page_not_found(request, exception=None):
    return render(
        request,
        "portal/error.html",
        {"title": "Page not found", "text": "If you typed the web address, check it is correct."},
        status=404,
    )


def server_error(request):
    return render(
        request,
        "portal/error.html",
        {"title": "Sorry, there is a problem with the service", "text": "Try again later."},
        status=500,
    )


def csrf_failure(request, reason=""):
    """A refused form (expired page or a forged post), as a GOV.UK page rather than Django's plain one."""
    return render(
        request,
        "portal/error.html",
        {"title": "Sorry, this form has expired", "text": "Go back, reload the page and try again."},
        status=403,
    )
