"""The public spend register (/registers/spend/): every published payment in the columns of the Local
Government Transparency Code 2015 with its framework and contract, filters that combine, capped
counts, streamed CSV and JSON; never a superseded or refused MI return's lines, an invoice in both
the buyer's ledger and an MI return once; a sole trader named and nothing more, and after their
erasure nothing of them at all.

The world, on 17 April 2026: Northshire calls off Acme's cleaning (CON-…-1) from its framework
FW-2026-0001; Ian records invoice INV-1 (£1,000) against it; Acme's March return declared INV-2 at
£600 and INV-3 (withdrawn), then a corrected return declared INV-1 again and INV-2 at £650.
Southshire lets Brightside its grounds outside any framework (CON-…-2) and records INV-77 (£25,000).
"""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from tenderbox.contracts.actions import let_contract
from tenderbox.organisations.models import Organisation
from tenderbox.publishing.registers import CappedPaginator
from tenderbox.spend import actions as spend
from tenderbox.spend.mi import ReturnRefused
from tenderbox.spend.models import MIReturn, SpendRecord
from tests.conftest import make_user, supplier_details
from tests.spend_fixtures import csv_file, line, make_buyer, make_call_off, make_framework

HEADER = [
    "Date",
    "Body",
    "Service area or category",
    "Beneficiary",
    "Beneficiary company number",
    "Purpose",
    "Merchant category",
    "Amount excluding VAT (£)",
    "VAT charged (£)",
    "Transaction number",
    "Paid on",
    "Contract",
    "Framework",
    "Reported by",
]


def download(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def numbers(client, query: str) -> list[str]:
    rows = json.loads(download(client, f"/registers/spend/?format=json&{query}"))
    return [r["transaction_number"] for r in rows]


@pytest.fixture
def ledger(northshire, helen, ian, acme, alice, brightside, carol):
    with time_machine.travel("2026-04-17 10:00 +01:00", tick=False):
        framework = make_framework(northshire, helen, suppliers=[acme, brightside])
        cleaning = make_call_off(northshire, acme, helen, framework)
        southshire = make_buyer(helen)
        grounds = let_contract(
            buyer=southshire,
            supplier=brightside,
            by=helen,
            route="procurement",
            title="Grounds maintenance, Southby parks",
            description="Mowing and hedges.",
            category="services",
            value_excl_vat=Decimal("300000.00"),
            starts_on=date(2026, 1, 1),
            ends_on=date(2027, 12, 31),
            delivery_postcode="SO14 7LY",
            delivery_region="TLJ",
        )
        spend.record_spend(
            cleaning,
            by=ian,
            transaction_number="inv-1",
            amount_excl_vat=Decimal("1000.00"),
            vat=Decimal("200.00"),
            invoice_date=date(2026, 3, 10),
            paid_on=date(2026, 3, 20),
            description="Cleaning for March",
            category="Facilities",
        )
        first = spend.submit_return(
            supplier=acme,
            by=alice,
            contract=cleaning,
            period=date(2026, 3, 1),
            uploaded=csv_file(
                line(number="INV-2", invoice_date="2026-03-15", description="Windows, first declared",
                     category="Facilities", amount="600.00", vat="120.00"),
                line(number="INV-3", invoice_date="2026-03-16", description="Withdrawn line",
                     amount="999.00", vat="199.80"),
            ),
        )  # fmt: skip
        with pytest.raises(ReturnRefused):  # a refused return saves nothing
            spend.submit_return(
                supplier=acme,
                by=alice,
                contract=cleaning,
                period=date(2026, 3, 1),
                uploaded=csv_file(line(number="INV-9", description="Refused line", amount="lots")),
            )
        corrected = spend.submit_return(
            supplier=acme,
            by=alice,
            contract=cleaning,
            period=date(2026, 3, 1),
            uploaded=csv_file(
                line(number="INV-1", invoice_date="2026-03-10", description="Cleaning, as Acme invoiced",
                     amount="1000.00", vat="200.00"),
                line(number="INV-2", invoice_date="2026-03-15", description="Windows for March",
                     category="facilities", amount="650.00", vat="130.00"),
                name="march-corrected.csv",
            ),
        )  # fmt: skip
        spend.record_spend(
            grounds,
            by=helen,
            transaction_number="INV-77",
            amount_excl_vat=Decimal("25000.00"),
            vat=Decimal("5000.00"),
            invoice_date=date(2026, 2, 2),
            description="Grounds maintenance, February",
            category="Grounds",
        )
    return {
        "framework": framework,
        "cleaning": cleaning,
        "grounds": grounds,
        "first": MIReturn.objects.get(pk=first.mi_return.pk),
        "corrected": corrected.mi_return,
    }


def test_the_register_publishes_each_payment_once_in_the_codes_columns(client, ledger):
    cleaning, grounds = ledger["cleaning"].reference, ledger["grounds"].reference
    text = download(client, "/registers/spend/?format=csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        HEADER,
        ["2026-03-15", "Northshire County Council", "facilities", "Acme Facilities Ltd", "04112233",
         "Windows for March", "Services", "650.00", "130.00", "INV-2", "", cleaning, "FW-2026-0001",
         "Supplier (MI return)"],
        ["2026-03-10", "Northshire County Council", "Facilities", "Acme Facilities Ltd", "04112233",
         "Cleaning for March", "Services", "1000.00", "200.00", "INV-1", "2026-03-20", cleaning,
         "FW-2026-0001", "Buyer"],
        ["2026-02-02", "Southshire District Council", "Grounds", "Brightside Cleaning Ltd", "SC412345",
         "Grounds maintenance, February", "Services", "25000.00", "5000.00", "INV-77", "", grounds, "",
         "Buyer"],
    ]  # fmt: skip
    # INV-1 came from both the buyer and the corrected return: published once, as the buyer
    # recorded it. The superseded return's lines and the refused return's never appear.
    assert ledger["first"].status == "superseded" and ledger["first"].lines.count() == 2
    for hidden in ("Windows, first declared", "Withdrawn line", "INV-3", "999.00", "600.00", "Refused line"):
        assert hidden not in text
    assert "Cleaning, as Acme invoiced" not in text
    assert SpendRecord.objects.count() == 6 and SpendRecord.objects.public().count() == 3


def test_the_json_download_has_the_same_rows_by_key(client, ledger):
    rows = json.loads(
        download(client, "/registers/spend/?format=json&contract=" + ledger["grounds"].reference)
    )
    assert rows == [
        {
            "date": "2026-02-02",
            "body": "Southshire District Council",
            "service_area": "Grounds",
            "beneficiary": "Brightside Cleaning Ltd",
            "beneficiary_company_number": "SC412345",
            "purpose": "Grounds maintenance, February",
            "merchant_category": "Services",
            "amount": "25000.00",
            "vat": "5000.00",
            "transaction_number": "INV-77",
            "paid_on": "",
            "contract": ledger["grounds"].reference,
            "framework": "",
            "reported_by": "Buyer",
        }
    ]


def test_the_page_counts_and_lists_them(client, ledger):
    response = client.get("/registers/spend/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<p class="govuk-body" id="result-count">3 payments</p>' in page
    assert page.count('<tr class="govuk-table__row"><td') == 3
    assert "Spend under contracts and frameworks" in client.get("/registers/").content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("authority=southshire", ["INV-77"]),
        ("supplier=acme", ["INV-2", "INV-1"]),
        ("supplier=acme&category=FACILITIES", ["INV-2", "INV-1"]),  # whatever the case
        ("category=facil", []),  # a category is matched whole
        ("framework=fw-2026-0001&amount_min=700", ["INV-1"]),
        ("framework=FW-2026-0002", []),
        ("dated_from=2026-03-12", ["INV-2"]),
        ("dated_to=2026-03-10", ["INV-1", "INV-77"]),
        ("dated_from=2026-03-01&dated_to=2026-03-31&amount_max=1000", ["INV-2", "INV-1"]),
        ("amount_min=650&amount_max=650", ["INV-2"]),
        ("authority=northshire&supplier=brightside", []),
    ],
)
def test_filters_combine(client, ledger, query, expected):
    assert numbers(client, query) == expected


def test_a_contract_is_filtered_by_its_reference_in_any_case(client, ledger):
    assert numbers(client, "contract=" + ledger["cleaning"].reference.lower()) == ["INV-2", "INV-1"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("amount_min=10&amount_max=5", "The maximum amount must be at least the minimum amount"),
        ("dated_from=2026-04-01&dated_to=2026-03-01", "The last date must be on or after the first date"),
        ("amount_min=lots", "Enter a number."),
        ("dated_from=2026-13-01", "Enter a valid date."),
    ],
)
def test_bad_filters_are_refused_with_a_message(client, ledger, query, message):
    response = client.get(f"/registers/spend/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    download_response = client.get(f"/registers/spend/?{query}&format=csv")
    assert (download_response.status_code, download_response.content.decode()) == (400, message)


def test_past_its_limit_the_count_says_more_than_and_pages_stop_there(client, ledger, monkeypatch):
    from tenderbox.publishing import views

    monkeypatch.setattr(CappedPaginator, "limit", 2)
    monkeypatch.setattr(views, "REGISTER_PAGE_SIZE", 1)
    page = client.get("/registers/spend/").content.decode()
    assert (
        '<p class="govuk-body" id="result-count">More than 2 payments: filter them further, or '
        "download them all</p>"
    ) in page
    last = client.get("/registers/spend/?page=9").content.decode()  # past the end: the last page
    assert last.count('<tr class="govuk-table__row"><td') == 1 and "INV-1" in last and "INV-77" not in last
    # A narrower filter is counted exactly, and the download has every row whatever the limit.
    assert "2 payments</p>" in client.get("/registers/spend/?supplier=acme").content.decode()
    assert numbers(client, "") == ["INV-2", "INV-1", "INV-77"]


def test_a_sole_trader_payee_is_named_and_nothing_more(client, ledger, brightside):
    Organisation.objects.filter(pk=brightside.pk).update(name="Bo Green", is_sole_trader=True)
    text = download(client, "/registers/spend/?format=csv") + download(
        client, "/registers/spend/?format=json"
    )
    text += client.get("/registers/spend/").content.decode()
    (row,) = json.loads(download(client, "/registers/spend/?format=json&supplier=green"))
    assert (row["beneficiary"], row["beneficiary_company_number"]) == ("Bo Green", "")
    brightside.refresh_from_db()
    for private in ("SC412345", brightside.postcode, brightside.address_line_1, "carol@brightside.example"):
        assert private not in text


VAL_EMAIL, VAL_PHONE = "val.moss@cleanval.example", "07700 900456"


@pytest.fixture
def val_paid(northshire, helen, ian):
    val = make_user(VAL_EMAIL, "Val Moss", phone=VAL_PHONE)
    from tenderbox.organisations.actions import register_organisation

    org = register_organisation(
        by=val,
        **supplier_details(
            "Val Moss Cleaning", "", is_sole_trader=True, contact_email=VAL_EMAIL, phone=VAL_PHONE
        ),
    )
    with time_machine.travel("2026-04-17 10:00 +01:00", tick=False):
        contract = let_contract(
            buyer=northshire,
            supplier=org,
            by=helen,
            route="procurement",
            title="Cleaning of the library",
            description="Weekly cleaning.",
            category="services",
            value_excl_vat=Decimal("20000.00"),
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            delivery_postcode="DL7 8AD",
            delivery_region="TLE",
        )
        spend.record_spend(
            contract,
            by=ian,
            transaction_number="VM-1",
            amount_excl_vat=Decimal("750.00"),
            vat=Decimal("0.00"),
            invoice_date=date(2026, 3, 31),
            description="Library cleaning, March",
            category="Cleaning",
        )
    return val, org


def everything(client) -> str:
    return "\n".join(
        [
            download(client, "/registers/spend/?format=csv"),
            download(client, "/registers/spend/?format=json"),
            client.get("/registers/spend/").content.decode(),
        ]
    )


def test_after_a_sole_traders_erasure_nothing_personal_is_left(client, val_paid, monkeypatch):
    from tenderbox.privacy import retention_engine, subject_erasure

    val, org = val_paid
    personal = (VAL_EMAIL, VAL_PHONE, org.postcode, org.address_line_1)
    # The spend is a financial record kept 7 years (privacy policy 4.1.3): the erasure restricts the
    # account and keeps the organisation, whose trading name the law has the register publish.
    assert subject_erasure.erase(val, reference="DSR-VAL").account == "restricted"
    (row,) = json.loads(download(client, "/registers/spend/?format=json"))
    assert (row["beneficiary"], row["beneficiary_company_number"]) == ("Val Moss Cleaning", "")
    text = everything(client)
    assert [value for value in personal if value in text] == []
    assert text.count("Val Moss") == 3  # the beneficiary cell of each output, nowhere else

    # The day nothing keeps the account, the pending erasure runs again and anonymises the
    # organisation in place: the register, built from the rows, names nobody.
    monkeypatch.setattr(subject_erasure, "floor_keepers", lambda found: [])
    monkeypatch.setattr(retention_engine, "erasure_blockers", lambda user: [])
    assert subject_erasure.erase(val, reference="DSR-VAL").account == "anonymised"
    (row,) = json.loads(download(client, "/registers/spend/?format=json"))
    assert (row["beneficiary"], row["transaction_number"], row["amount"]) == ("Erased", "VM-1", "750.00")
    text = everything(client)
    assert [value for value in (*personal, "Val Moss") if value in text] == []
