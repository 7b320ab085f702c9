"""The spend app as a transaction source (publishing/sources.py): each payment recorded against a
contract becomes an implementation transaction. Registered in PublishingConfig.ready() when the
spend app is installed."""

from datetime import datetime, time

from django.db.models import Case, IntegerField, Value, When

from tenderbox.publishing.sources import Transaction
from tenderbox.tenders.rules import UK_TIME


def spend_transactions(contract):
    """The records that count (the buyer's own, and the current MI return's lines), each invoice
    once by its number with the buyer's record first, as spend counts a contract's spend to date;
    dated when paid, or else on the invoice date (noon UK time: the models keep days)."""
    from tenderbox.spend.models import SpendRecord

    records = (
        SpendRecord.objects.filter(contract=contract)
        .counted()
        .annotate(
            rank=Case(
                When(source=SpendRecord.Source.BUYER, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "invoice_date", "pk")
    )
    seen = set()
    for record in records:
        if record.transaction_number in seen:
            continue
        seen.add(record.transaction_number)
        day = record.paid_on or record.invoice_date
        yield Transaction(
            id=record.transaction_number,
            date=datetime.combine(day, time(12), tzinfo=UK_TIME),
            amount=record.amount_excl_vat,
        )
