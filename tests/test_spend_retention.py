"""Financial records under the retention engine: a payment's billing contact is kept exactly 7 years
from the payment (the fees_and_subscriptions floor), then blanked; a legal hold on the organisation
keeps it longer; the payment itself and all spend records stay."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tenderbox.audit.models import AuditEvent
from tenderbox.lib.dates import add_months
from tenderbox.privacy import retention_engine as engine
from tenderbox.privacy.holds import place_legal_hold
from tenderbox.privacy.map import privacy_map
from tenderbox.spend import actions
from tenderbox.spend.models import Subscription

LONDON = ZoneInfo("Europe/London")
PAID = datetime(2026, 4, 20, 23, 30, tzinfo=LONDON)  # late in the day: the UK date decides


@pytest.fixture
def payment(acme, alice):
    subscription = Subscription.objects.create(
        organisation=acme,
        plan="supplier",
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 31),
        amount_excl_vat=Decimal("500.00"),
        vat=Decimal("100.00"),
    )
    return actions.record_payment(
        by=None,
        amount=Decimal("600.00"),
        paid_at=PAID,
        reference="CARD-123",
        method="card",
        subscription=subscription,
        payer_name="Alice Green",
        payer_email="alice@acme.example",
    )


def run_on(day: date):
    with time_machine.travel(datetime.combine(day, time(12), tzinfo=LONDON), tick=False):
        return engine.run(policies=[engine.policy("payment_billing_contacts")])


@pytest.mark.parametrize(("offset", "done"), [(-1, False), (0, True), (1, True)])
def test_the_billing_contact_is_kept_7_years_from_payment_then_blanked(payment, offset, done):
    due = add_months(date(2026, 4, 20), 84)
    assert due == date(2033, 4, 20)
    result = run_on(due + timedelta(days=offset))
    payment.refresh_from_db()
    assert (payment.payer_name, payment.payer_email) == (
        ("", "") if done else ("Alice Green", "alice@acme.example")
    )
    assert result.populations[0].tally.applied == (1 if done else 0)
    # The financial record itself stays, whatever happens to the contact.
    assert (payment.amount, payment.reference) == (Decimal("600.00"), "CARD-123")
    if done:
        event = AuditEvent.objects.get(verb="retention.blanked")
        assert (event.object_type, event.object_id, event.after["rule"]) == (
            "spend.payment",
            str(payment.pk),
            "fees_and_subscriptions",
        )


def test_a_lapsed_subscriptions_transaction_details_go_within_7_years_of_the_lapse(payment):
    """Policy 4.2: an account that lapsed at its anniversary keeps its transaction details up to 7
    years from then. The subscription ran to 31 March 2027 and was not renewed; its payment, made
    before the lapse, is blanked on the floor's last day, inside that ceiling, and not a day earlier."""
    lapsed_on = payment.subscription.period_end + timedelta(days=1)
    ceiling = add_months(lapsed_on, 84)
    assert ceiling == date(2034, 4, 1)
    run_on(date(2033, 4, 19))
    payment.refresh_from_db()
    assert payment.payer_email == "alice@acme.example"  # the 4.1.4 floor still runs
    run_on(date(2033, 4, 20))
    payment.refresh_from_db()
    assert payment.payer_email == "" and date(2033, 4, 20) < ceiling


def test_a_legal_hold_on_the_organisation_keeps_it(payment, acme, pat_staff):
    place_legal_hold(by=pat_staff, reason="Claim 2033/7", organisation=acme)
    result = run_on(date(2034, 1, 1))
    payment.refresh_from_db()
    assert payment.payer_email == "alice@acme.example"
    assert result.populations[0].tally.held == 1


def test_explain_names_the_rule_and_the_date(payment):
    with time_machine.travel(datetime(2030, 1, 1, 12, tzinfo=LONDON), tick=False):
        lines = engine.explain("spend.Payment", payment.pk).lines
    assert (
        "Rule: fees_and_subscriptions (floor): At least 7 years: financial records of fees and "
        "subscriptions. [Privacy policy 4.1.4]" in lines
    )
    assert "Due: 20 April 2033 (blanked then)" in lines


def test_spend_fields_are_declared_under_their_rules():
    pmap = privacy_map()
    assert {(f.field, f.retention) for f in pmap.for_model("spend.SpendRecord")} == {
        ("recorded_by", "framework_transactions")
    }
    assert {(f.field, f.retention) for f in pmap.for_model("spend.Payment")} == {
        ("recorded_by", "fees_and_subscriptions"),
        ("payer_name", "fees_and_subscriptions"),
        ("payer_email", "fees_and_subscriptions"),
    }


@pytest.fixture
def pat_staff(db):
    from tests.conftest import make_user

    return make_user("pat@tenderbox.example", "Pat Officer", is_staff=True, is_superuser=True)
