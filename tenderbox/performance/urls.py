from django.urls import path

from tenderbox.performance import views

app_name = "performance"

urlpatterns = [
    path("", views.index, name="index"),
    path("contracts/<int:contract_id>/", views.contract, name="contract"),
    path("contracts/<int:contract_id>/kpis.csv", views.contract_csv, name="contract-csv"),
    path("contracts/<int:contract_id>/kpis/new", views.new_contract_kpi, name="contract-kpi-new"),
    path("contracts/<int:contract_id>/kpis/<int:kpi_id>/report", views.report, name="report"),
    path("contracts/<int:contract_id>/rate", views.rate, name="rate"),
    path("frameworks/<int:framework_id>/", views.framework, name="framework"),
    path("frameworks/<int:framework_id>/kpis.csv", views.framework_csv, name="framework-csv"),
    path("frameworks/<int:framework_id>/kpis/new", views.new_framework_kpi, name="framework-kpi-new"),
    path("suppliers/<int:supplier_id>/", views.supplier, name="supplier"),
    path("suppliers/<int:supplier_id>/kpis.csv", views.supplier_csv, name="supplier-csv"),
]
