"""The API object. The OpenAPI schema is at /api/v1/openapi.json, docs at /api/v1/docs.

Callers authenticate with an organisation's API token (`Authorization: Bearer tbx_…`) or, from the
site, with their session. Errors always have the body {"detail": "…"}.
"""

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


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    body = {"detail": exc.message}
    if getattr(exc, "errors", None):
        body["errors"] = exc.errors
    return api.create_response(request, body, status=exc.status)


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
