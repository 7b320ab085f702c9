from django.urls import path

from tenderbox.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("evaluation/", views.queue, name="queue"),
    path("evaluation/<int:assignment_id>/", views.assignment, name="assignment"),
    path("evaluation/<int:assignment_id>/tenders/<str:version_id>", views.score, name="score"),
    path("buying/<int:procurement_id>/evaluation/", views.manage, name="manage"),
    path(
        "buying/<int:procurement_id>/evaluation/selection/<str:version_id>", views.selection, name="selection"
    ),
    path("buying/<int:procurement_id>/evaluation/moderate/<str:version_id>", views.moderate, name="moderate"),
    path("buying/<int:procurement_id>/evaluation/award", views.award, name="award"),
    path("buying/<int:procurement_id>/contract", views.enter_contract, name="enter-contract"),
    path(
        "opportunities/<str:reference>/respond/<int:supplier_id>/assessment",
        views.assessment,
        name="assessment",
    ),
]
