from django.urls import path

from tenderbox.submissions import views

app_name = "submissions"

urlpatterns = [
    path("opportunities/<str:reference>/respond/<int:supplier_id>", views.respond, name="respond"),
    path("opportunities/<str:reference>/respond/<int:supplier_id>/documents", views.upload, name="upload"),
    path(
        "opportunities/<str:reference>/respond/<int:supplier_id>/documents/<str:document_id>",
        views.own_document,
        name="own-document",
    ),
    path(
        "opportunities/<str:reference>/respond/<int:supplier_id>/documents/<str:document_id>/remove",
        views.remove_document,
        name="remove-document",
    ),
    path("opportunities/<str:reference>/respond/<int:supplier_id>/withdraw", views.withdraw, name="withdraw"),
    path(
        "opportunities/<str:reference>/respond/<int:supplier_id>/receipts/<str:version_id>",
        views.receipt,
        name="receipt",
    ),
    path("organisations/<int:org_id>/profile", views.profile, name="profile"),
    path("organisations/<int:org_id>/profile/documents", views.profile_document, name="profile-document"),
    path(
        "organisations/<int:org_id>/profile/documents/<str:document_id>/remove",
        views.remove_profile_document,
        name="remove-profile-document",
    ),
    path("buying/<int:procurement_id>/opening", views.opening, name="opening"),
    path("buying/<int:procurement_id>/tenders/", views.tenders, name="tenders"),
    path("buying/<int:procurement_id>/tenders/<str:version_id>", views.tender, name="tender"),
    path(
        "buying/<int:procurement_id>/tenders/<str:version_id>/documents/<str:document_id>",
        views.tender_document,
        name="tender-document",
    ),
]
