"""Who may see and change a procurement: attacks from other authorities, evaluators, suppliers."""

import pytest

from tenderbox.organisations.actions import register_organisation
from tenderbox.organisations.models import Organisation
from tenderbox.tenders.models import Procurement
from tests.conftest import draft_procurement, make_user, sign_in

BUYER_PAGES = [
    "/",
    "/edit",
    "/lots/add",
    "/criteria/add",
    "/questions/add",
    "/documents/add",
    "/amend",
    "/cancel",
    "/clarifications/new",
]


@pytest.fixture
def rival_buyer(db):
    """Rita administers Southshire, another authority."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    rita = make_user("rita@southshire.example", "Rita Moss")
    TOTPDevice.objects.create(user=rita, name="App", key="00" * 20, confirmed=True)
    register_organisation(
        by=rita,
        kind=Organisation.Kind.BUYER,
        name="Southshire Council",
        authority_type="local_authority",
        address_line_1="Town Hall",
        town="Southampton",
        postcode="SO14 7LY",
        region="TLJ",
    )
    return rita


@pytest.mark.parametrize("page", BUYER_PAGES)
def test_another_authority_cannot_reach_a_procurement(client, procurement, rival_buyer, page):
    sign_in(client, rival_buyer)
    assert client.get(f"/buying/{procurement.pk}{page}").status_code == 404
    assert client.post(f"/buying/{procurement.pk}{page}", {"reason": "x", "title": "x"}).status_code == 404
    assert client.post(f"/buying/{procurement.pk}/publish").status_code == 404
    procurement.refresh_from_db()
    assert procurement.status == "published"


@pytest.mark.parametrize("page", BUYER_PAGES)
def test_an_evaluator_cannot_manage_the_procurement(client, procurement, jo, page):
    sign_in(client, jo)
    assert client.get(f"/buying/{procurement.pk}{page}").status_code == 403
    assert client.post(f"/buying/{procurement.pk}/cancel", {"reason": "x"}).status_code == 403
    procurement.refresh_from_db()
    assert procurement.status == "published"


def test_a_supplier_cannot_manage_the_procurement(client, procurement, alice, acme):
    sign_in(client, alice)
    assert client.get(f"/buying/{procurement.pk}/").status_code == 404
    assert client.post(f"/buying/{procurement.pk}/cancel", {"reason": "x"}).status_code == 404


def test_another_authority_cannot_start_a_procurement_for_northshire(client, northshire, rival_buyer):
    sign_in(client, rival_buyer)
    assert client.get(f"/buying/new/{northshire.pk}").status_code == 404
    assert Procurement.objects.count() == 0


def test_a_draft_document_is_not_downloadable(client, northshire, ian):
    draft = draft_procurement(northshire, ian)
    document = draft.documents.get()
    assert client.get(f"/opportunities/{draft.reference}/documents/{document.pk}").status_code == 404


def test_documents_download_as_attachments(client, procurement):
    document = procurement.documents.get()
    response = client.get(f"/opportunities/{procurement.reference}/documents/{document.pk}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="specification.pdf"'
    assert response["Content-Type"] == "application/pdf"


def test_a_supplier_can_only_act_for_its_own_organisation(client, procurement, alice, acme, brightside):
    sign_in(client, alice)
    response = client.post(f"/opportunities/{procurement.reference}/interest", {"supplier": brightside.pk})
    assert response.status_code == 404
    assert procurement.interests.count() == 0
    assert client.get(f"/opportunities/{procurement.reference}/ask/{brightside.pk}").status_code == 404


def test_a_buyer_organisation_cannot_register_interest(client, procurement, ian, northshire):
    sign_in(client, ian)
    response = client.post(f"/opportunities/{procurement.reference}/interest", {"supplier": northshire.pk})
    assert response.status_code == 404
    assert procurement.interests.count() == 0
