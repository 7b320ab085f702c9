"""The JSON API: tokens (hashed, scoped, expiring, revocable, last use shown), the same permissions
as the pages, and a procurement run end to end through it."""

import hashlib
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tenderbox.api.actions import create_token, revoke_token
from tenderbox.api.models import ApiToken, hash_token
from tenderbox.tenders.models import Procurement
from tests.conftest import pdf_upload, sign_in


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def acme_token(alice, acme):
    return create_token(acme, by=alice, name="Bid system", scope="write", days=90)[1]


@pytest.fixture
def northshire_token(ian, northshire):
    return create_token(northshire, by=ian, name="ERP", scope="write", days=90)[1]


def test_a_token_is_stored_hashed_and_shows_its_last_use(client, acme_token):
    token = ApiToken.objects.get()
    assert token.token_hash == hash_token(acme_token) and acme_token not in (token.token_hash, token.prefix)
    assert token.last_used_at is None
    response = client.get("/api/v1/me", **bearer(acme_token))
    assert response.status_code == 200
    assert [o["name"] for o in response.json()["organisations"]] == ["Acme Facilities Ltd"]
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("secret", ["", "tbx_nope", "Basic abc", "tbx_" + "x" * 200])
def test_bad_tokens_get_401(client, db, secret):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_revoked_and_expired_tokens_stop_working(client, alice, acme, acme_token):
    revoke_token(ApiToken.objects.get(), by=alice)
    assert client.get("/api/v1/me", **bearer(acme_token)).status_code == 401
    _, other = create_token(acme, by=alice, name="Short", scope="read", days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        assert client.get("/api/v1/me", **bearer(other)).status_code == 401


def test_a_token_dies_with_its_creators_membership(client, alice, acme, bob):
    from tenderbox.organisations.actions import change_role, remove_member
    from tenderbox.organisations.models import Membership

    _, secret = create_token(acme, by=bob, name="Bob's", scope="read", days=30)
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200
    change_role(Membership.objects.get(user=alice), "admin", by=alice)
    remove_member(Membership.objects.get(user=bob), by=alice)
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_a_token_never_reaches_another_organisation(client, alice, acme, brightside, acme_token):
    assert (
        client.get(f"/api/v1/organisations/{brightside.pk}/members", **bearer(acme_token)).status_code == 404
    )


def test_a_read_only_token_cannot_write(client, alice, acme, procurement):
    _, secret = create_token(acme, by=alice, name="Reader", scope="read", days=30)
    response = client.post(
        f"/api/v1/opportunities/{procurement.reference}/interest",
        {},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "This API token is read-only."}
    assert procurement.interests.count() == 0


def test_admins_manage_tokens_on_a_page_and_see_the_secret_once(client, alice, acme, bob):
    sign_in(client, alice)
    response = client.post(
        f"/organisations/{acme.pk}/api-tokens", {"name": "ERP", "scope": "read", "days": "30"}
    )
    assert response.status_code == 200
    secret = response.content.decode().split('id="api-token">')[1].split("<")[0]
    assert client.get(f"/organisations/{acme.pk}/api-tokens").content.decode().count(secret) == 0
    sign_in(client, bob)  # a bidder is not an admin
    assert client.get(f"/organisations/{acme.pk}/api-tokens").status_code == 403
    token = ApiToken.objects.get()
    assert client.post(f"/organisations/{acme.pk}/api-tokens/{token.pk}/revoke").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_public_search_is_paginated_with_a_limit(client, procurement):
    response = client.get("/api/v1/opportunities", {"page_size": 1000})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page_size"], body["results"][0]["reference"]) == (
        1,
        100,
        procurement.reference,
    )
    assert client.get("/api/v1/opportunities", {"cpv": "abc"}).status_code == 400


def test_a_procurement_through_the_api(
    client, northshire, ian, northshire_token, alice, acme, acme_token, helen
):
    now = timezone.now()
    body = {
        "title": "Library books",
        "description": "Books for 12 libraries.",
        "category": "goods",
        "main_cpv": "22113000-5",
        "value_excl_vat": "300000",
        "vat": "60000",
        "region": "TLE",
        "procedure": "open",
        "clarification_deadline": (now + timedelta(days=20)).isoformat(),
        "submission_deadline": (now + timedelta(days=30)).isoformat(),
        "expected_award_date": (now + timedelta(days=45)).date().isoformat(),
    }
    created = client.post(
        "/api/v1/procurements", body, content_type="application/json", **bearer(northshire_token)
    )
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    for path, payload in (
        ("lots", {"title": "Fiction", "value_excl_vat": "150000"}),
        ("criteria", {"kind": "quality", "name": "Range", "weight": 70}),
        ("criteria", {"kind": "price", "name": "Price", "weight": 30}),
        ("declarations", {}),
    ):
        response = client.post(
            f"/api/v1/procurements/{pid}/{path}",
            payload,
            content_type="application/json",
            **bearer(northshire_token),
        )
        assert response.status_code == 201, response.content
    response = client.post(
        f"/api/v1/procurements/{pid}/documents",
        {"title": "Spec", "file": pdf_upload()},
        **bearer(northshire_token),
    )
    assert response.status_code == 201, response.content
    published = client.post(f"/api/v1/procurements/{pid}/publish", **bearer(northshire_token))
    assert published.status_code == 200, published.content
    procurement = Procurement.objects.get(pk=pid)
    ref = procurement.reference
    lot = procurement.lots.get()
    quality = procurement.criteria.get(kind="quality")
    content = {
        "lots": [lot.pk],
        "prices": {str(lot.pk): "140000"},
        "quality": {str(quality.pk): "Wide range"},
        "selection": {str(q.pk): "yes" for q in procurement.selection_questions.all()},
        "declaration": True,
    }
    saved = client.put(
        f"/api/v1/opportunities/{ref}/response",
        content,
        content_type="application/json",
        **bearer(acme_token),
    )
    assert saved.status_code == 200 and saved.json()["problems"] == [], saved.content
    method = b"%PDF-1.4\n% Our method statement\n%%EOF\n"
    attached = client.post(
        f"/api/v1/opportunities/{ref}/response/documents",
        {"file": pdf_upload("method.pdf", method)},
        **bearer(acme_token),
    )
    assert attached.status_code == 201, attached.content
    document = attached.json()
    assert (document["filename"], document["size"], document["sha256"]) == (
        "method.pdf",
        len(method),
        hashlib.sha256(method).hexdigest(),
    )
    draft = client.get(f"/api/v1/opportunities/{ref}/response", **bearer(acme_token)).json()
    assert draft["documents"] == [document]
    key = uuid.uuid4().hex
    first = client.post(
        f"/api/v1/opportunities/{ref}/response/submit",
        {"idempotency_key": key},
        content_type="application/json",
        **bearer(acme_token),
    )
    again = client.post(
        f"/api/v1/opportunities/{ref}/response/submit",
        {"idempotency_key": key},
        content_type="application/json",
        **bearer(acme_token),
    )
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    # Sealed: the buyer's API refuses the tenders before opening.
    sealed = client.get(f"/api/v1/procurements/{pid}/tenders", **bearer(northshire_token))
    assert sealed.status_code == 409
    assert "Wide range" not in sealed.content.decode()
    with time_machine.travel(procurement.submission_deadline + timedelta(seconds=1), tick=False):
        late = client.post(
            f"/api/v1/opportunities/{ref}/response/submit",
            {"idempotency_key": "late"},
            content_type="application/json",
            **bearer(acme_token),
        )
        assert late.status_code == 409
        _, helens = create_token(northshire, by=helen, name="Helen's", scope="write", days=1)
        for secret in (northshire_token, helens):
            assert (
                client.post(f"/api/v1/procurements/{pid}/opening-approvals", **bearer(secret)).status_code
                == 201
            )
        opened = client.get(f"/api/v1/procurements/{pid}/tenders", **bearer(northshire_token))
    assert opened.status_code == 200
    assert opened.json()[0]["content"]["quality"] == {str(quality.pk): "Wide range"}
    assert opened.json()[0]["receipt_sha256"] == first.json()["receipt_sha256"]
    assert [(d["id"], d["sha256"]) for d in opened.json()[0]["content"]["documents"]] == [
        (document["id"], document["sha256"])
    ]


def test_a_document_is_attached_only_to_a_draft_and_only_if_it_is_what_it_claims(
    client, procurement, acme, alice, acme_token
):
    from tenderbox.submissions import actions as sub
    from tenderbox.submissions.models import ResponseDocument

    url = f"/api/v1/opportunities/{procurement.reference}/response/documents"
    early = client.post(url, {"file": pdf_upload()}, **bearer(acme_token))
    assert (early.status_code, early.json()) == (
        409,
        {"detail": "Save a draft response before attaching documents to it."},
    )
    sub.start_response(procurement, acme, by=alice)
    renamed = client.post(url, {"file": pdf_upload("virus.pdf", b"MZ not a pdf")}, **bearer(acme_token))
    assert (renamed.status_code, renamed.json()["detail"]) == (
        400,
        "The file's content is not a real .pdf file: it may be renamed or damaged.",
    )
    assert ResponseDocument.objects.count() == 0


def test_a_supplier_token_cannot_manage_procurements(client, procurement, acme_token):
    assert client.get(f"/api/v1/procurements/{procurement.pk}", **bearer(acme_token)).status_code == 404
    assert (
        client.post(
            f"/api/v1/procurements/{procurement.pk}/cancel",
            {"reason": "x"},
            content_type="application/json",
            **bearer(acme_token),
        ).status_code
        == 404
    )


def test_a_buyer_token_cannot_read_a_suppliers_response(client, procurement, northshire_token, alice, acme):
    from tests.conftest import submit_tender

    submit_tender(procurement, acme, alice)
    response = client.get(
        f"/api/v1/opportunities/{procurement.reference}/response", **bearer(northshire_token)
    )
    assert response.status_code == 404


def test_invalid_input_is_a_400_with_each_fields_errors(client, northshire, northshire_token):
    response = client.post(
        "/api/v1/procurements",
        {
            "title": "x",
            "description": "y",
            "category": "goods",
            "main_cpv": "00000000-0",
            "value_excl_vat": "1",
            "vat": "0",
            "region": "XX",
            "procedure": "open",
            "clarification_deadline": "2027-01-01T10:00:00Z",
            "submission_deadline": "2027-01-10T10:00:00Z",
            "expected_award_date": "2027-02-01",
        },
        content_type="application/json",
        **bearer(northshire_token),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"main_cpv_code", "region"}
    assert Procurement.objects.count() == 0


def test_evaluation_and_award_through_the_api(client, opened, northshire, ian, jo, alice, acme, brightside):
    procurement, acme_v, brightside_v = opened
    _, buyer = create_token(northshire, by=ian, name="ERP", scope="write", days=90)
    _, evaluator = create_token(northshire, by=jo, name="Jo's", scope="write", days=90)
    _, supplier = create_token(acme, by=alice, name="Bids", scope="read", days=90)
    json = {"content_type": "application/json"}
    pid = procurement.pk
    assigned = client.post(
        f"/api/v1/procurements/{pid}/evaluators", {"user_id": jo.pk}, **json, **bearer(buyer)
    )
    assert assigned.status_code == 201
    aid = assigned.json()["id"]
    assert (
        client.get(f"/api/v1/evaluations/{aid}/tenders", **bearer(evaluator)).status_code == 409
    )  # declare first
    assert (
        client.post(
            f"/api/v1/evaluations/{aid}/declaration", {"conflict": False}, **json, **bearer(evaluator)
        ).json()["status"]
        == "cleared"
    )
    tenders = client.get(f"/api/v1/evaluations/{aid}/tenders", **bearer(evaluator)).json()
    assert sorted(t["supplier"] for t in tenders) == ["Acme Facilities Ltd", "Brightside Cleaning Ltd"]
    quality = procurement.criteria.get(kind="quality").pk
    questions = procurement.selection_questions.values_list("pk", flat=True)
    for version, mark in ((acme_v, 4), (brightside_v, 3)):
        scored = client.put(
            f"/api/v1/evaluations/{aid}/tenders/{version.pk}/scores",
            {str(quality): {"score": mark, "justification": "Clear"}},
            **json,
            **bearer(evaluator),
        )
        assert scored.status_code == 200, scored.content
        # An evaluator's token cannot moderate (an evaluator is not a buyer).
        assert (
            client.put(
                f"/api/v1/procurements/{pid}/tenders/{version.pk}/moderation",
                {str(quality): {"score": mark, "reason": "x"}},
                **json,
                **bearer(evaluator),
            ).status_code
            == 403
        )
        for path, body in (
            ("selection", {str(q): {"passed": True} for q in questions}),
            ("moderation", {str(quality): {"score": mark, "reason": "Agreed"}}),
        ):
            response = client.put(
                f"/api/v1/procurements/{pid}/tenders/{version.pk}/{path}", body, **json, **bearer(buyer)
            )
            assert response.status_code == 200, response.content
    results = client.get(f"/api/v1/procurements/{pid}/results", **bearer(buyer)).json()
    assert [(x["supplier"], x["total"]) for x in results[0]["lines"]] == [
        ("Acme Facilities Ltd", "80.000"),
        ("Brightside Cleaning Ltd", "76.000"),
    ]
    assert (
        client.get(
            f"/api/v1/opportunities/{procurement.reference}/assessment-summary", **bearer(supplier)
        ).status_code
        == 404
    )  # not until the award
    awarded = client.post(f"/api/v1/procurements/{pid}/award", {}, **json, **bearer(buyer))
    assert awarded.json()["status"] == "awarded"
    summary = client.get(
        f"/api/v1/opportunities/{procurement.reference}/assessment-summary", **bearer(supplier)
    )
    assert "Assessment summary for Acme Facilities Ltd" in summary.json()["text"]
    assert client.post(f"/api/v1/procurements/{pid}/contract", **bearer(buyer)).status_code == 409


def test_a_draft_is_changed_and_a_clarification_published_through_the_api(
    client, northshire, ian, northshire_token
):
    from tests.conftest import draft_procurement

    draft = draft_procurement(northshire, ian)
    response = client.patch(
        f"/api/v1/procurements/{draft.pk}",
        {"title": "Parks and verges"},
        content_type="application/json",
        **bearer(northshire_token),
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Parks and verges"
    bad = client.patch(
        f"/api/v1/procurements/{draft.pk}",
        {"region": "XX"},
        content_type="application/json",
        **bearer(northshire_token),
    )
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["region"]
    published = client.post(f"/api/v1/procurements/{draft.pk}/publish", **bearer(northshire_token))
    assert published.status_code == 200
    assert (
        client.patch(
            f"/api/v1/procurements/{draft.pk}",
            {"title": "Too late"},
            content_type="application/json",
            **bearer(northshire_token),
        ).status_code
        == 409
    )
    clarification = client.post(
        f"/api/v1/procurements/{draft.pk}/clarifications",
        {"question": "Site visits", "answer": "On 3 December."},
        content_type="application/json",
        **bearer(northshire_token),
    )
    assert clarification.status_code == 201
    public = client.get(f"/api/v1/opportunities/{published.json()['reference']}").json()
    assert public["title"] == "Parks and verges"
    assert [c["answer"] for c in public["clarifications"]] == ["On 3 December."]


def test_no_two_api_schemas_share_a_name():
    """django-ninja names each schema in the OpenAPI document by its class name: two classes with one
    name become one component, and the API then breaks its own schema (found twice by schemathesis)."""
    from ninja import Schema

    import tenderbox.api.urls  # noqa: F401 - every router (and so every schema) is imported

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(Schema) if c.__module__.startswith("tenderbox.")]
    names: dict[str, set[str]] = {}
    for cls in ours:
        names.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {name: mods for name, mods in names.items() if len(mods) > 1} == {}
