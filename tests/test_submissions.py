"""Sealed submissions: drafting, submitting to the second, versions, withdrawal, receipts."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
import time_machine

from tenderbox.audit.models import AuditEvent
from tenderbox.submissions import actions
from tenderbox.submissions.models import Response, ResponseVersion, SupplierProfile
from tests.conftest import pdf_upload, response_post, sign_in, submit_tender


def _respond(procurement, supplier):
    return f"/opportunities/{procurement.reference}/respond/{supplier.pk}"


def test_alice_drafts_attaches_and_submits_acmes_tender(client, procurement, alice, acme, commit, mailoutbox):
    SupplierProfile.objects.create(supplier=acme, public_liability_cover="£10m", accreditations="ISO 9001")
    sign_in(client, alice)
    url = _respond(procurement, acme)
    assert client.post(url).status_code == 302  # start
    page = client.get(url).content.decode()
    assert 'value="£10m"' in page and "ISO 9001" in page  # prefilled from the profile
    response = client.post(f"{url}/documents", {"file": pdf_upload("method-statement.pdf")})
    assert response.status_code == 302
    with commit():
        response = client.post(url, response_post(procurement, key="k1"))
    assert response.status_code == 302
    version = ResponseVersion.objects.get()
    assert response["Location"] == f"{url}/receipts/{version.pk}"
    receipt = client.get(response["Location"]).content.decode()
    assert version.receipt_sha256 in receipt
    assert (version.number, version.submitted_by) == (1, alice)
    assert Response.objects.get().status == "submitted"
    assert [m.subject for m in mailoutbox] == [f"Receipt: your tender for {procurement.reference}"]
    assert version.receipt_sha256 in mailoutbox[0].body
    assert AuditEvent.objects.filter(verb="response.submitted").count() == 1


def test_a_double_click_submits_once(client, procurement, alice, acme):
    sign_in(client, alice)
    url = _respond(procurement, acme)
    client.post(url)
    first = client.post(url, response_post(procurement, key="same-key"))
    second = client.post(url, response_post(procurement, key="same-key"))
    assert first["Location"] == second["Location"]
    assert ResponseVersion.objects.count() == 1


def test_a_resubmission_is_a_new_version_and_every_version_is_kept(procurement, alice, acme):
    first = submit_tender(procurement, acme, alice, price="150000")
    second = submit_tender(procurement, acme, alice, price="140000")
    assert (first.number, second.number) == (1, 2)
    assert Response.objects.get().current_version() == second
    assert ResponseVersion.objects.count() == 2


def test_an_incomplete_tender_is_refused_with_what_is_missing(client, procurement, alice, acme):
    sign_in(client, alice)
    url = _respond(procurement, acme)
    client.post(url)
    data = response_post(procurement, declaration=False)
    data.pop(f"price_{procurement.lots.first().pk}")
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter your price for lot 1." in page
    assert "Confirm the declaration" in page
    assert ResponseVersion.objects.count() == 0


def test_a_renamed_file_is_refused(client, procurement, alice, acme):
    sign_in(client, alice)
    url = _respond(procurement, acme)
    client.post(url)
    response = client.post(
        f"{url}/documents", {"file": pdf_upload("evil.pdf", b"MZ\x90\x00 not a pdf at all")}
    )
    assert response.status_code == 400
    assert "is not a real .pdf file" in response.content.decode()
    response = client.post(f"{url}/documents", {"file": pdf_upload("tool.exe", b"MZ\x90\x00")})
    assert response.status_code == 400
    assert "The file must be one of these types" in response.content.decode()
    assert Response.objects.get().documents.count() == 0


@pytest.mark.parametrize(("offset", "accepted"), [(-1, True), (0, False), (1, False)])
def test_the_deadline_is_kept_to_the_second(client, procurement, alice, acme, offset, accepted):
    url = _respond(procurement, acme)
    with time_machine.travel(procurement.submission_deadline - timedelta(minutes=5), tick=False):
        sign_in(client, alice)
        client.post(url)
    with time_machine.travel(procurement.submission_deadline + timedelta(seconds=offset), tick=False):
        sign_in(client, alice)
        response = client.post(url, response_post(procurement))
    assert (response.status_code == 302) is accepted
    assert ResponseVersion.objects.count() == (1 if accepted else 0)
    if not accepted:
        assert response.status_code == 409
        assert "Late tenders cannot be accepted" in response.content.decode()


def test_withdrawal_before_the_deadline_keeps_the_versions(client, procurement, alice, acme):
    submit_tender(procurement, acme, alice)
    sign_in(client, alice)
    assert client.post(f"{_respond(procurement, acme)}/withdraw").status_code == 302
    response = Response.objects.get()
    assert (response.status, response.current_version()) == ("withdrawn", None)
    assert response.versions.count() == 1


def test_the_receipt_is_the_hash_of_the_opened_content(procurement, alice, acme, helen, ian):
    version = submit_tender(procurement, acme, alice, quality="Twelve crews, electric mowers.")
    with time_machine.travel(procurement.submission_deadline + timedelta(seconds=1), tick=False):
        actions.approve_opening(procurement, by=helen)
        actions.approve_opening(procurement, by=ian)
    content = actions.read_version(version)
    view = {
        **content,
        "documents": [{k: v for k, v in d.items() if k != "key"} for d in content["documents"]],
    }
    digest = hashlib.sha256(
        json.dumps(view, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    assert digest.hexdigest() == version.receipt_sha256
    assert "Twelve crews, electric mowers." in content["quality"].values()


def test_the_profile_is_updated_from_the_response_when_asked(client, procurement, alice, acme):
    sign_in(client, alice)
    url = _respond(procurement, acme)
    client.post(url)
    data = response_post(procurement, action="save")
    data.update({"public_liability_cover": "£5m", "update_profile": "on"})
    assert client.post(url, data).status_code == 302
    assert SupplierProfile.objects.get(supplier=acme).public_liability_cover == "£5m"
    assert re.search(r'value="£5m"', client.get(url).content.decode())
