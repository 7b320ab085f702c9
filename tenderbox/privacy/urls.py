from django.urls import path

from tenderbox.privacy import notice_views, views

app_name = "privacy"

urlpatterns = [
    path("marketing", views.marketing, name="marketing"),
    path("complaint", views.complaint, name="complaint"),
    path("marketing/unsubscribe/<str:token>", views.marketing_unsubscribe, name="marketing-unsubscribe"),
    path("notices", notice_views.versions, name="notices"),
    path("notice/<str:version>", notice_views.version, name="notice"),
    path("notice/<str:version>/accept", notice_views.accept, name="notice-accept"),
]
