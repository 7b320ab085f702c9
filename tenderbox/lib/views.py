"""Helpers for thin views."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from tenderbox.lib.errors import DomainError


def render_form(request, template: str, context: dict, *, invalid: bool = False):
    """Render a form page: 400 when the submission was refused, so every bad input is a 4xx."""
    return render(request, template, context, status=400 if invalid else 200)


def refuse(request, error: DomainError, template: str, context: dict):
    """Show a domain refusal on the page it came from, with the rule's own status (400/403/409)."""
    messages.error(request, error.message)
    context = {**context, "error_message": error.message}
    return render(request, template, context, status=error.status)


def safe_next(request, default: str) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def posted(request):
    """The form data of a POST, or None for a GET. (`request.POST or None` would treat an empty POST as
    no submission at all, showing the form again without saying what is missing.)"""
    return request.POST if request.method == "POST" else None


def uploaded(request):
    return request.FILES if request.method == "POST" else None


def same_origin_or_csrf_token(view):
    """CSRF protection for a form that must work before Tenderbox has set any cookie: the cookie banner.

    Django's check needs a token tied to a `csrftoken` cookie, and the banner is shown precisely
    because nothing but strictly necessary cookies may be set before the person chooses; we set none.
    Browsers name the origin a form was sent from in the `Origin` header of every POST, and a page on
    another site cannot change it, so a POST from our own origin (or a CSRF_TRUSTED_ORIGINS one) is
    accepted without a token. Everything else (another origin, "null", or a browser that sends no
    Origin) gets Django's full check: token, and Referer under HTTPS. See docs/decisions/0005.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and _from_own_origin(request):
            return view(request, *args, **kwargs)
        return protected(request, *args, **kwargs)

    return wrapper


def _from_own_origin(request) -> bool:
    origin = request.headers.get("Origin")
    if not origin:
        return False
    return origin == f"{request.scheme}://{request.get_host()}" or origin in settings.CSRF_TRUSTED_ORIGINS
