"""Contract workflows: letting a contract (from an award or a framework call-off), varying, extending
and terminating it, and the clock that records its end. Each runs in one transaction with its audit
event."""

from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.contracts.models import Contract, ContractChange
from tenderbox.lib import uk
from tenderbox.lib.errors import DomainError
from tenderbox.lib.references import next_reference
from tenderbox.tenders.rules import UK_TIME


def end_moment(day) -> datetime:
    """A contract (or framework) runs to the end of its last day, UK time."""
    return datetime.combine(day, time.max, tzinfo=UK_TIME)


def let_contract(
    *,
    buyer,
    supplier,
    by,
    route: str,
    title: str,
    description: str,
    category: str,
    value_excl_vat,
    starts_on,
    ends_on,
    delivery_postcode: str,
    delivery_region: str,
    framework_lot=None,
    procurement=None,
    award=None,
    justification: str = "",
    request=None,
) -> Contract:
    """Record a contract entered into. Callers check the route's own rules (framework term, lot
    rules, eligibility); this checks what every contract needs."""
    if not buyer.is_buyer:
        raise DomainError("Only a contracting authority can enter into a public contract.")
    if not supplier.is_supplier:
        raise DomainError("The contract must be with a supplier.")
    if value_excl_vat is None or value_excl_vat <= 0:
        raise DomainError("Enter the contract value, more than £0.")
    if ends_on < starts_on:
        raise DomainError("The contract must end on or after the day it starts.")
    try:
        postcode = uk.normalise_postcode(delivery_postcode)
    except ValidationError as exc:
        raise DomainError("Enter the delivery postcode as a real UK postcode, like SW1A 1AA.") from exc
    with transaction.atomic():
        contract = Contract.objects.create(
            reference=next_reference(Contract, "CON", digits=6),
            buyer=buyer,
            supplier=supplier,
            framework=framework_lot.framework if framework_lot else None,
            framework_lot=framework_lot,
            procurement=procurement,
            award=award,
            route=route,
            justification=justification.strip(),
            title=title,
            description=description,
            category=category,
            value_excl_vat=value_excl_vat,
            original_value_excl_vat=value_excl_vat,
            starts_on=starts_on,
            ends_on=ends_on,
            original_ends_on=ends_on,
            delivery_postcode=postcode,
            delivery_region=delivery_region,
            awarded_by=by,
            next_transition_at=end_moment(ends_on),
        )
        record(
            "contract.let",
            actor=by,
            organisation=buyer,
            obj=contract,
            after={"route": route, "value": str(value_excl_vat), "supplier": supplier.pk},
            request=request,
        )
    return contract


def change_contract(
    contract: Contract, *, by, kind: str, reason: str, new_value=None, new_ends_on=None, request=None
) -> ContractChange:
    """A variation (new value, perhaps a new end) or an extension (a later end date), each with its
    reason (PA23 s.74: a modification is recorded and, where required, a change notice published)."""
    if not reason.strip():
        raise DomainError("Give the reason for the change: it is recorded and published.")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        apply_clock(contract)
        new_value = contract.value_excl_vat if new_value is None else new_value
        new_ends_on = contract.ends_on if new_ends_on is None else new_ends_on
        if new_value <= 0:
            raise DomainError("The new value must be more than £0.")
        if new_ends_on < contract.starts_on:
            raise DomainError("The contract cannot end before it starts.")
        if kind == ContractChange.Kind.EXTENSION and new_ends_on <= contract.ends_on:
            raise DomainError(f"An extension must move the end date after {contract.ends_on:%-d %B %Y}.")
        if kind == ContractChange.Kind.VARIATION and (
            new_value == contract.value_excl_vat and new_ends_on == contract.ends_on
        ):
            raise DomainError("A variation must change the value or the end date.")
        change = ContractChange.objects.create(
            contract=contract,
            kind=kind,
            reason=reason.strip(),
            old_value=contract.value_excl_vat,
            new_value=new_value,
            old_ends_on=contract.ends_on,
            new_ends_on=new_ends_on,
            made_by=by,
        )
        contract.change(value=new_value, ends_on=new_ends_on, next_check=end_moment(new_ends_on))
        record(
            f"contract.{kind}",
            actor=by,
            organisation=contract.buyer,
            obj=contract,
            before={"value": str(change.old_value), "ends_on": change.old_ends_on},
            after={"value": str(new_value), "ends_on": new_ends_on},
            request=request,
        )
    return change


def terminate(contract: Contract, *, by, reason: str, request=None) -> Contract:
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        before = contract.terminate(at=timezone.now(), reason=reason)
        record(
            "contract.terminated",
            actor=by,
            organisation=contract.buyer,
            obj=contract,
            before={"status": before},
            after={"status": contract.status},
            request=request,
        )
    return contract


def apply_clock(contract: Contract, now=None) -> Contract:
    """Record the end of a contract whose last day has passed. Idempotent: locks and checks again."""
    now = now or timezone.now()
    if contract.status != Contract.Status.ACTIVE or now <= end_moment(contract.ends_on):
        return contract
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if locked.status == Contract.Status.ACTIVE and now > end_moment(locked.ends_on):
            before = locked.end(at=now)
            record(
                "contract.ended",
                organisation=locked.buyer,
                obj=locked,
                before={"status": before},
                after={"status": locked.status},
            )
        return locked


def apply_due_transitions(now=None, *, batch: int = 200) -> int:
    now = now or timezone.now()
    moved = 0
    for contract in Contract.objects.filter(next_transition_at__lte=now).order_by("next_transition_at")[
        :batch
    ]:
        moved += apply_clock(contract, now).status != contract.status
    return moved
