"""Public registers for people: awarded contracts, call-offs and appointed suppliers, with filters
that combine, pagination, streamed CSV and JSON downloads, clear errors for bad filters, and nothing
about a person beyond a sole trader's name."""

import csv
import io
import json

import pytest

from tenderbox.organisations.models import Organisation


def download(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_the_index_lists_the_registers(client, world):
    page = client.get("/registers/").content.decode()
    for title in ("Awarded contracts", "Call-off contracts", "Appointed suppliers of frameworks"):
        assert title in page


def test_the_call_off_register_lists_call_offs_with_their_details(client, world):
    response = client.get("/registers/call-offs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<p class="govuk-body" id="result-count">2 call-off contracts</p>' in page
    assert "Cleaning of County Hall" in page and "Grounds for Northshire parks" in page
    assert "Grounds maintenance for county parks" not in page  # a procurement's contract is not a call-off
    rows = list(csv.DictReader(io.StringIO(download(client, "/registers/call-offs/?format=csv"))))
    assert [
        (r["Reference"], r["Type"], r["Supplier"], r["Value excluding VAT (£)"], r["Delivery region"])
        for r in rows
    ] == [
        (
            world["won"].contracts.get().reference,
            "Further competition under a framework",
            "Acme Facilities Ltd",
            "140000.00",
            "Yorkshire and The Humber",
        ),
        (
            world["direct"].reference,
            "Direct award under a framework",
            "Delta Services Ltd",
            "96000.00",
            "Yorkshire and The Humber",
        ),
    ]
    assert rows[1]["Supplier company number"] == "07654321"
    assert rows[1]["Framework"] == world["framework"].reference and rows[1]["Lot"] == "2"


def test_filters_combine(client, world):
    rows = json.loads(download(client, "/registers/contracts/?format=json&supplier=acme&value_min=150000"))
    assert sorted((r["title"], r["value"]) for r in rows) == [
        ("Grounds maintenance for county parks: Area 2", "170000.00")
    ]
    rows = json.loads(
        download(client, "/registers/contracts/?format=json&route=direct_award&buyer=northshire")
    )
    assert [r["reference"] for r in rows] == [world["direct"].reference]
    rows = json.loads(download(client, "/registers/contracts/?format=json&route=direct_award&buyer=crown"))
    assert rows == []
    page = client.get("/registers/contracts/?supplier=brightside").content.decode()
    assert "1 contract</p>" in page


def test_pages_of_fifty(client, world, monkeypatch):
    from tenderbox.publishing import views

    monkeypatch.setattr(views, "REGISTER_PAGE_SIZE", 2)
    first = client.get("/registers/contracts/?q=grounds").content.decode()
    assert "3 contracts</p>" in first
    assert 'href="/registers/contracts/?q=grounds&amp;page=2"' in first
    second = client.get("/registers/contracts/?q=grounds&page=2").content.decode()
    assert second.count('<tr class="govuk-table__row"><td') == 1


def test_appointed_suppliers_per_framework_and_lot(client, world):
    rows = json.loads(
        download(
            client, f"/registers/appointed-suppliers/?format=json&framework={world['framework'].reference}"
        )
    )
    assert [(r["lot"], r["supplier"], r["status"]) for r in rows] == [
        (1, "Acme Facilities Ltd", "Active"),
        (1, "Brightside Cleaning Ltd", "Suspended"),
    ]  # Delta was removed
    rows = json.loads(
        download(
            client,
            f"/registers/appointed-suppliers/?format=json&framework={world['framework'].reference}&lot=1&status=active",
        )
    )
    assert [r["supplier"] for r in rows] == ["Acme Facilities Ltd"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "/registers/contracts/?value_min=10&value_max=5",
            "The maximum value must be at least the minimum value",
        ),
        (
            "/registers/contracts/?awarded_after=2027-02-01&awarded_before=2027-01-01",
            "The last date must be on or after the first date",
        ),
        ("/registers/contracts/?value_min=lots", "Enter a number."),
        ("/registers/appointed-suppliers/?lot=1", "Enter the framework reference to choose one of its lots"),
    ],
)
def test_bad_filters_are_refused_with_a_message(client, world, url, message):
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.content.decode()
    download_response = client.get(url + "&format=csv")
    assert (download_response.status_code, download_response.content.decode()) == (400, message)


def test_unknown_registers_and_formats(client, world):
    assert client.get("/registers/spend-by-person/").status_code == 404
    response = client.get("/registers/contracts/?format=xlsx")
    assert (response.status_code, response.content) == (400, b"format must be csv or json.")


def test_a_sole_trader_is_named_and_nothing_more(client, world):
    Organisation.objects.filter(name="Delta Services Ltd").update(name="Dev Patel", is_sole_trader=True)
    (row,) = json.loads(download(client, "/registers/call-offs/?format=json&supplier=patel"))
    assert (row["supplier"], row["supplier_company_number"], row["supplier_size"]) == (
        "Dev Patel",
        "",
        "Sole trader",
    )
    text = download(client, "/registers/contracts/?format=csv") + download(
        client, "/registers/appointed-suppliers/?format=csv"
    )
    assert "LS1 4AP" not in text and "dev@delta.example" not in text


def test_a_cell_is_never_a_spreadsheet_formula(client, world):
    from tenderbox.contracts.models import Contract

    Contract.objects.filter(pk=world["direct"].pk).update(title='=HYPERLINK("http://evil.example")')
    rows = list(csv.DictReader(io.StringIO(download(client, "/registers/call-offs/?format=csv"))))
    assert '\'=HYPERLINK("http://evil.example")' in [r["Title"] for r in rows]
