"""The only way to fetch contracts for a person.

- The buyer's staff and the supplier's staff see their own contracts; the framework owner's staff see
  every call-off under its frameworks. Anyone else gets 404, so ids cannot be probed.
- Only the buyer's staff (admin or buyer role) change a contract (403 for others who can see it).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from tenderbox.contracts.models import Contract
from tenderbox.organisations.models import Membership, Role

BUYER_ROLES = (Role.ADMIN, Role.BUYER)
SUPPLIER_ROLES = (Role.ADMIN, Role.BIDDER)


def _organisation_ids(user) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def contracts_for_user(user):
    ids = _organisation_ids(user)
    return Contract.objects.filter(
        Q(buyer_id__in=ids) | Q(supplier_id__in=ids) | Q(framework__owner_id__in=ids)
    ).select_related("buyer", "supplier", "framework", "framework_lot")


def get_contract_for_user(user, contract_id) -> Contract:
    try:
        pk = int(contract_id)
    except (TypeError, ValueError):
        raise Http404("No such contract.") from None
    contract = contracts_for_user(user).filter(pk=pk).first()
    if contract is None:
        raise Http404("No such contract.")
    return contract


def get_contract_for_buyer(user, contract_id) -> Contract:
    contract = get_contract_for_user(user, contract_id)
    if not Membership.objects.filter(
        user=user, organisation_id=contract.buyer_id, role__in=BUYER_ROLES
    ).exists():
        raise PermissionDenied("Only the buying authority's buyers can change this contract.")
    return contract
