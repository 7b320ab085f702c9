"""The only way to fetch frameworks, lots and appointments for a person.

- Anyone sees live and expired frameworks (their lots and appointed suppliers are published); a draft
  exists only for its owner's staff (404 for everyone else).
- The owner's buyer staff (admin or buyer role) manage a framework; another organisation gets 404, a
  member without the role 403.
- An authority's buyer staff call off a lot only for an authority the framework names or describes
  (403 with the reason otherwise; frameworks.actions.check_call_off decides again at the moment of
  the call-off).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tenderbox.frameworks.models import Appointment, Framework, FrameworkLot
from tenderbox.organisations.access import get_membership
from tenderbox.organisations.models import Organisation
from tenderbox.tenders.access import BUYER_ROLES


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such framework.") from None


def get_public_framework(reference: str) -> Framework:
    framework = Framework.objects.public().select_related("owner").filter(reference=reference).first()
    if framework is None:
        raise Http404("No such framework.")
    return framework


def get_framework_for_owner(user, framework_id) -> Framework:
    framework = Framework.objects.select_related("owner").filter(pk=_int(framework_id)).first()
    if framework is None:
        raise Http404("No such framework.")
    membership = get_membership(user, framework.owner_id)  # 404 for another organisation
    if membership.role not in BUYER_ROLES:
        raise PermissionDenied("Only the framework owner's buyers can manage it.")
    return framework


def frameworks_for_owner(user):
    if not user.is_authenticated:
        return Framework.objects.none()
    return Framework.objects.filter(
        owner__memberships__user=user, owner__memberships__role__in=BUYER_ROLES
    ).distinct()


def get_appointment_for_owner(user, framework_id, appointment_id) -> Appointment:
    framework = get_framework_for_owner(user, framework_id)
    appointment = (
        Appointment.objects.select_related("lot__framework", "supplier")
        .filter(pk=_int(appointment_id), lot__framework=framework)
        .first()
    )
    if appointment is None:
        raise Http404("No such appointment.")
    return appointment


def get_authority_for_buyer(user, organisation_id) -> Organisation:
    """The authority a person calls off for: theirs, with a buying role."""
    membership = get_membership(user, _int(organisation_id))
    if membership.organisation.kind != Organisation.Kind.BUYER:
        raise Http404("No such authority.")
    if membership.role not in BUYER_ROLES:
        raise PermissionDenied("Only the authority's buyers can call off from a framework.")
    return membership.organisation


def get_lot_for_call_off(user, organisation_id, lot_id) -> tuple[Organisation, FrameworkLot]:
    """A live framework's lot and the authority calling off; an ineligible authority is refused (403)."""
    from tenderbox.frameworks.actions import is_eligible

    authority = get_authority_for_buyer(user, organisation_id)
    lot = (
        FrameworkLot.objects.select_related("framework__owner")
        .filter(pk=_int(lot_id))
        .exclude(framework__status=Framework.Status.DRAFT)
        .first()
    )
    if lot is None:
        raise Http404("No such lot.")
    if not is_eligible(lot.framework, authority):
        raise PermissionDenied(
            f"{authority.name} is not named or described among the authorities allowed to use "
            f"{lot.framework.reference} (PA23 s.45)."
        )
    return authority, lot
