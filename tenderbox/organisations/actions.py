"""Workflows over organisations, members and invitations: each one transaction with its audit event."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.lib.errors import Conflict, DomainError
from tenderbox.notifications.actions import send_email
from tenderbox.organisations.models import (
    ROLES_BY_KIND,
    Invitation,
    Membership,
    Organisation,
    Role,
    hash_token,
)


def _check_role(organisation: Organisation, role: str) -> None:
    if role not in ROLES_BY_KIND[organisation.kind]:
        allowed = ", ".join(Role(r).label for r in ROLES_BY_KIND[organisation.kind])
        raise DomainError(f"A {organisation.get_kind_display().lower()} offers these roles: {allowed}.")


def register_organisation(*, by, request=None, **fields) -> Organisation:
    """Create an organisation with its creator as its first admin."""
    with transaction.atomic():
        organisation = Organisation.objects.create(**fields)
        membership = Membership.objects.create(user=by, organisation=organisation, role=Role.ADMIN)
        record(
            "organisation.registered",
            actor=by,
            organisation=organisation,
            obj=organisation,
            after={"kind": organisation.kind},
            request=request,
        )
        record(
            "membership.added",
            actor=by,
            organisation=organisation,
            obj=membership,
            subject=by,
            after={"role": membership.role},
            request=request,
        )
    return organisation


def _lock_admins(organisation: Organisation) -> list[int]:
    """Lock the organisation's admin memberships (row locks on PostgreSQL; SQLite's write lock
    serialises the whole transaction), so two admins cannot both leave at once."""
    return list(
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=Role.ADMIN)
        .values_list("pk", flat=True)
    )


def _ensure_not_last_admin(organisation: Organisation, membership: Membership) -> None:
    admins = _lock_admins(organisation)
    if membership.pk in admins and len(admins) == 1:
        raise Conflict("An organisation must keep at least one admin. Make another member an admin first.")


def change_role(membership: Membership, role: str, *, by, request=None) -> Membership:
    organisation = membership.organisation
    _check_role(organisation, role)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == role:
            return membership
        if role != Role.ADMIN:
            _ensure_not_last_admin(organisation, membership)
        before = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        record(
            "membership.role_changed",
            actor=by,
            organisation=organisation,
            obj=membership,
            subject=membership.user,
            before={"role": before},
            after={"role": role},
            request=request,
        )
    return membership


def remove_member(membership: Membership, *, by, request=None) -> None:
    """Remove a member (or, when `by` is the member, leave). Access ends with the row."""
    organisation = membership.organisation
    with transaction.atomic():
        _ensure_not_last_admin(organisation, membership)
        verb = "membership.left" if by.pk == membership.user_id else "membership.removed"
        record(
            verb,
            actor=by,
            organisation=organisation,
            obj=membership,
            subject=membership.user,
            before={"role": membership.role},
            request=request,
        )
        membership.delete()


def invite_member(organisation: Organisation, email: str, role: str, *, by, request=None) -> Invitation:
    """Email a single-use link that lets the owner of `email` join with `role`."""
    _check_role(organisation, role)
    email = email.strip()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise Conflict(f"{email} is already a member of {organisation}.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # A new invitation to the same address replaces any pending one.
        Invitation.objects.filter(
            organisation=organisation,
            email__iexact=email,
            accepted_at=None,
            revoked_at=None,
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            token_hash=hash_token(token),
            invited_by=by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        record(
            "invitation.sent",
            actor=by,
            organisation=organisation,
            obj=invitation,
            after={"role": role},
            request=request,
        )
        link = settings.SITE_URL + reverse("organisations:accept-invitation", args=[token])
        send_email(
            to=email,
            subject=f"You are invited to join {organisation} on Tenderbox",
            template="organisations/email/invitation.txt",
            context={
                "organisation": organisation,
                "invitation": invitation,
                "link": link,
                "inviter": by,
            },
            purpose="portal_service",
        )
    return invitation


def find_invitation(token: str) -> Invitation | None:
    return Invitation.objects.select_related("organisation").filter(token_hash=hash_token(token)).first()


def accept_invitation(invitation: Invitation, *, user, request=None) -> Membership:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        status = invitation.status
        if status != "pending":
            raise Conflict(
                {
                    "accepted": "This invitation has already been used.",
                    "revoked": "This invitation was withdrawn. Ask the organisation for a new one.",
                    "expired": "This invitation has expired. Ask the organisation for a new one.",
                }[status]
            )
        if invitation.email.lower() != user.email.lower():
            raise DomainError(
                "This invitation was sent to a different email address. Sign in with the address "
                "it was sent to."
            )
        if Membership.objects.filter(user=user, organisation=invitation.organisation).exists():
            raise Conflict(f"You are already a member of {invitation.organisation}.")
        membership = Membership.objects.create(
            user=user, organisation=invitation.organisation, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record(
            "invitation.accepted",
            actor=user,
            organisation=invitation.organisation,
            obj=invitation,
            request=request,
        )
        record(
            "membership.added",
            actor=user,
            organisation=invitation.organisation,
            obj=membership,
            subject=user,
            after={"role": membership.role},
            request=request,
        )
    return membership


def revoke_invitation(invitation: Invitation, *, by, request=None) -> None:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != "pending":
            raise Conflict("Only a pending invitation can be withdrawn.")
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record(
            "invitation.revoked",
            actor=by,
            organisation=invitation.organisation,
            obj=invitation,
            request=request,
        )


def sign_up_supplier(*, person: dict, organisation: dict, request=None):
    """A new person registers with their supplier organisation: both or neither are saved."""
    from tenderbox.accounts.actions import sign_up

    with transaction.atomic():
        user = sign_up(request=request, organisation=organisation, **person)
        org = register_organisation(by=user, request=request, kind=Organisation.Kind.SUPPLIER, **organisation)
    return user, org


def update_details(organisation: Organisation, form, *, by, request=None) -> Organisation:
    """Save an admin's edit of the organisation's details (rectification of its record)."""
    with transaction.atomic():
        changed = list(form.changed_data)
        if changed:
            form.save()
            record(
                "organisation.updated",
                actor=by,
                organisation=organisation,
                obj=organisation,
                after={"fields": sorted(changed)},
                request=request,
            )
    return organisation


def sign_up_by_invitation(*, person: dict, invitation: Invitation, request=None):
    """Sign up through an invitation sent to the same address: the emailed link proves control of
    the address, so the account is verified and joins the organisation in one step."""
    from tenderbox.accounts.actions import sign_up

    if invitation.email.lower() != person["email"].lower():
        raise DomainError("Use the email address the invitation was sent to.")
    with transaction.atomic():
        user = sign_up(request=request, verified=True, **person)
        membership = accept_invitation(invitation, user=user, request=request)
    return user, membership
