"""The spend API: the buyer records spend, the supplier sends MI returns (a refused file answers 400
listing every problem; the same file again answers 200 unchanged), and both read the spend to date."""

from datetime import date

import pytest
import time_machine

from tenderbox.api.actions import create_token
from tenderbox.spend.models import MIReturn, SpendRecord
from tests.spend_fixtures import csv_file, line, make_call_off, make_framework


@pytest.fixture(autouse=True)
def april():
    with time_machine.travel("2026-04-20 10:00 +01:00", tick=False):
        yield


@pytest.fixture
def call_off(northshire, helen, acme):
    framework = make_framework(northshire, helen, suppliers=[acme])
    return make_call_off(northshire, acme, helen, framework, value="10000.00")


@pytest.fixture
def buyer(northshire, ian):
    token = create_token(northshire, by=ian, name="ERP", scope="write", days=30)[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def supplier(acme, alice):
    return {
        "HTTP_AUTHORIZATION": f"Bearer {create_token(acme, by=alice, name='MI', scope='write', days=30)[1]}"
    }


def test_the_buyer_records_and_reads_spend(client, call_off, buyer):
    body = {
        "transaction_number": "inv-1",
        "invoice_date": "2026-03-05",
        "description": "Cleaning",
        "amount_excl_vat": "8000.00",
        "vat": "1600.00",
    }
    response = client.post(
        f"/api/v1/contracts/{call_off.pk}/spend", body, content_type="application/json", **buyer
    )
    assert response.status_code == 201
    assert response.json()["transaction_number"] == "INV-1"
    again = client.post(
        f"/api/v1/contracts/{call_off.pk}/spend", body, content_type="application/json", **buyer
    )
    assert (again.status_code, again.json()["detail"]) == (
        409,
        f"Invoice INV-1 is already recorded against {call_off.reference}.",
    )
    bad = client.post(
        f"/api/v1/contracts/{call_off.pk}/spend",
        {**body, "transaction_number": "X", "vat": "9999"},
        content_type="application/json",
        **buyer,
    )
    assert (bad.status_code, bad.json()["errors"]) == (
        400,
        {"vat": ["VAT is more than 20% of the amount: check the net and VAT columns are not swapped"]},
    )
    summary = client.get(f"/api/v1/contracts/{call_off.pk}/spend", **buyer).json()["summary"]
    assert summary == {
        "contract": call_off.reference,
        "contract_value": "10000.00",
        "spent": "8000.00",
        "buyer_recorded": "8000.00",
        "supplier_declared": "0.00",
        "vat": "1600.00",
        "percent": "80.0",
        "remaining": "2000.00",
        "thresholds_reached": [80],
        "overdue_periods": ["2026-01", "2026-02", "2026-03"],
    }


def test_a_bad_return_lists_every_problem_and_saves_nothing(client, call_off, supplier):
    url = f"/api/v1/contracts/{call_off.pk}/mi-returns"
    response = client.post(
        url, {"period": "2026-03", "file": csv_file(line(number=""), line(number="B", vat="x"))}, **supplier
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The return was refused: it has 2 problems. Nothing of it was saved.",
        "errors": {
            "problems": [
                {"line": 2, "column": "invoice_number", "message": "Enter the invoice number"},
                {"line": 3, "column": "vat", "message": "Enter an amount in pounds, like 1250.00"},
            ],
            "problem_count": 2,
        },
    }
    assert (MIReturn.objects.count(), SpendRecord.objects.count()) == (0, 0)


def test_a_good_return_then_the_same_then_a_correction(client, call_off, supplier):
    url = f"/api/v1/contracts/{call_off.pk}/mi-returns"
    first = client.post(url, {"period": "2026-03", "file": csv_file(line())}, **supplier)
    assert first.status_code == 201
    assert {
        k: first.json()[k] for k in ("outcome", "period", "scope", "line_count", "total_excl_vat", "replaced")
    } == {
        "outcome": "accepted",
        "period": "2026-03",
        "scope": call_off.reference,
        "line_count": 1,
        "total_excl_vat": "1000.00",
        "replaced": None,
    }
    same = client.post(url, {"period": "2026-03", "file": csv_file(line())}, **supplier)
    assert (same.status_code, same.json()["outcome"], same.json()["id"]) == (
        200,
        "unchanged",
        first.json()["id"],
    )
    fixed = client.post(
        url, {"period": "2026-03", "file": csv_file(line(amount="500.00", vat="100.00"))}, **supplier
    )
    assert (fixed.status_code, fixed.json()["outcome"], fixed.json()["replaced"]) == (
        201,
        "replaced",
        first.json()["id"],
    )
    nil = client.post(url, {"period": "2026-02", "nil": "true"}, **supplier)
    assert (nil.status_code, nil.json()["is_nil"]) == (201, True)
    spend = client.get(f"/api/v1/contracts/{call_off.pk}/spend", **supplier).json()
    assert (spend["summary"]["spent"], len(spend["records"]), spend["summary"]["overdue_periods"]) == (
        "500.00",
        1,
        ["2026-01"],
    )


def test_a_bad_period_is_refused(client, call_off, supplier):
    url = f"/api/v1/contracts/{call_off.pk}/mi-returns"
    response = client.post(url, {"period": "March", "nil": "true"}, **supplier)
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"period": ["Enter the month as 2026-03"]},
    )
    future = client.post(url, {"period": "2026-06", "nil": "true"}, **supplier)
    assert (future.status_code, future.json()["errors"]["problems"][0]["column"]) == (400, "period")
    assert MIReturn.objects.count() == 0


def test_fee_invoices_listing(client, call_off, supplier, buyer):
    assert client.get("/api/v1/fee-invoices", **supplier).json() == []
    assert date(2026, 4, 20)  # the clock of this module
