from django.urls import path

from tenderbox.contracts import views

app_name = "contracts"

urlpatterns = [
    path("contracts/", views.contract_list, name="list"),
    path("contracts/<int:contract_id>/", views.detail, name="detail"),
    path("contracts/<int:contract_id>/change", views.change, name="change"),
    path("contracts/<int:contract_id>/terminate", views.terminate, name="terminate"),
]
