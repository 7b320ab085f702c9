"""The spend pages: a contract's spend with its warning banner, the buyer's record form, the supplier's
upload page (template, every refused line in a table, nothing saved), the CSV export with formulas
neutralised, and fee invoices."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from tenderbox.spend import actions
from tenderbox.spend.models import MIReturn, SpendRecord
from tests.conftest import sign_in
from tests.spend_fixtures import csv_file, line, make_call_off, make_framework

MARCH = date(2026, 3, 1)
SOURCE = "Declared in the supplier's MI return,2026-03"


@pytest.fixture(autouse=True)
def april():
    with time_machine.travel("2026-04-20 10:00 +01:00", tick=False):
        yield


@pytest.fixture
def framework(northshire, helen, acme):
    return make_framework(northshire, helen, suppliers=[acme])


@pytest.fixture
def call_off(framework, northshire, acme, helen, ian):
    return make_call_off(northshire, acme, helen, framework, value="10000.00")


def test_the_contract_page_shows_spend_against_value_and_the_warning(client, call_off, ian):
    actions.record_spend(
        call_off,
        by=ian,
        transaction_number="A",
        amount_excl_vat=Decimal("8200.00"),
        vat=Decimal("0"),
        invoice_date=date(2026, 3, 3),
        description="Deep clean",
    )
    page = sign_in(client, ian).get(f"/spend/contracts/{call_off.pk}/").content.decode()
    assert "£8,200.00 excluding VAT (82.0%)" in page
    assert "Spend has reached 82.0% of the contract value" in page
    assert "MI returns overdue: January 2026, February 2026, March 2026." in page
    assert f'href="/spend/contracts/{call_off.pk}/record"' in page
    assert f'href="/spend/contracts/{call_off.pk}/returns"' not in page


def test_the_supplier_sees_its_contract_and_the_upload_link(client, call_off, alice):
    page = sign_in(client, alice).get(f"/spend/contracts/{call_off.pk}/").content.decode()
    assert f'href="/spend/contracts/{call_off.pk}/returns"' in page
    assert f'href="/spend/contracts/{call_off.pk}/record"' not in page
    index = client.get("/spend/").content.decode()
    assert call_off.reference in index


def test_the_buyer_records_spend_with_the_form(client, call_off, ian):
    sign_in(client, ian)
    data = {
        "transaction_number": "inv-9",
        "invoice_date": "2026-03-05",
        "description": "Windows",
        "amount_excl_vat": "120.00",
        "vat": "24.00",
    }
    response = client.post(f"/spend/contracts/{call_off.pk}/record", data)
    assert response.status_code == 302
    assert SpendRecord.objects.get().transaction_number == "INV-9"
    again = client.post(f"/spend/contracts/{call_off.pk}/record", data)
    assert again.status_code == 409
    assert "Invoice INV-9 is already recorded against" in again.content.decode()
    bad = client.post(
        f"/spend/contracts/{call_off.pk}/record", {**data, "transaction_number": "X", "vat": "99"}
    )
    assert bad.status_code == 400
    assert "VAT is more than 20% of the amount" in bad.content.decode()
    assert SpendRecord.objects.count() == 1


def test_the_upload_page_offers_the_template_and_lists_every_refused_line(client, call_off, alice):
    sign_in(client, alice)
    page = client.get(f"/spend/contracts/{call_off.pk}/returns").content.decode()
    assert 'href="/spend/mi-return-template.csv"' in page
    assert "<code>amount_excl_vat</code>" in page
    assert '<option value="2026-03">March 2026</option>' in page
    bad = csv_file(
        line(number="INV-1", amount="ten"),
        line(number="INV-1"),
        line(number="INV-3", invoice_date="2026-02-01"),
    )
    response = client.post(f"/spend/contracts/{call_off.pk}/returns", {"period": "2026-03", "file": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The return was refused: it has 3 problems. Nothing of it was saved." in html
    assert "3 problems in the file" in html
    for cells in (
        ("2", "amount_excl_vat", "Enter an amount in pounds, like 1250.00"),
        ("3", "invoice_number", "The invoice is already on line 2"),
        (
            "4",
            "invoice_date",
            "The invoice is dated 1 February 2026: it belongs in the return for February 2026, "
            "not March 2026",
        ),
    ):
        assert (
            "".join(f'<td class="govuk-table__cell">{c}</td>' for c in cells).replace(
                "</td><td", "</td>\n        <td"
            )
            in html
        )
    assert (MIReturn.objects.count(), SpendRecord.objects.count()) == (0, 0)


def test_a_good_upload_then_the_same_again(client, call_off, alice):
    sign_in(client, alice)
    url = f"/spend/contracts/{call_off.pk}/returns"
    response = client.post(url, {"period": "2026-03", "file": csv_file(line())}, follow=True)
    assert (
        "Your return for March 2026 is accepted: 1 lines, £1,000.00 excluding VAT."
        in response.content.decode()
    )
    response = client.post(url, {"period": "2026-03", "file": csv_file(line())}, follow=True)
    assert (
        "This return for March 2026 is the one already accepted: nothing has changed."
        in response.content.decode()
    )
    response = client.post(url, {"period": "2026-02", "nil": "on"}, follow=True)
    assert "Your nil return for February 2026 is accepted." in response.content.decode()
    assert client.post(url, {"period": "2026-03"}).status_code == 400
    assert client.post(url, {"period": "2026-05", "nil": "on"}).status_code == 400
    assert MIReturn.objects.count() == 2


def test_the_template_is_public(client):
    response = client.get("/spend/mi-return-template.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tenderbox-mi-return-template.csv"'
    assert (
        response.content.decode("utf-8-sig").splitlines()[0].startswith("contract_reference,invoice_number,")
    )


def test_the_export_neutralises_formulas(client, call_off, ian, alice):
    actions.submit_return(
        supplier=call_off.supplier,
        by=alice,
        contract=call_off,
        period=MARCH,
        uploaded=csv_file(
            line(description="=cmd|' /C calc'!A0", category="@SUM(A1)"),
            line(number="CR-1", description="-credit", amount="-10.00", vat="-2.00"),
        ),
    )
    response = sign_in(client, ian).get(f"/spend/contracts/{call_off.pk}/spend.csv")
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[2] == f"{call_off.reference},CR-1,2026-03-10,,'-credit,Facilities,-10.00,-2.00,{SOURCE}"
    assert (
        rows[1]
        == f"{call_off.reference},INV-1,2026-03-10,,'=cmd|' /C calc'!A0,'@SUM(A1),1000.00,200.00,{SOURCE}"
    )


def test_fee_invoice_pages(client, framework, call_off, alice, acme, helen):
    actions.submit_return(
        supplier=acme,
        by=alice,
        contract=call_off,
        period=MARCH,
        uploaded=csv_file(line(amount="2000.00", vat="0")),
    )
    sign_in(client, helen)
    page = client.get(f"/spend/frameworks/{framework.pk}/fees").content.decode()
    assert "The framework's fee is 1.000% of the spend suppliers declare." in page
    response = client.post(
        f"/spend/frameworks/{framework.pk}/fees/issue",
        {"supplier": acme.pk, "period": "2026-03"},
        follow=True,
    )
    html = response.content.decode()
    assert "Fee invoice FEE-2026-000001 is issued to Acme Facilities Ltd." in html
    assert "£20.00 excluding VAT" in html
    again = client.post(
        f"/spend/frameworks/{framework.pk}/fees/issue",
        {"supplier": acme.pk, "period": "2026-03"},
        follow=True,
    )
    assert "was already issued for that month: nothing changed." in again.content.decode()
    bad = client.post(
        f"/spend/frameworks/{framework.pk}/fees/issue", {"supplier": acme.pk, "period": "March"}
    )
    assert bad.status_code == 400
    client.logout()
    listing = sign_in(client, alice).get("/spend/fees/").content.decode()
    assert "FEE-2026-000001" in listing


def test_a_framework_wide_upload(client, framework, northshire, acme, helen, alice):
    first = make_call_off(northshire, acme, helen, framework)
    sign_in(client, alice)
    url = f"/spend/frameworks/{framework.pk}/suppliers/{acme.pk}/returns"
    assert "all your call-offs" in client.get(url).content.decode()
    response = client.post(url, {"period": "2026-03", "file": csv_file(line(first.reference))})
    assert response.status_code == 302
    assert MIReturn.objects.get().framework == framework


def test_a_framework_wide_return_shows_a_buyer_only_its_own_contracts_part(
    client, framework, northshire, acme, helen, alice, ian
):
    from tests.spend_fixtures import make_buyer

    mine = make_call_off(northshire, acme, helen, framework)
    elsewhere = make_call_off(make_buyer(helen), acme, helen, framework)
    actions.submit_return(
        supplier=acme,
        by=alice,
        framework=framework,
        period=MARCH,
        uploaded=csv_file(
            line(mine.reference, "A-1", amount="100.00", vat="20.00"),
            line(elsewhere.reference, "B-1", amount="7777.00", vat="0"),
        ),
    )
    page = sign_in(client, ian).get(f"/spend/contracts/{mine.pk}/").content.decode()
    assert "£100.00" in page
    assert "7,777" not in page and "7,877" not in page


def test_the_contract_page_section(call_off, ian, alice, jo, oscar):
    from django.template.loader import render_to_string

    from tenderbox.spend.views import contract_section

    actions.record_spend(
        call_off,
        by=ian,
        transaction_number="A",
        amount_excl_vat=Decimal("1000.00"),
        vat=Decimal("0"),
        invoice_date=date(2026, 3, 3),
        description="Deep clean",
    )
    ((template, context),) = contract_section(call_off, ian)
    html = render_to_string(template, {"contract": call_off, "section": context}, using="jinja2")
    assert "£1,000.00 excluding VAT (10.0%)" in html
    assert f'href="/spend/contracts/{call_off.pk}/"' in html
    assert len(contract_section(call_off, alice)) == 1
    assert contract_section(call_off, jo) == []
    assert contract_section(call_off, oscar) == []
