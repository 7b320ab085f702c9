from django.urls import path

from tenderbox.api import views

app_name = "api-tokens"

urlpatterns = [
    path("<int:org_id>/api-tokens", views.tokens, name="list"),
    path("<int:org_id>/api-tokens/<int:token_id>/revoke", views.revoke, name="revoke"),
]
