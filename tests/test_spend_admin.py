"""Tenderbox staff record subscriptions and payments in the admin site; spend records, returns and fee
invoices are read-only there, and nothing is deleted."""

from datetime import date
from decimal import Decimal

import pytest

from tenderbox.audit.models import AuditEvent
from tenderbox.spend.models import Payment, Subscription


@pytest.fixture
def pat(db):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import make_user

    user = make_user("pat@tenderbox.example", "Pat Officer", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=user, name="App", key="00" * 20, confirmed=True)
    return user


@pytest.fixture
def staff(client, pat):
    from tests.conftest import sign_in

    return sign_in(client, pat)


@pytest.fixture
def subscription(acme):
    return Subscription.objects.create(
        organisation=acme,
        plan="supplier",
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 31),
        amount_excl_vat=Decimal("500.00"),
        vat=Decimal("100.00"),
    )


def test_every_spend_admin_page_opens(staff, subscription):
    for model in ("subscription", "payment", "feeinvoice", "mireturn", "spendrecord"):
        assert staff.get(f"/admin/spend/{model}/").status_code == 200
    assert staff.get("/admin/spend/payment/add/").status_code == 200
    assert staff.get("/admin/spend/spendrecord/add/").status_code == 403


def test_staff_record_a_payment_once(staff, subscription, pat):
    data = {
        "subscription": subscription.pk,
        "fee_invoice": "",
        "amount": "600.00",
        "paid_at_0": "2026-04-20",
        "paid_at_1": "10:00:00",
        "reference": "CARD-9",
        "method": "card",
        "payer_name": "Alice Green",
        "payer_email": "alice@acme.example",
    }
    assert staff.post("/admin/spend/payment/add/", data).status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.recorded_by, payment.payer_email) == (
        Decimal("600.00"),
        pat,
        "alice@acme.example",
    )
    assert AuditEvent.objects.filter(verb="payment.recorded", object_id=str(payment.pk)).count() == 1
    again = staff.post("/admin/spend/payment/add/", data)
    assert again.status_code == 200  # the form shows the duplicate reference
    assert "Payment with this Method and Reference already exists." in again.content.decode()
    assert Payment.objects.count() == 1


def test_no_financial_record_can_be_deleted(staff, subscription):
    payment = Payment.objects.create(
        subscription=subscription,
        amount=Decimal("600.00"),
        paid_at="2026-04-20T10:00:00+01:00",
        reference="BACS-1",
        method="bacs",
    )
    assert staff.post(f"/admin/spend/payment/{payment.pk}/delete/", {"post": "yes"}).status_code == 403
    assert (
        staff.post(f"/admin/spend/subscription/{subscription.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert (Payment.objects.count(), Subscription.objects.count()) == (1, 1)
