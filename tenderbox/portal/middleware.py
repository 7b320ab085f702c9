"""Turns a domain refusal that no view caught into a clear page with its status (400/403/409),
so a rule's refusal is never a 500."""

from django.shortcuts import render

from tenderbox.lib.errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        titles = {403: "You cannot do this", 409: "This cannot be done now"}
        return render(
            request,
            "portal/error.html",
            {"title": titles.get(exception.status, "There is a problem"), "text": exception.message},
            status=exception.status,
        )
