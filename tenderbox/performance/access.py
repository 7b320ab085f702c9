"""The only way to reach contract performance records.

Who sees a contract's KPIs, reports and ratings:
- the buyer's staff (admin or buyer role) of the contract's authority;
- the supplier's staff (admin or bidder role) of the contract's supplier;
- the framework owner's staff (admin or buyer role) for every call-off under its framework.
Anyone else gets 404, so ids cannot be probed. Among those who see it, only the buyer's staff set a
contract's KPIs and rate it, only the supplier's staff report (403 for the others), and only the
owner's staff set a framework's KPIs. An API token narrows all of this to its own organisation.
One condition per line, so each branch has a test.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from tenderbox.contracts.models import Contract
from tenderbox.frameworks.models import Framework
from tenderbox.organisations.models import Membership, Organisation, Role
from tenderbox.performance.models import Kpi

BUYER_ROLES = (Role.ADMIN, Role.BUYER)
SUPPLIER_ROLES = (Role.ADMIN, Role.BIDDER)


@dataclass(frozen=True)
class Standing:
    """What the person is to one contract: its buyer, its supplier, its framework's owner."""

    buyer: bool
    supplier: bool
    owner: bool


def _org_ids(user, kind: str, roles, organisation_id=None) -> set[int]:
    if not user.is_authenticated:
        return set()
    memberships = Membership.objects.filter(user=user, organisation__kind=kind, role__in=roles)
    if organisation_id is not None:
        memberships = memberships.filter(organisation_id=organisation_id)
    return set(memberships.values_list("organisation_id", flat=True))


def buyer_org_ids(user, organisation_id=None) -> set[int]:
    return _org_ids(user, Organisation.Kind.BUYER, BUYER_ROLES, organisation_id)


def supplier_org_ids(user, organisation_id=None) -> set[int]:
    return _org_ids(user, Organisation.Kind.SUPPLIER, SUPPLIER_ROLES, organisation_id)


def contracts_for_user(user, organisation_id=None):
    """Every contract the person may see (as buyer, supplier or framework owner); with
    `organisation_id` (an API token's organisation), only through that organisation."""
    buyers = buyer_org_ids(user, organisation_id)
    suppliers = supplier_org_ids(user, organisation_id)
    if not buyers and not suppliers:
        return Contract.objects.none()
    condition = Q(buyer_id__in=buyers) | Q(supplier_id__in=suppliers) | Q(framework__owner_id__in=buyers)
    return Contract.objects.filter(condition).select_related(
        "buyer", "supplier", "framework", "framework_lot"
    )


def standing(user, contract, organisation_id=None) -> Standing:
    buyers = buyer_org_ids(user, organisation_id)
    return Standing(
        buyer=contract.buyer_id in buyers,
        supplier=contract.supplier_id in supplier_org_ids(user, organisation_id),
        owner=contract.framework_id is not None and contract.framework.owner_id in buyers,
    )


def get_contract(user, contract_id, organisation_id=None) -> tuple[Contract, Standing]:
    contract = contracts_for_user(user, organisation_id).filter(pk=contract_id).first()
    if contract is None:
        raise Http404("No such contract.")
    return contract, standing(user, contract, organisation_id)


def get_contract_for_buyer(user, contract_id, organisation_id=None) -> Contract:
    contract, party = get_contract(user, contract_id, organisation_id)
    if not party.buyer:
        raise PermissionDenied("Only the buying authority's staff can do this.")
    return contract


def get_contract_for_supplier(user, contract_id, organisation_id=None) -> Contract:
    contract, party = get_contract(user, contract_id, organisation_id)
    if not party.supplier:
        raise PermissionDenied("Only the supplier's admins and bidders can report on this contract.")
    return contract


def get_kpi_for_contract(contract, kpi_id) -> Kpi:
    try:
        kpi = Kpi.objects.for_contract(contract).filter(pk=int(kpi_id)).first()
    except (TypeError, ValueError):
        kpi = None
    if kpi is None:
        raise Http404("No such KPI.")
    return kpi


def get_framework_for_owner(user, framework_id, organisation_id=None) -> Framework:
    framework = Framework.objects.filter(pk=framework_id, owner_id__in=buyer_org_ids(user, organisation_id))
    framework = framework.select_related("owner").first()
    if framework is None:
        raise Http404("No such framework.")
    return framework


def frameworks_for_owner(user):
    return Framework.objects.filter(owner_id__in=buyer_org_ids(user)).select_related("owner")


def get_supplier_contracts(user, supplier_id, organisation_id=None) -> tuple[Organisation, list[Contract]]:
    """A supplier and the contracts of it the person may see: all of them for its own staff, a
    buyer's own, an owner's call-offs. 404 when there are none, so a supplier's id reveals nothing."""
    supplier = Organisation.objects.filter(pk=supplier_id, kind=Organisation.Kind.SUPPLIER).first()
    if supplier is None:
        raise Http404("No such supplier.")
    contracts = list(
        contracts_for_user(user, organisation_id).filter(supplier=supplier).order_by("reference")
    )
    own = supplier.pk in supplier_org_ids(user, organisation_id)
    if not contracts and not own:
        raise Http404("No such supplier.")
    return supplier, contracts
