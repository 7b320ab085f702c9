from django.urls import path

from tenderbox.tenders import views

app_name = "tenders"

urlpatterns = [
    path("opportunities/", views.opportunity_search, name="search"),
    path("opportunities/feed.atom", views.feed, name="feed"),
    path("opportunities/<str:reference>/", views.opportunity, name="opportunity"),
    path(
        "opportunities/<str:reference>/documents/<int:document_id>", views.document_download, name="document"
    ),
    path("opportunities/<str:reference>/interest", views.register_interest, name="register-interest"),
    path("opportunities/<str:reference>/ask/<int:supplier_id>", views.ask_question, name="ask"),
    path("buying/", views.buying, name="buying"),
    path("buying/new/<int:org_id>", views.new_procurement, name="new"),
    path("buying/<int:procurement_id>/", views.manage, name="manage"),
    path("buying/<int:procurement_id>/edit", views.edit, name="edit"),
    path("buying/<int:procurement_id>/lots/add", views.add_lot, name="add-lot"),
    path("buying/<int:procurement_id>/criteria/add", views.add_criterion, name="add-criterion"),
    path("buying/<int:procurement_id>/questions/add", views.add_selection_question, name="add-question"),
    path("buying/<int:procurement_id>/documents/add", views.add_document, name="add-document"),
    path("buying/<int:procurement_id>/change/<str:what>", views.draft_change, name="draft-change"),
    path("buying/<int:procurement_id>/publish", views.publish, name="publish"),
    path("buying/<int:procurement_id>/amend", views.amend, name="amend"),
    path("buying/<int:procurement_id>/cancel", views.cancel, name="cancel"),
    path("buying/<int:procurement_id>/clarifications/new", views.new_clarification, name="new-clarification"),
    path("buying/<int:procurement_id>/clarifications/<int:clarification_id>", views.answer, name="answer"),
]
