"""Helpers for thin views."""

from django.contrib import messages
from django.shortcuts import render

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
