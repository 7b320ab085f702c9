"""The daily jobs: chasing missing MI returns after the due day (the 10th working day, here across
Easter), once per contract and month; and fee (levy) invoices from declared spend, never doubled."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from tenderbox.contracts.actions import let_contract, terminate
from tenderbox.lib.errors import DomainError
from tenderbox.notifications.models import Message
from tenderbox.spend import actions, rules
from tenderbox.spend.models import FeeInvoice, ReturnChase
from tests.spend_fixtures import csv_file, line, make_call_off, make_framework

MARCH = date(2026, 3, 1)


def at(day: str):
    return time_machine.travel(f"{day} 09:00 +01:00", tick=False)


@pytest.fixture
def framework(northshire, helen, acme, brightside):
    return make_framework(northshire, helen, fee_rate="1.500", suppliers=[acme, brightside])


@pytest.fixture
def call_off(framework, northshire, acme, helen, bob):
    with at("2026-01-05"):
        return make_call_off(northshire, acme, helen, framework)


def test_the_due_day_is_the_10th_working_day_counting_easter():
    # April 2026: Good Friday the 3rd and Easter Monday the 6th are not working days.
    assert rules.return_due_on(MARCH) == date(2026, 4, 16)
    # January 2027: New Year's Day, and Scotland's 2 January holiday moved to Monday the 4th.
    assert rules.return_due_on(date(2026, 12, 1)) == date(2027, 1, 18)
    assert (rules.is_overdue(MARCH, date(2026, 4, 16)), rules.is_overdue(MARCH, date(2026, 4, 17))) == (
        False,
        True,
    )


def chases():
    return sorted(Message.objects.filter(subject__contains="is overdue").values_list("to_email", "subject"))


def test_a_missing_return_is_chased_once_after_its_due_day(call_off):
    with at("2026-04-16"):
        assert actions.chase_missing_returns() == 0
    with at("2026-04-17"):
        assert actions.chase_missing_returns() == 1
        assert actions.chase_missing_returns() == 0
    subject = f"{call_off.reference}: your MI return for March 2026 is overdue"
    assert chases() == [("alice@acme.example", subject), ("bob@acme.example", subject)]
    assert list(ReturnChase.objects.values_list("contract", "period", "recipients")) == [
        (call_off.pk, MARCH, 2)
    ]
    body = Message.objects.filter(subject=subject).first().body
    assert "It was due by 16 April 2026" in body
    assert f"/spend/contracts/{call_off.pk}/returns" in body


def test_a_return_or_a_nil_return_stops_the_chase(call_off, alice):
    with at("2026-04-17"):
        actions.submit_return(supplier=call_off.supplier, by=alice, contract=call_off, period=MARCH, nil=True)
        assert actions.chase_missing_returns() == 0
    assert chases() == []


def test_the_buyer_sees_overdue_returns(call_off, alice):
    with at("2026-04-17"):
        actions.submit_return(
            supplier=call_off.supplier, by=alice, contract=call_off, period=date(2026, 2, 1), nil=True
        )
        assert actions.summary(call_off).overdue_periods == [date(2026, 1, 1), MARCH]
    with at("2026-04-16"):
        assert actions.summary(call_off).overdue_periods == [date(2026, 1, 1)]


def test_contracts_outside_the_month_or_outside_a_framework_are_not_chased(
    framework, northshire, acme, helen, alice
):
    with at("2026-01-05"):
        ended = make_call_off(
            northshire, acme, helen, framework, starts_on=date(2026, 1, 1), ends_on=date(2026, 2, 28)
        )
        terminated = make_call_off(northshire, acme, helen, framework)
        terminate(terminated, by=helen, reason="Building closed")
        let_contract(
            buyer=northshire,
            supplier=acme,
            by=helen,
            route="procurement",
            title="Not a call-off",
            description="x",
            category="services",
            value_excl_vat=Decimal("1000"),
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            delivery_postcode="DL7 8AD",
            delivery_region="TLE",
        )
    with at("2026-04-17"):
        assert actions.chase_missing_returns() == 0
    assert ended.pk and chases() == []


def declare(call_off, by, *lines, period=MARCH):
    return actions.submit_return(
        supplier=call_off.supplier, by=by, contract=call_off, period=period, uploaded=csv_file(*lines)
    )


def test_fee_invoices_are_issued_from_declared_spend_once(framework, call_off, alice, acme):
    with at("2026-04-10"):
        declare(
            call_off,
            alice,
            line(number="A", amount="1000.00"),
            line(number="B", amount="250.00", vat="50.00"),
        )
    with at("2026-04-16"):
        assert actions.issue_due_fee_invoices() == 0  # the returns are not due yet
    with at("2026-04-17"):
        assert actions.issue_due_fee_invoices() == 1
        assert actions.issue_due_fee_invoices() == 0
        again, created = actions.issue_fee_invoice(framework, acme, MARCH)
    invoice = FeeInvoice.objects.get()
    assert (again.pk, created) == (invoice.pk, False)
    assert (
        invoice.number,
        invoice.supplier,
        invoice.period,
        invoice.declared_spend,
        invoice.fee_rate,
        invoice.amount,
        invoice.issued_by,
    ) == ("FEE-2026-000001", acme, MARCH, Decimal("1250.00"), Decimal("1.500"), Decimal("18.75"), None)
    messages = Message.objects.filter(
        subject=f"Fee invoice FEE-2026-000001 for {framework.reference}, March 2026"
    )
    assert sorted(m.to_email for m in messages) == ["alice@acme.example", "bob@acme.example"]
    assert "Fee due (excluding VAT): £18.75" in messages[0].body


def test_a_late_return_is_invoiced_the_day_after_it_arrives(framework, call_off, alice):
    with at("2026-05-20"):
        assert actions.issue_due_fee_invoices() == 0
        declare(call_off, alice, line(number="A", amount="2000.00", vat="400.00"))
        assert actions.issue_due_fee_invoices() == 1
    assert FeeInvoice.objects.get().amount == Decimal("30.00")


def test_the_owner_can_issue_one_now_and_the_job_does_not_double_it(framework, call_off, alice, acme, helen):
    with at("2026-04-10"):
        declare(call_off, alice, line(amount="1000.00"))
        invoice, created = actions.issue_fee_invoice(framework, acme, MARCH, by=helen)
    with at("2026-04-17"):
        assert actions.issue_due_fee_invoices() == 0
    assert (created, invoice.issued_by, FeeInvoice.objects.count()) == (True, helen, 1)


def test_no_fee_without_a_rate_or_without_spend(framework, call_off, brightside, alice):
    with at("2026-04-17"):
        with pytest.raises(DomainError, match="declared no spend"):
            actions.issue_fee_invoice(framework, brightside, MARCH)
        framework.fee_rate = None
        framework.save(update_fields=["fee_rate"])
        declare(call_off, alice, line(amount="1000.00"))
        with pytest.raises(DomainError, match="charges no fee"):
            actions.issue_fee_invoice(framework, call_off.supplier, MARCH)
        assert actions.issue_due_fee_invoices() == 0
    assert FeeInvoice.objects.count() == 0


def test_a_payment_in_full_marks_the_invoice_paid(framework, call_off, alice, acme):
    from django.utils import timezone

    with at("2026-04-17"):
        declare(call_off, alice, line(amount="1000.00"))
        invoice, _ = actions.issue_fee_invoice(framework, acme, MARCH)
        actions.record_payment(
            by=None,
            amount=Decimal("5.00"),
            paid_at=timezone.now(),
            reference="BACS-1",
            method="bacs",
            fee_invoice=invoice,
        )
        invoice.refresh_from_db()
        assert invoice.status == "issued"
        actions.record_payment(
            by=None,
            amount=Decimal("10.00"),
            paid_at=timezone.now(),
            reference="BACS-2",
            method="bacs",
            fee_invoice=invoice,
        )
        invoice.refresh_from_db()
        assert (invoice.status, invoice.amount) == ("paid", Decimal("15.00"))
        from tenderbox.lib.errors import Conflict

        with pytest.raises(Conflict, match="already recorded"):
            actions.record_payment(
                by=None,
                amount=Decimal("1.00"),
                paid_at=timezone.now(),
                reference="BACS-2",
                method="bacs",
                fee_invoice=invoice,
            )
