from django.urls import path

from tenderbox.notifications import views

app_name = "notifications"

urlpatterns = [
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:subscription_id>/stop", views.stop, name="stop-alert"),
    path("alerts/unsubscribe/<str:token>", views.unsubscribe, name="alert-unsubscribe"),
]
