from django.urls import path

from tenderbox.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("register", views.register, name="register"),
    path("<int:org_id>/", views.detail, name="detail"),
    path("<int:org_id>/edit", views.edit, name="edit"),
    path("<int:org_id>/invite", views.invite, name="invite"),
    path("<int:org_id>/leave", views.leave, name="leave"),
    path("<int:org_id>/members/<int:membership_id>/role", views.change_role, name="change-role"),
    path("<int:org_id>/members/<int:membership_id>/remove", views.remove_member, name="remove-member"),
    path(
        "<int:org_id>/invitations/<int:invitation_id>/revoke",
        views.revoke_invitation,
        name="revoke-invitation",
    ),
    path("invitations/<str:token>", views.accept_invitation, name="accept-invitation"),
]
