"""The contract portal through the API: public frameworks, call-offs with the pages' rules, and
contracts only for their buyer, supplier and framework owner."""

from datetime import date
from decimal import Decimal

import pytest

from tenderbox.api.actions import create_token
from tenderbox.contracts.models import Contract
from tests.framework_fixtures import lots


def bearer(org, user):
    return {
        "HTTP_AUTHORIZATION": f"Bearer {create_token(org, by=user, name='ERP', scope='write', days=30)[1]}"
    }


def award_body(org, supplier, **extra):
    return {
        "organisation": org.pk,
        "supplier": supplier.pk,
        "justification": "Ranked first on price for the region.",
        "title": "Cleaning of County Hall",
        "description": "Daily office cleaning.",
        "value_excl_vat": "80000.00",
        "starts_on": "2027-01-04",
        "ends_on": "2028-01-03",
        "delivery_postcode": "DL7 8AD",
        "delivery_region": "TLE",
        **extra,
    }


def test_frameworks_and_their_suppliers_are_public(client, framework):
    listing = client.get("/api/v1/frameworks").json()
    assert listing["count"] == 1
    detail = client.get(f"/api/v1/frameworks/{framework.reference}").json()
    assert [(lot["number"], [s["name"] for s in lot["suppliers"]]) for lot in detail["lots"]] == [
        (1, ["Acme Facilities Ltd", "Brightside Cleaning Ltd"]),
        (2, ["Delta Services Ltd"]),
    ]
    assert client.get("/api/v1/frameworks/FW-1999-0001").status_code == 404


def test_direct_award_through_the_api(client, framework, northshire, ian, delta):
    lot2 = lots(framework)[1]
    response = client.post(
        f"/api/v1/framework-lots/{lot2.pk}/direct-awards",
        award_body(northshire, delta),
        content_type="application/json",
        **bearer(northshire, ian),
    )
    assert response.status_code == 201
    assert (response.json()["route"], response.json()["supplier"], response.json()["value_excl_vat"]) == (
        "direct_award",
        "Delta Services Ltd",
        "80000.00",
    )


def test_an_ineligible_authority_is_refused_through_the_api(client, framework, southvale, sam, delta):
    lot2 = lots(framework)[1]
    response = client.post(
        f"/api/v1/framework-lots/{lot2.pk}/direct-awards",
        award_body(southvale, delta),
        content_type="application/json",
        **bearer(southvale, sam),
    )
    assert response.status_code == 403
    assert Contract.objects.count() == 0


def test_a_bad_body_gets_the_forms_message(client, framework, northshire, ian, delta):
    lot2 = lots(framework)[1]
    response = client.post(
        f"/api/v1/framework-lots/{lot2.pk}/direct-awards",
        award_body(northshire, delta, delivery_postcode="nowhere"),
        content_type="application/json",
        **bearer(northshire, ian),
    )
    assert response.status_code == 400
    assert Contract.objects.count() == 0


@pytest.fixture
def call_off(framework, northshire, ian, delta):
    from tenderbox.frameworks import actions

    return actions.direct_award(
        lots(framework)[1],
        authority=northshire,
        supplier=delta,
        by=ian,
        justification="Cheapest",
        title="Cleaning",
        description="Daily",
        value_excl_vat=Decimal("80000"),
        starts_on=date(2027, 1, 4),
        ends_on=date(2028, 1, 3),
        delivery_postcode="DL7 8AD",
        delivery_region="TLE",
    )


def test_contracts_are_seen_by_their_parties_only(
    client, call_off, northshire, ian, delta, dev, acme, alice, crown, fiona
):
    assert client.get(f"/api/v1/contracts/{call_off.pk}", **bearer(delta, dev)).status_code == 200
    assert client.get(f"/api/v1/contracts/{call_off.pk}", **bearer(crown, fiona)).status_code == 200
    assert client.get(f"/api/v1/contracts/{call_off.pk}", **bearer(acme, alice)).status_code == 404
    assert client.get("/api/v1/contracts", **bearer(acme, alice)).json() == []


def test_only_the_buyer_changes_a_contract(client, call_off, northshire, ian, delta, dev):
    body = {"kind": "variation", "reason": "More rooms", "new_value": "90000.00"}
    refused = client.post(
        f"/api/v1/contracts/{call_off.pk}/changes",
        body,
        content_type="application/json",
        **bearer(delta, dev),
    )
    assert refused.status_code == 403
    call_off.refresh_from_db()
    assert call_off.value_excl_vat == Decimal("80000.00")
    done = client.post(
        f"/api/v1/contracts/{call_off.pk}/changes",
        body,
        content_type="application/json",
        **bearer(northshire, ian),
    )
    assert done.status_code == 201
    assert (done.json()["value_excl_vat"], done.json()["original_value_excl_vat"]) == ("90000.00", "80000.00")
