from django.urls import path

from tenderbox.privacy import notice_views, subject_views, views

app_name = "privacy"

urlpatterns = [
    path("marketing", views.marketing, name="marketing"),
    path("complaint", views.complaint, name="complaint"),
    path("marketing/unsubscribe/<str:token>", views.marketing_unsubscribe, name="marketing-unsubscribe"),
    path("your-data", subject_views.your_data, name="your-data"),
    path("requests/<str:reference>", subject_views.request_detail, name="request"),
    path("request", subject_views.public_request, name="public-request"),
    path("request/confirm/<str:token>", subject_views.confirm_email, name="confirm-email"),
    path("download/<str:token>", subject_views.download, name="download"),
    path("officer/", subject_views.officer_queue, name="officer-queue"),
    path("officer/<int:pk>", subject_views.officer_request, name="officer-request"),
    path(
        "officer/<int:pk>/evidence/<int:evidence_id>", subject_views.officer_evidence, name="officer-evidence"
    ),
    path("notices", notice_views.versions, name="notices"),
    path("notice/<str:version>", notice_views.version, name="notice"),
    path("notice/<str:version>/accept", notice_views.accept, name="notice-accept"),
]
