"""The spend app as a transaction source (publishing/sources.py): each payment recorded against a
contract becomes an implementation transaction. Registered in PublishingConfig.ready() when the
spend app is installed."""

from datetime import datetime, time

from django.db.models import Case, IntegerField, Value, When

from tenderbox.publishing.sources import Transaction
from tenderbox.tenders.rules import UK_TIME


def spend_transactions(contracts) -> dict[int, list[Transaction]]:
    """For each contract, the records that count (the buyer's own, and the current MI return's
    lines), each invoice once by its number with the buyer's record first, as spend counts a
    contract's spend to date; dated when paid, or else on the invoice date (noon UK time: the models
    keep days). One query for all the contracts, read as plain values (the export reads millions)."""
    from tenderbox.spend.models import SpendRecord

    rows = (
        SpendRecord.objects.filter(contract_id__in=[c.pk for c in contracts])
        .counted()
        .annotate(
            rank=Case(
                When(source=SpendRecord.Source.BUYER, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("contract_id", "rank", "invoice_date", "pk")
        .values_list("contract_id", "transaction_number", "paid_on", "invoice_date", "amount_excl_vat")
    )
    found: dict[int, list[Transaction]] = {}
    seen = set()
    for contract_id, number, paid_on, invoice_date, amount in rows:
        if (contract_id, number) in seen:
            continue
        seen.add((contract_id, number))
        found.setdefault(contract_id, []).append(
            Transaction(
                id=number,
                date=datetime.combine(paid_on or invoice_date, time(12), tzinfo=UK_TIME),
                amount=amount,
            )
        )
    return found
