from django.urls import path

from tenderbox.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("frameworks/", views.framework_list, name="list"),
    path("frameworks/<str:reference>/", views.framework_page, name="public"),
    path("frameworks/<str:reference>/documents/<int:document_id>", views.document, name="document"),
    path("managing/frameworks/", views.owned, name="owned"),
    path("managing/frameworks/new/<int:org_id>", views.new_framework, name="new"),
    path("managing/frameworks/<int:framework_id>/", views.manage, name="manage"),
    path("managing/frameworks/<int:framework_id>/lots/add", views.add_lot, name="add-lot"),
    path("managing/frameworks/<int:framework_id>/eligibility", views.eligibility, name="eligibility"),
    path("managing/frameworks/<int:framework_id>/documents/add", views.add_document, name="add-document"),
    path("managing/frameworks/<int:framework_id>/live", views.go_live, name="go-live"),
    path("managing/frameworks/<int:framework_id>/import", views.import_suppliers, name="import"),
    path(
        "managing/frameworks/<int:framework_id>/appoint", views.appoint_from_award, name="appoint-from-award"
    ),
    path("managing/frameworks/<int:framework_id>/extend", views.extend, name="extend"),
    path(
        "managing/frameworks/<int:framework_id>/appointments/<int:appointment_id>/<str:verb>",
        views.change_appointment,
        name="appointment",
    ),
    path("call-off/<int:org_id>/lots/<int:lot_id>/competition", views.start_competition, name="competition"),
    path("call-off/<int:org_id>/lots/<int:lot_id>/direct-award", views.direct_award, name="direct-award"),
]
