"""The only way to fetch contracts' spend, MI returns and fee invoices for a person.

- The contract's buyer: its admins and buyers record spend and see everything about the contract's
  spend, including overdue returns; its evaluators are refused (403).
- The contract's supplier: its admins and bidders see their own contract's spend and send its MI
  returns; they never record buyer-side spend.
- The framework's owner: its admins and buyers see the spend of the framework's call-offs and its
  fee invoices, and issue them.
- Anyone else: not found (404), so ids cannot be probed.
`acting_for` narrows a request to one organisation (an API token's), so a token never reaches what
its creator could see through another organisation. One condition per line, so each has a test.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tenderbox.contracts.models import Contract
from tenderbox.organisations.models import Membership, Role
from tenderbox.spend.models import FeeInvoice

BUYER_ROLES = (Role.ADMIN, Role.BUYER)
SUPPLIER_ROLES = (Role.ADMIN, Role.BIDDER)


@dataclass(frozen=True)
class ContractAccess:
    contract: Contract
    side: str  # "buyer", "supplier" or "framework_owner"

    @property
    def is_buyer(self) -> bool:
        return self.side == "buyer"

    @property
    def is_supplier(self) -> bool:
        return self.side == "supplier"


def _memberships(user, acting_for=None):
    if not user.is_authenticated:
        return {}
    qs = Membership.objects.filter(user=user)
    if acting_for is not None:
        qs = qs.filter(organisation_id=acting_for)
    return {m.organisation_id: m.role for m in qs}


def _contract(contract_id) -> Contract:
    try:
        contract = (
            Contract.objects.select_related("buyer", "supplier", "framework", "framework__owner")
            .filter(pk=int(contract_id))
            .first()
        )
    except (TypeError, ValueError):
        contract = None
    if contract is None:
        raise Http404("No such contract.")
    return contract


def get_contract_for_viewer(user, contract_id, *, acting_for=None) -> ContractAccess:
    """Read a contract's spend: its buyer's and supplier's staff, and the framework owner's."""
    contract = _contract(contract_id)
    roles = _memberships(user, acting_for)
    if roles.get(contract.buyer_id) in BUYER_ROLES:
        return ContractAccess(contract, "buyer")
    if roles.get(contract.supplier_id) in SUPPLIER_ROLES:
        return ContractAccess(contract, "supplier")
    if contract.framework_id and roles.get(contract.framework.owner_id) in BUYER_ROLES:
        return ContractAccess(contract, "framework_owner")
    if contract.buyer_id in roles or contract.supplier_id in roles:
        raise PermissionDenied("Your role does not give access to this contract's spend.")
    raise Http404("No such contract.")


def get_contract_for_buyer(user, contract_id, *, acting_for=None) -> Contract:
    """Record spend: only the contract's own authority, admin or buyer role."""
    contract = _contract(contract_id)
    roles = _memberships(user, acting_for)
    role = roles.get(contract.buyer_id)
    if role in BUYER_ROLES:
        return contract
    if role is not None or roles.get(contract.supplier_id) is not None:
        raise PermissionDenied("Only the buyer's staff can record spend against a contract.")
    raise Http404("No such contract.")


def get_contract_for_supplier(user, contract_id, *, acting_for=None) -> Contract:
    """Send a contract's MI return: only its supplier's admins and bidders."""
    contract = _contract(contract_id)
    roles = _memberships(user, acting_for)
    role = roles.get(contract.supplier_id)
    if role in SUPPLIER_ROLES:
        return contract
    if role is not None or roles.get(contract.buyer_id) is not None:
        raise PermissionDenied("Only the contract's supplier sends its MI returns.")
    raise Http404("No such contract.")


def get_framework_for_supplier(user, framework_id, supplier_id, *, acting_for=None):
    """Send a framework-wide MI return: the supplier's admins and bidders, for a framework it holds
    call-offs under."""
    from tenderbox.frameworks.models import Framework

    roles = _memberships(user, acting_for)
    try:
        supplier_id = int(supplier_id)
        framework = Framework.objects.select_related("owner").filter(pk=int(framework_id)).first()
    except (TypeError, ValueError):
        raise Http404("No such framework.") from None
    if framework is None or supplier_id not in roles:
        raise Http404("No such framework.")
    if roles[supplier_id] not in SUPPLIER_ROLES:
        raise PermissionDenied("Only the supplier's admins and bidders send its MI returns.")
    membership = Membership.objects.select_related("organisation").get(user=user, organisation_id=supplier_id)
    if not membership.organisation.is_supplier:
        raise Http404("No such framework.")
    if not Contract.objects.filter(framework=framework, supplier_id=supplier_id).exists():
        raise Http404("No such framework.")
    return framework, membership.organisation


def get_framework_for_owner(user, framework_id, *, acting_for=None):
    """Issue and list a framework's fee invoices: the owner's admins and buyers."""
    from tenderbox.frameworks.models import Framework

    try:
        framework = Framework.objects.select_related("owner").filter(pk=int(framework_id)).first()
    except (TypeError, ValueError):
        framework = None
    roles = _memberships(user, acting_for)
    if framework is None or framework.owner_id not in roles:
        raise Http404("No such framework.")
    if roles[framework.owner_id] not in BUYER_ROLES:
        raise PermissionDenied("Only the framework owner's buyers can issue fee invoices.")
    return framework


def fee_invoices_for(user, *, acting_for=None):
    """Fee invoices the person may see: their framework's (owner staff) and their own (supplier staff)."""
    roles = _memberships(user, acting_for)
    owners = [org for org, role in roles.items() if role in BUYER_ROLES]
    suppliers = [org for org, role in roles.items() if role in SUPPLIER_ROLES]
    from django.db.models import Q

    return FeeInvoice.objects.filter(
        Q(framework__owner_id__in=owners) | Q(supplier_id__in=suppliers)
    ).select_related("framework", "supplier")


def get_fee_invoice(user, invoice_id, *, acting_for=None) -> FeeInvoice:
    try:
        invoice = fee_invoices_for(user, acting_for=acting_for).filter(pk=int(invoice_id)).first()
    except (TypeError, ValueError):
        invoice = None
    if invoice is None:
        raise Http404("No such fee invoice.")
    return invoice


def get_return_file_for_viewer(user, return_id, *, acting_for=None):
    """The file of an MI return: its supplier's admins and bidders, and the framework owner's staff;
    for a return for one contract, also that contract's buyer. A framework-wide return holds lines of
    other authorities' call-offs, so no single buyer reads its file (they see their own lines)."""
    from tenderbox.spend.models import MIReturn

    try:
        found = (
            MIReturn.objects.select_related("contract", "framework", "contract__framework")
            .filter(pk=int(return_id))
            .first()
        )
    except (TypeError, ValueError):
        found = None
    if found is None or found.is_nil:
        raise Http404("No such return.")
    roles = _memberships(user, acting_for)
    framework = found.framework or (found.contract.framework if found.contract_id else None)
    if roles.get(found.supplier_id) in SUPPLIER_ROLES:
        return found
    if found.contract_id and roles.get(found.contract.buyer_id) in BUYER_ROLES:
        return found
    if framework is not None and roles.get(framework.owner_id) in BUYER_ROLES:
        return found
    raise Http404("No such return.")


def contracts_for(user, *, acting_for=None):
    """Contracts whose spend the person may see, for the spend index."""
    from django.db.models import Q

    roles = _memberships(user, acting_for)
    buyers = [org for org, role in roles.items() if role in BUYER_ROLES]
    suppliers = [org for org, role in roles.items() if role in SUPPLIER_ROLES]
    return (
        Contract.objects.filter(
            Q(buyer_id__in=buyers) | Q(supplier_id__in=suppliers) | Q(framework__owner_id__in=buyers)
        )
        .select_related("buyer", "supplier", "framework")
        .order_by("-awarded_at")
    )
