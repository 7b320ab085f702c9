"""Organisation pages: details, members, invitations. Reads go through access.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tenderbox.lib.errors import DomainError
from tenderbox.lib.views import posted, render_form
from tenderbox.organisations import access, actions
from tenderbox.organisations.forms import InviteForm, RoleForm, SupplierForm, form_for
from tenderbox.organisations.models import Organisation, Role


@login_required
def organisation_list(request):
    return render(
        request,
        "organisations/list.html",
        {"memberships": access.memberships_for_user(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    """Register another supplier organisation (buyers are registered by Tenderbox staff)."""
    form = SupplierForm(posted(request))
    if request.method == "POST" and form.is_valid():
        org = actions.register_organisation(
            by=request.user, request=request, kind=Organisation.Kind.SUPPLIER, **form.cleaned_data
        )
        messages.success(request, f"{org.name} is registered. You are its admin.")
        return redirect("organisations:detail", org.pk)
    return render_form(request, "organisations/register.html", {"form": form}, invalid=bool(form.errors))


def _detail_context(organisation, membership, **extra):
    return {
        "organisation": organisation,
        "membership": membership,
        "is_admin": membership.role == Role.ADMIN,
        "members": organisation.memberships.select_related("user").order_by("user__full_name"),
        "invitations": [i for i in organisation.invitations.all()[:50] if i.status == "pending"],
        "role_choices": [(r.value, r.label) for r in actions.ROLES_BY_KIND[organisation.kind]],
        **extra,
    }


@login_required
def detail(request, org_id):
    organisation, membership = access.get_organisation_for_member(request.user, org_id)
    return render(request, "organisations/detail.html", _detail_context(organisation, membership))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, org_id):
    organisation, _ = access.get_organisation_for_admin(request.user, org_id)
    form = form_for(organisation)(posted(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        actions.update_details(organisation, form, by=request.user, request=request)
        messages.success(request, "The organisation's details are saved.")
        return redirect("organisations:detail", organisation.pk)
    return render_form(
        request,
        "organisations/edit.html",
        {"form": form, "organisation": organisation},
        invalid=bool(form.errors),
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, org_id):
    organisation, _ = access.get_organisation_for_admin(request.user, org_id)
    form = InviteForm(posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            actions.invite_member(
                organisation,
                form.cleaned_data["email"],
                form.cleaned_data["role"],
                by=request.user,
                request=request,
            )
        except DomainError as exc:
            form.add_error("email", exc.message)
            return render(
                request,
                "organisations/invite.html",
                {"form": form, "organisation": organisation},
                status=exc.status,
            )
        messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
        return redirect("organisations:detail", organisation.pk)
    return render_form(
        request,
        "organisations/invite.html",
        {"form": form, "organisation": organisation},
        invalid=bool(form.errors),
    )


@login_required
@require_POST
def change_role(request, org_id, membership_id):
    organisation, target = access.get_member_for_admin(request.user, org_id, membership_id)
    form = RoleForm(request.POST, organisation=organisation)
    if not form.is_valid():
        messages.error(request, "Select a role the organisation offers.")
        return redirect("organisations:detail", organisation.pk)
    try:
        actions.change_role(target, form.cleaned_data["role"], by=request.user, request=request)
    except DomainError as exc:
        membership = access.get_membership(request.user, org_id)
        return render(
            request,
            "organisations/detail.html",
            _detail_context(organisation, membership, error=exc.message),
            status=exc.status,
        )
    messages.success(request, f"{target.user.full_name} is now {target.get_role_display().lower()}.")
    return redirect("organisations:detail", organisation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def remove_member(request, org_id, membership_id):
    organisation, target = access.get_member_for_admin(request.user, org_id, membership_id)
    context = {"organisation": organisation, "target": target}
    if request.method == "POST":
        try:
            actions.remove_member(target, by=request.user, request=request)
        except DomainError as exc:
            return render(
                request,
                "organisations/remove.html",
                {**context, "error": exc.message},
                status=exc.status,
            )
        messages.success(request, f"{target.user.full_name} is no longer a member.")
        if target.user_id == request.user.pk:
            return redirect("organisations:list")
        return redirect("organisations:detail", organisation.pk)
    return render(request, "organisations/remove.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def leave(request, org_id):
    organisation, membership = access.get_organisation_for_member(request.user, org_id)
    context = {"organisation": organisation}
    if request.method == "POST":
        try:
            actions.remove_member(membership, by=request.user, request=request)
        except DomainError as exc:
            return render(
                request,
                "organisations/leave.html",
                {**context, "error": exc.message},
                status=exc.status,
            )
        messages.success(request, f"You have left {organisation.name}.")
        return redirect("organisations:list")
    return render(request, "organisations/leave.html", context)


@login_required
@require_POST
def revoke_invitation(request, org_id, invitation_id):
    organisation, invitation = access.get_invitation_for_admin(request.user, org_id, invitation_id)
    try:
        actions.revoke_invitation(invitation, by=request.user, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("organisations:detail", organisation.pk)
    messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("organisations:detail", organisation.pk)


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    invitation = actions.find_invitation(token)
    if invitation is None:
        return render(request, "organisations/invitation_invalid.html", status=404)
    context = {"invitation": invitation, "token": token}
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = actions.accept_invitation(invitation, user=request.user, request=request)
        except DomainError as exc:
            return render(
                request,
                "organisations/accept.html",
                {**context, "error": exc.message},
                status=exc.status,
            )
        messages.success(request, f"You have joined {membership.organisation.name}.")
        return redirect("organisations:detail", membership.organisation_id)
    status = 200 if invitation.status == "pending" else 410
    return render(request, "organisations/accept.html", context, status=status)
