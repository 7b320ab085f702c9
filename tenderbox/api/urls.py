"""The API object. The OpenAPI schema is at /api/v1/openapi.json, docs at /api/v1/docs."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.security import django_auth

from tenderbox.lib.errors import DomainError

api = NinjaAPI(
    title="Tenderbox API",
    version="1",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=django_auth,
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden."}, status=403)


def _register_routers():
    from tenderbox.organisations.api import router as organisations

    api.add_router("/", organisations)


_register_routers()
