from django.urls import path

from tenderbox.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy", views.privacy, name="privacy"),
    path("cookies", views.cookies, name="cookies"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("contact", views.contact, name="contact"),
    path("health", views.health, name="health"),
]
