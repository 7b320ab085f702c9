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


class RefuseNulCharactersMiddleware:
    """A NUL character in a page's address or query string is a 400 before any view runs: PostgreSQL
    cannot store or compare one, so a lookup by it would fail as a 500. (Form fields already refuse
    it: Django's CharField validates against null characters; the API has its own guard.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self.get_response(request)  # the API answers in JSON with its own guard
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            from tenderbox.portal.errors import bad_request

            return bad_request(request)
        return self.get_response(request)
