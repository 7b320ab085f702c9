"""Alice sends Acme's MI return for a call-off: a bad file first, refused with each line's problem and
nothing saved, then the corrected file; Helen, the buyer, sees the spend against the contract."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tenderbox.spend.models import MIReturn, SpendRecord
from tenderbox.spend.rules import previous_period
from tests.browser.steps import expect_banner, expect_problem, pass_two_factor, sign_in, submit
from tests.conftest import PASSWORD, current_code
from tests.spend_fixtures import HEADER, make_call_off, make_framework

pytestmark = pytest.mark.browser


def test_alice_sends_a_bad_return_then_a_good_one(new_context, northshire, helen, acme, alice):
    from django.utils import timezone

    month = previous_period(timezone.localdate())
    framework = make_framework(northshire, helen, suppliers=[acme])
    call_off = make_call_off(
        northshire,
        acme,
        helen,
        framework,
        starts_on=date(month.year, month.month, 1),
        ends_on=date(2030, 12, 31),
    )
    day = f"{month:%Y-%m}-15"

    page = new_context().new_page()
    sign_in(page, alice.email, PASSWORD)
    page.goto(f"/spend/contracts/{call_off.pk}/")
    page.get_by_role("button", name="Send an MI return").click()
    expect(page.get_by_role("link", name="Download the template (CSV)")).to_have_attribute(
        "href", "/spend/mi-return-template.csv"
    )

    bad = (
        "\n".join([HEADER, f",INV-1,{day},,Cleaning,,ten pounds,0", f",INV-1,{day},,Cleaning,,100.00,20.00"])
        + "\n"
    )
    page.get_by_label("Month of the return").select_option(f"{month:%Y-%m}")
    page.get_by_label("Your return (CSV or XLSX)").set_input_files(
        {"name": "return.csv", "mimeType": "text/csv", "buffer": bad.encode()}
    )
    assert submit(page, "Send return").status == 400
    expect_problem(page, "The return was refused: it has 2 problems. Nothing of it was saved.")
    table = page.locator("#return-problems")
    expect(table.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        ["2", "amount_excl_vat", "Enter an amount in pounds, like 1250.00"]
    )
    expect(table.get_by_role("row").nth(2).get_by_role("cell")).to_have_text(
        ["3", "invoice_number", "The invoice is already on line 2"]
    )
    assert (MIReturn.objects.count(), SpendRecord.objects.count()) == (0, 0)

    good = (
        "\n".join([HEADER, f",INV-1,{day},,Cleaning,,1000.00,200.00", f",INV-2,{day},,Windows,,250.00,50.00"])
        + "\n"
    )
    page.get_by_label("Month of the return").select_option(f"{month:%Y-%m}")
    page.get_by_label("Your return (CSV or XLSX)").set_input_files(
        {"name": "return.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    assert submit(page, "Send return").status == 302
    expect_banner(page, f"Your return for {month:%B %Y} is accepted: 2 lines, £1,250.00 excluding VAT.")

    buyer = new_context().new_page()
    sign_in(buyer, helen.email, PASSWORD)
    pass_two_factor(buyer, current_code())
    buyer.goto(f"/spend/contracts/{call_off.pk}/")
    expect(buyer.locator("#spend-to-date")).to_have_text(re.compile(r"£1,250\.00 excluding VAT \(1\.2%\)"))
