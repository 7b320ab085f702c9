from django.urls import path

from tenderbox.spend import views

app_name = "spend"

urlpatterns = [
    path("", views.index, name="index"),
    path("mi-return-template.csv", views.template_csv, name="template"),
    path("contracts/<int:contract_id>/", views.contract, name="contract"),
    path("contracts/<int:contract_id>/record", views.record, name="record"),
    path("contracts/<int:contract_id>/returns", views.upload, name="upload"),
    path("contracts/<int:contract_id>/spend.csv", views.export, name="export"),
    path(
        "frameworks/<int:framework_id>/suppliers/<int:supplier_id>/returns",
        views.framework_upload,
        name="framework-upload",
    ),
    path("frameworks/<int:framework_id>/fees", views.framework_fees, name="framework-fees"),
    path("frameworks/<int:framework_id>/fees/issue", views.issue_fee, name="issue-fee"),
    path("returns/<int:return_id>/file", views.return_file, name="return-file"),
    path("fees/", views.fee_invoices, name="fee-invoices"),
    path("fees/<int:invoice_id>", views.fee_invoice, name="fee-invoice"),
]
