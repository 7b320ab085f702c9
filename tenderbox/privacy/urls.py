from django.urls import path

from tenderbox.privacy import views

app_name = "privacy"

urlpatterns = [
    path("marketing", views.marketing, name="marketing"),
    path("complaint", views.complaint, name="complaint"),
    path("marketing/unsubscribe/<str:token>", views.marketing_unsubscribe, name="marketing-unsubscribe"),
]
