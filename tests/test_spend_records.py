"""The buyer's own spend records, the spend to date against the contract's value, and the warnings
before spend passes it (80% and 100%, each once per contract value)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from tenderbox.contracts.actions import change_contract
from tenderbox.lib.errors import Conflict, DomainError
from tenderbox.notifications.models import Message
from tenderbox.spend import actions
from tenderbox.spend.models import SpendRecord, SpendWarning
from tests.spend_fixtures import csv_file, line, make_call_off, make_framework


@pytest.fixture(autouse=True)
def april():
    with time_machine.travel("2026-04-20 10:00 +01:00", tick=False):
        yield


@pytest.fixture
def call_off(northshire, helen, acme, ian):
    framework = make_framework(northshire, helen, suppliers=[acme])
    return make_call_off(northshire, acme, helen, framework, value="10000.00")


def pay(call_off, by, number="INV-1", amount="1000.00", vat="200.00", **extra):
    fields = {"invoice_date": date(2026, 3, 10), "description": "Cleaning"} | extra
    return actions.record_spend(
        call_off,
        by=by,
        transaction_number=number,
        amount_excl_vat=Decimal(amount),
        vat=Decimal(vat),
        **fields,
    )


def warnings_sent():
    return sorted(
        Message.objects.filter(subject__contains="spend has reached").values_list("to_email", "subject")
    )


def test_the_buyer_records_spend(call_off, ian):
    record = pay(call_off, ian, number=" inv-7 ", paid_on=date(2026, 4, 1), category="Facilities")
    assert (record.transaction_number, record.period, record.source, record.recorded_by) == (
        "INV-7",
        date(2026, 3, 1),
        "buyer",
        ian,
    )
    s = actions.summary(call_off)
    assert (s.spent, s.buyer_recorded, s.supplier_declared, s.vat, s.percent, s.remaining) == (
        Decimal("1000.00"),
        Decimal("1000.00"),
        Decimal("0.00"),
        Decimal("200.00"),
        Decimal("10.0"),
        Decimal("9000.00"),
    )


def test_the_same_invoice_twice_is_refused(call_off, ian, helen):
    pay(call_off, ian)
    with pytest.raises(Conflict, match="already recorded"):
        pay(call_off, helen, number="inv-1")
    assert SpendRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "0"}, "a record of £0 records nothing"),
        ({"vat": "500.00"}, "VAT is more than 20%"),
        ({"invoice_date": date(2026, 4, 21)}, "cannot be in the future"),
        ({"invoice_date": date(2025, 12, 31)}, "before the contract started on 1 January 2026"),
        ({"number": "  "}, "Enter the invoice or transaction number"),
    ],
)
def test_bad_records_are_refused(call_off, ian, fields, message):
    number = fields.pop("number", "INV-1")
    with pytest.raises(DomainError, match=message):
        pay(call_off, ian, number=number, **fields)
    assert SpendRecord.objects.count() == 0


def test_an_invoice_both_recorded_and_declared_counts_once(call_off, ian, alice):
    pay(call_off, ian, number="INV-1", amount="1000.00")
    actions.submit_return(
        supplier=call_off.supplier,
        by=alice,
        contract=call_off,
        period=date(2026, 3, 1),
        uploaded=csv_file(
            line(number="INV-1", amount="1010.00", vat="202.00"),
            line(number="INV-2", amount="500.00", vat="100.00"),
        ),
    )
    s = actions.summary(call_off)
    assert (s.buyer_recorded, s.supplier_declared, s.spent, s.records) == (
        Decimal("1000.00"),
        Decimal("1510.00"),
        Decimal("1500.00"),
        2,
    )


def test_the_buyer_is_warned_at_80_and_100_percent_once_each(call_off, ian, helen, alice):
    pay(call_off, ian, number="A", amount="7999.99", vat="0")
    assert warnings_sent() == []
    pay(call_off, ian, number="B", amount="0.01", vat="0")
    ref = call_off.reference
    assert warnings_sent() == [
        ("helen@northshire.example", f"{ref}: spend has reached 80% of the contract value"),
        ("ian@northshire.example", f"{ref}: spend has reached 80% of the contract value"),
    ]
    pay(call_off, ian, number="C", amount="100.00", vat="0")
    assert len(warnings_sent()) == 2
    pay(call_off, ian, number="D", amount="1900.00", vat="0")
    assert Message.objects.filter(subject=f"{ref}: spend has reached the contract value").count() == 2
    pay(call_off, ian, number="E", amount="5.00", vat="0")
    assert list(SpendWarning.objects.values_list("threshold", "spent")) == [
        (80, Decimal("8000.00")),
        (100, Decimal("10000.00")),
    ]
    s = actions.summary(call_off)
    assert (s.over_value, s.warning, s.remaining) == (True, 100, Decimal("-5.00"))
    message = Message.objects.filter(to_email="ian@northshire.example").order_by("pk").last()
    assert "Spend to date (excluding VAT): £10,000.00" in message.body
    assert f"/spend/contracts/{call_off.pk}/" in message.body


def test_a_variation_raising_the_value_arms_the_warnings_again(call_off, ian, helen):
    pay(call_off, ian, number="A", amount="8500.00", vat="0")
    change_contract(
        call_off, by=helen, kind="variation", reason="More buildings", new_value=Decimal("20000.00")
    )
    call_off.refresh_from_db()
    pay(call_off, ian, number="B", amount="7500.00", vat="0")
    assert list(SpendWarning.objects.order_by("pk").values_list("threshold", "contract_value")) == [
        (80, Decimal("10000.00")),
        (80, Decimal("20000.00")),
    ]


def test_a_supplier_declaration_can_raise_the_warning_too(call_off, alice):
    actions.submit_return(
        supplier=call_off.supplier,
        by=alice,
        contract=call_off,
        period=date(2026, 3, 1),
        uploaded=csv_file(line(amount="8000.00", vat="1600.00")),
    )
    assert SpendWarning.objects.get().threshold == 80
