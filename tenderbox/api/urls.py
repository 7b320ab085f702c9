"""The API object. The OpenAPI schema is at /api/v1/openapi.json, docs at /api/v1/docs.

Callers authenticate with an organisation's API token (`Authorization: Bearer tbx_…`) or, from the
site, with their session. Errors always have the body {"detail": "…"}.
"""

import contextlib
import functools
import json

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from tenderbox.api.auth import SessionAuth, TokenAuth
from tenderbox.lib.errors import DomainError

api = NinjaAPI(
    title="Tenderbox API",
    version="1",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=[TokenAuth(), SessionAuth()],
    # Per caller: a token or person 600 requests a minute, an anonymous address 120 (429 beyond).
    throttle=[AnonRateThrottle("120/m"), AuthRateThrottle("600/m")],
)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def refuse_nul_characters(view):
    """A NUL character in the path, the query or a JSON body is refused with 400 before any endpoint
    runs: PostgreSQL cannot store or even compare one, so it would otherwise fail as a 500."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        body = None
        if request.content_type == "application/json" and request.body:
            with contextlib.suppress(ValueError):
                body = json.loads(request.body)
        if (
            "\x00" in request.path
            or any(_has_nul(key) or _has_nul(values) for key, values in request.GET.lists())
            or any(_has_nul(v) for v in kwargs.values())
            or _has_nul(body)
        ):
            return api.create_response(
                request, {"detail": "The request contains a NUL character, which is not allowed."}, status=400
            )
        return view(request, *args, **kwargs)

    return wrapper


api.add_decorator(refuse_nul_characters, mode="view")


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    body = {"detail": exc.message}
    if getattr(exc, "errors", None):
        body["errors"] = exc.errors
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(OverflowError)
def number_too_large(request, exc):
    # An id beyond the database's 64-bit integers (SQLite refuses to even compare one): found by fuzzing.
    return api.create_response(request, {"detail": "A number in the request is too large."}, status=400)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


def _register_routers():
    from tenderbox.evaluation.api import router as evaluation
    from tenderbox.frameworks.api import router as frameworks
    from tenderbox.organisations.api import router as organisations
    from tenderbox.performance.api import router as performance
    from tenderbox.spend.api import router as spend
    from tenderbox.submissions.api import router as submissions
    from tenderbox.tenders.api import router as tenders

    api.add_router("/", organisations)
    api.add_router("/", tenders)
    api.add_router("/", submissions)
    api.add_router("/", evaluation)
    api.add_router("/", frameworks)
    api.add_router("/", spend)
    api.add_router("/", performance)


_register_routers()
