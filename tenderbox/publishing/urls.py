from django.urls import path

from tenderbox.publishing import views

app_name = "ocds"

urlpatterns = [
    path("releases", views.release_list, name="releases"),
    path("releases/<str:ocid>", views.release_package, name="release-package"),
    path("records/<str:ocid>", views.record_package, name="record-package"),
    path("bulk/releases.jsonl.gz", views.bulk, name="bulk"),
]
