"""Every spend rule, tried from the wrong side: a rival supplier uploading to another's contract, a
buyer of another authority reading spend, a supplier recording buyer-side spend, an evaluator, an
outsider, another organisation's ids and an API token used beyond its organisation. Each denial
changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from tenderbox.api.actions import create_token
from tenderbox.organisations.models import Membership, Role
from tenderbox.spend import actions
from tenderbox.spend.models import FeeInvoice, MIReturn, SpendRecord
from tests.conftest import make_user, sign_in
from tests.spend_fixtures import csv_file, line, make_buyer, make_call_off, make_framework

MARCH = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def april():
    with time_machine.travel("2026-04-20 10:00 +01:00", tick=False):
        yield


@pytest.fixture
def framework(northshire, helen, acme, brightside):
    return make_framework(northshire, helen, suppliers=[acme, brightside])


@pytest.fixture
def call_off(framework, northshire, acme, helen, ian, bob):
    return make_call_off(northshire, acme, helen, framework)


@pytest.fixture
def sam(db):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import TOTP_HEX

    user = make_user("sam@southshire.example", "Sam Hill")
    TOTPDevice.objects.create(user=user, name="App", key=TOTP_HEX, confirmed=True)
    return user


@pytest.fixture
def southshire(sam):
    return make_buyer(sam)


def state():
    return (
        SpendRecord.objects.count(),
        MIReturn.objects.count(),
        FeeInvoice.objects.count(),
    )


RECORD = {
    "transaction_number": "X-1",
    "invoice_date": "2026-03-05",
    "description": "x",
    "amount_excl_vat": "10",
    "vat": "2",
}


def upload_data():
    return {"period": "2026-03", "file": csv_file(line())}


def test_a_rival_supplier_cannot_upload_to_or_read_anothers_contract(
    client, call_off, carol, brightside, framework, acme
):
    sign_in(client, carol)
    base = f"/spend/contracts/{call_off.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/returns").status_code == 404
    assert client.post(f"{base}/returns", upload_data()).status_code == 404
    assert client.get(f"{base}/spend.csv").status_code == 404
    # Naming Acme as the supplier it acts for does not work either.
    assert (
        client.post(
            f"/spend/frameworks/{framework.pk}/suppliers/{acme.pk}/returns", upload_data()
        ).status_code
        == 404
    )
    # Brightside has no call-off under the framework: nothing to return for.
    assert (
        client.get(f"/spend/frameworks/{framework.pk}/suppliers/{brightside.pk}/returns").status_code == 404
    )
    assert state() == (0, 0, 0)


def test_a_buyer_of_another_authority_cannot_read_or_record(client, call_off, sam, southshire):
    sign_in(client, sam)
    base = f"/spend/contracts/{call_off.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/spend.csv").status_code == 404
    assert client.post(f"{base}/record", RECORD).status_code == 404
    assert call_off.reference not in client.get("/spend/").content.decode()
    assert state() == (0, 0, 0)


def test_the_supplier_cannot_record_buyer_side_spend(client, call_off, alice, bob):
    for user in (alice, bob):
        sign_in(client, user)
        assert client.get(f"/spend/contracts/{call_off.pk}/record").status_code == 403
        assert client.post(f"/spend/contracts/{call_off.pk}/record", RECORD).status_code == 403
    assert state() == (0, 0, 0)


def test_the_buyer_cannot_send_the_suppliers_return(client, call_off, ian):
    sign_in(client, ian)
    assert client.post(f"/spend/contracts/{call_off.pk}/returns", upload_data()).status_code == 403
    assert state() == (0, 0, 0)


def test_an_evaluator_of_the_buyer_is_refused(client, call_off, jo):
    sign_in(client, jo)
    assert client.get(f"/spend/contracts/{call_off.pk}/").status_code == 403
    assert client.post(f"/spend/contracts/{call_off.pk}/record", RECORD).status_code == 403
    assert state() == (0, 0, 0)


def test_an_outsider_and_an_anonymous_visitor_are_refused(client, call_off, oscar):
    response = client.get(f"/spend/contracts/{call_off.pk}/")
    assert response.status_code == 302 and "/account/sign-in" in response["Location"]
    sign_in(client, oscar)
    assert client.get(f"/spend/contracts/{call_off.pk}/").status_code == 404
    assert client.get("/spend/contracts/999999/").status_code == 404
    assert state() == (0, 0, 0)


def test_fee_invoices_are_seen_by_the_owner_and_the_supplier_only(
    client, framework, call_off, alice, acme, carol, sam, southshire, jo
):
    actions.submit_return(supplier=acme, by=alice, contract=call_off, period=MARCH, uploaded=csv_file(line()))
    invoice, _ = actions.issue_fee_invoice(framework, acme, MARCH)
    for user in (carol, sam):
        sign_in(client, user)
        assert client.get(f"/spend/fees/{invoice.pk}").status_code == 404
        assert invoice.number not in client.get("/spend/fees/").content.decode()
        assert client.get(f"/spend/frameworks/{framework.pk}/fees").status_code == 404
        assert (
            client.post(
                f"/spend/frameworks/{framework.pk}/fees/issue", {"supplier": acme.pk, "period": "2026-02"}
            ).status_code
            == 404
        )
    sign_in(client, jo)
    assert (
        client.post(
            f"/spend/frameworks/{framework.pk}/fees/issue", {"supplier": acme.pk, "period": "2026-02"}
        ).status_code
        == 403
    )
    sign_in(client, alice)
    assert client.get(f"/spend/fees/{invoice.pk}").status_code == 200
    assert client.get(f"/spend/frameworks/{framework.pk}/fees").status_code == 404
    assert FeeInvoice.objects.count() == 1


def test_the_framework_owner_reads_its_call_offs_spend(client, framework, sam, southshire, acme, helen, ian):
    # Southshire calls off Northshire's framework: the owner sees the spend; Southshire records it.
    other = make_call_off(southshire, acme, sam, framework)
    sign_in(client, ian)
    assert client.get(f"/spend/contracts/{other.pk}/").status_code == 200
    assert client.post(f"/spend/contracts/{other.pk}/record", RECORD).status_code == 404
    assert state() == (0, 0, 0)


# The API --------------------------------------------------------------------------------------------
def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_api_tokens_reach_only_their_own_organisations_contracts(
    client, call_off, alice, acme, brightside, carol, helen, northshire
):
    rival = create_token(brightside, by=carol, name="ERP", scope="write", days=30)[1]
    url = f"/api/v1/contracts/{call_off.pk}"
    assert client.get(f"{url}/spend", **bearer(rival)).status_code == 404
    assert client.post(f"{url}/mi-returns", upload_data(), **bearer(rival)).status_code == 404
    supplier = create_token(acme, by=alice, name="Finance", scope="write", days=30)[1]
    response = client.post(f"{url}/spend", RECORD, content_type="application/json", **bearer(supplier))
    assert response.status_code == 403
    # Helen is also an admin of Southshire: its token does not reach Northshire's contract.
    southshire = make_buyer(helen)
    other = create_token(southshire, by=helen, name="ERP", scope="write", days=30)[1]
    assert client.get(f"{url}/spend", **bearer(other)).status_code == 404
    assert (
        client.post(f"{url}/spend", RECORD, content_type="application/json", **bearer(other)).status_code
        == 404
    )
    read_only = create_token(northshire, by=helen, name="BI", scope="read", days=30)[1]
    assert client.get(f"{url}/spend", **bearer(read_only)).status_code == 200
    assert (
        client.post(f"{url}/spend", RECORD, content_type="application/json", **bearer(read_only)).status_code
        == 403
    )
    assert state() == (0, 0, 0)


def test_a_member_who_left_loses_access(client, call_off, bob, acme):
    Membership.objects.filter(user=bob, organisation=acme).delete()
    sign_in(client, bob)
    assert client.post(f"/spend/contracts/{call_off.pk}/returns", upload_data()).status_code == 404
    assert state() == (0, 0, 0)
    assert Role.BIDDER  # the role Bob had


def test_a_record_cannot_name_another_contract_through_the_form(
    client, call_off, ian, northshire, helen, framework, sam, southshire, acme
):
    theirs = make_call_off(southshire, acme, sam, framework)
    sign_in(client, ian)
    assert (
        client.post(f"/spend/contracts/{theirs.pk}/record", {**RECORD, "contract": call_off.pk}).status_code
        == 404
    )
    assert (
        client.post(f"/spend/contracts/{call_off.pk}/record", {**RECORD, "contract": theirs.pk}).status_code
        == 302
    )
    assert list(SpendRecord.objects.values_list("contract", flat=True)) == [call_off.pk]
    assert Decimal("10.00") == SpendRecord.objects.get().amount_excl_vat


def test_the_return_file_is_read_by_its_supplier_buyer_and_owner_only(
    client, framework, call_off, alice, ian, carol, sam, southshire, acme
):
    own = actions.submit_return(
        supplier=acme, by=alice, contract=call_off, period=MARCH, uploaded=csv_file(line())
    )
    theirs = make_call_off(southshire, acme, sam, framework)
    wide = actions.submit_return(
        supplier=acme,
        by=alice,
        framework=framework,
        period=date(2026, 2, 1),
        uploaded=csv_file(
            line(call_off.reference, "F-1", "2026-02-10"), line(theirs.reference, "F-2", "2026-02-11")
        ),
    )
    own_url = f"/spend/returns/{own.mi_return.pk}/file"
    wide_url = f"/spend/returns/{wide.mi_return.pk}/file"
    sign_in(client, alice)
    response = client.get(own_url)
    assert (response.status_code, response.content.startswith(b"contract_reference,")) == (200, True)
    assert response["Content-Disposition"] == 'attachment; filename="march.csv"'
    assert client.get(wide_url).status_code == 200
    sign_in(client, ian)  # Northshire buys under, and owns, the framework
    assert client.get(own_url).status_code == 200
    assert client.get(wide_url).status_code == 200
    sign_in(client, sam)  # Southshire: a buyer with a call-off in the wide return, not its owner
    assert client.get(own_url).status_code == 404
    assert client.get(wide_url).status_code == 404
    sign_in(client, carol)
    assert client.get(own_url).status_code == 404
    assert client.get(wide_url).status_code == 404
