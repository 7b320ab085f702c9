"""The only way to fetch organisations and their members for a user.

Another organisation's object is reported as not found (404), so ids cannot be probed; a member
without the needed role is refused (403). One condition per line, so each branch has a test.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tenderbox.organisations.models import Invitation, Membership, Organisation, Role


def memberships_for_user(user):
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation")


def get_membership(user, organisation_id) -> Membership:
    if not user.is_authenticated:
        raise Http404("No such organisation.")
    try:
        return Membership.objects.select_related("organisation").get(
            user=user, organisation_id=organisation_id
        )
    except (Membership.DoesNotExist, ValueError):
        raise Http404("No such organisation.") from None


def get_organisation_for_member(user, organisation_id) -> tuple[Organisation, Membership]:
    membership = get_membership(user, organisation_id)
    return membership.organisation, membership


def get_organisation_for_admin(user, organisation_id) -> tuple[Organisation, Membership]:
    membership = get_membership(user, organisation_id)
    if membership.role != Role.ADMIN:
        raise PermissionDenied("Only an organisation admin can do this.")
    return membership.organisation, membership


def get_member_for_admin(user, organisation_id, membership_id) -> tuple[Organisation, Membership]:
    organisation, _ = get_organisation_for_admin(user, organisation_id)
    try:
        target = Membership.objects.select_related("user").get(pk=membership_id, organisation=organisation)
    except (Membership.DoesNotExist, ValueError):
        raise Http404("No such member.") from None
    return organisation, target


def get_invitation_for_admin(user, organisation_id, invitation_id) -> tuple[Organisation, Invitation]:
    organisation, _ = get_organisation_for_admin(user, organisation_id)
    try:
        invitation = Invitation.objects.get(pk=invitation_id, organisation=organisation)
    except (Invitation.DoesNotExist, ValueError):
        raise Http404("No such invitation.") from None
    return organisation, invitation
