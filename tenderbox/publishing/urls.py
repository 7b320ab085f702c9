"""Open data: the OCDS API, the registers and the statistics, mounted at the site root with one line."""

from django.urls import path

from tenderbox.publishing import views

app_name = "publishing"

urlpatterns = [
    path("api/ocds/releases", views.release_list, name="ocds-releases"),
    path("api/ocds/releases/<str:ocid>", views.release_package, name="ocds-release-package"),
    path("api/ocds/records/<str:ocid>", views.record_package, name="ocds-record-package"),
    path("api/ocds/bulk/releases.jsonl.gz", views.bulk, name="ocds-bulk"),
    path("registers/", views.register_index, name="registers"),
    path("registers/<slug:slug>/", views.register, name="register"),
    path("statistics/", views.statistics_index, name="statistics"),
    path("statistics/<slug:slug>/", views.statistic, name="statistic"),
]
