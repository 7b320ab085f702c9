"""Top-level URLs: each app brings its own."""

from django.contrib import admin
from django.urls import include, path

from tenderbox.api.urls import api

urlpatterns = [
    path("", include("tenderbox.portal.urls")),
    path("account/", include("tenderbox.accounts.urls")),
    path("organisations/", include("tenderbox.organisations.urls")),
    path("organisations/", include("tenderbox.api.token_urls")),
    path("", include("tenderbox.tenders.urls")),
    path("", include("tenderbox.submissions.urls")),
    path("", include("tenderbox.evaluation.urls")),
    path("", include("tenderbox.frameworks.urls")),
    path("", include("tenderbox.contracts.urls")),
    path("", include("tenderbox.notifications.urls")),
    path("privacy/", include("tenderbox.privacy.urls")),
    path("spend/", include("tenderbox.spend.urls")),
    path("performance/", include("tenderbox.performance.urls")),
    path("", include("tenderbox.publishing.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "tenderbox.portal.errors.bad_request"
handler403 = "tenderbox.portal.errors.permission_denied"
handler404 = "tenderbox.portal.errors.page_not_found"
handler500 = "tenderbox.portal.errors.server_error"
