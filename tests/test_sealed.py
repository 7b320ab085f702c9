"""Nobody reads a tender before the four-eyes opening: every door is tried.

The persona's quality answer and document carry a marker that must never appear anywhere readable
before opening: pages, the API, the admin site, the database, the file store.
"""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.db import connection

from tenderbox.audit.models import AuditEvent
from tenderbox.submissions import actions
from tenderbox.submissions.crypto import SealedError
from tenderbox.submissions.models import Response, ResponseVersion
from tests.conftest import PDF, make_user, pdf_upload, sign_in, submit_tender

MARKER = "ZEBRA-SECRET-7731"


@pytest.fixture
def sealed(procurement, alice, acme):
    response = actions.start_response(procurement, acme, by=alice)
    actions.attach_document(response, pdf_upload("pricing.pdf", PDF + f"% {MARKER}\n".encode()), by=alice)
    return submit_tender(procurement, acme, alice, quality=f"Our method: {MARKER}")


def _after_deadline(procurement, seconds=1):
    return time_machine.travel(procurement.submission_deadline + timedelta(seconds=seconds), tick=False)


def test_buyer_pages_refuse_tenders_before_opening(client, sealed, procurement, helen):
    sign_in(client, helen)
    for path in (f"/buying/{procurement.pk}/tenders/", f"/buying/{procurement.pk}/tenders/{sealed.pk}"):
        response = client.get(path)
        assert response.status_code == 409
        assert MARKER not in response.content.decode()
    manage = client.get(f"/buying/{procurement.pk}/").content.decode()
    assert MARKER not in manage and "Acme" not in manage  # buyers see interest counts, not who submitted


def test_the_api_never_returns_sealed_content(client, sealed, procurement, helen):
    sign_in(client, helen)
    schema = client.get("/api/v1/openapi.json").json()
    for path in schema["paths"]:
        concrete = path.replace("{org_id}", str(procurement.buyer_id)).replace(
            "{procurement_id}", str(procurement.pk)
        )
        response = client.get(f"/api/v1{concrete}")
        assert MARKER not in response.content.decode()


def test_the_admin_site_has_no_door_to_tenders(client, sealed, db):
    staff = make_user("staff@tenderbox.example", "Stella Staff", is_staff=True, is_superuser=True)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=staff, name="App", key="00" * 20, confirmed=True)
    sign_in(client, staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/submissions/").status_code == 404
    assert client.get(f"/admin/submissions/responseversion/{sealed.pk}/change/").status_code == 404


def test_the_database_and_file_store_hold_only_ciphertext(sealed):
    with connection.cursor() as cursor:
        for model in apps.get_app_config("submissions").get_models():
            table = model._meta.db_table
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names come from the models
            for row in cursor.fetchall():
                for value in row:
                    raw = bytes(value) if isinstance(value, memoryview | bytes) else str(value).encode()
                    assert MARKER.encode() not in raw, f"plaintext found in {table}"
    for path in Path(settings.MEDIA_ROOT, "responses").rglob("*"):
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes()


def test_the_crypto_refuses_before_opening(sealed, procurement):
    with pytest.raises(SealedError):
        actions.read_version(sealed)
    with _after_deadline(procurement), pytest.raises(SealedError):  # closed, but not opened
        actions.read_version(sealed)


def test_a_rival_supplier_cannot_see_acmes_response(client, sealed, procurement, acme, carol, brightside):
    sign_in(client, carol)
    base = f"/opportunities/{procurement.reference}/respond/{acme.pk}"
    document = Response.objects.get(supplier=acme).documents.get()
    for path in (base, f"{base}/receipts/{sealed.pk}", f"{base}/documents/{document.pk}"):
        assert client.get(path).status_code == 404
    assert client.post(f"{base}/withdraw").status_code == 404
    assert Response.objects.get(supplier=acme).status == "submitted"


def test_tenders_cannot_be_opened_before_the_deadline(client, sealed, procurement, helen):
    sign_in(client, helen)
    response = client.post(f"/buying/{procurement.pk}/opening")
    assert response.status_code == 409
    assert "cannot be opened before the deadline" in response.content.decode()
    procurement.refresh_from_db()
    assert (procurement.status, procurement.opened_at) == ("published", None)


def test_opening_needs_two_different_buyers(client, sealed, procurement, helen, ian, jo):
    with _after_deadline(procurement):
        sign_in(client, helen)
        assert client.post(f"/buying/{procurement.pk}/opening").status_code == 302
        assert client.get(f"/buying/{procurement.pk}/tenders/").status_code == 409
        again = client.post(f"/buying/{procurement.pk}/opening")
        assert again.status_code == 409
        assert "a second, different buyer must approve" in again.content.decode()
        sign_in(client, jo)  # an evaluator cannot be the second pair of eyes
        assert client.post(f"/buying/{procurement.pk}/opening").status_code == 403
        procurement.refresh_from_db()
        assert procurement.opened_at is None
        sign_in(client, ian)
        assert client.post(f"/buying/{procurement.pk}/opening").status_code == 302
        procurement.refresh_from_db()
        assert procurement.status == "opened"
        page = client.get(f"/buying/{procurement.pk}/tenders/{sealed.pk}").content.decode()
        assert MARKER in page
        document = actions.read_version(sealed)["documents"][0]
        download = client.get(f"/buying/{procurement.pk}/tenders/{sealed.pk}/documents/{document['id']}")
        assert download.status_code == 200 and MARKER.encode() in download.content
        assert download["Content-Disposition"] == 'attachment; filename="pricing.pdf"'
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="procurement.open").values_list("verb", "actor_id")
    )
    assert verbs == [
        ("procurement.opening_approved", helen.pk),
        ("procurement.opening_approved", ian.pk),
        ("procurement.opened", ian.pk),
    ]


def test_another_authority_cannot_open_or_read(client, sealed, procurement):
    rita = make_user("rita@southshire.example", "Rita Moss")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tenderbox.organisations.actions import register_organisation

    TOTPDevice.objects.create(user=rita, name="App", key="00" * 20, confirmed=True)
    register_organisation(
        by=rita,
        kind="buyer",
        name="Southshire Council",
        authority_type="local_authority",
        address_line_1="Town Hall",
        town="Southampton",
        postcode="SO14 7LY",
        region="TLJ",
    )
    with _after_deadline(procurement):
        sign_in(client, rita)
        assert client.post(f"/buying/{procurement.pk}/opening").status_code == 404
        assert client.get(f"/buying/{procurement.pk}/tenders/{sealed.pk}").status_code == 404


def test_late_tenders_never_exist(procurement, alice, acme):
    response = actions.start_response(procurement, acme, by=alice)
    with _after_deadline(procurement), pytest.raises(Exception, match="Late tenders cannot be accepted"):
        actions.submit(response, by=alice, idempotency_key="late")
    assert ResponseVersion.objects.count() == 0


def test_the_evaluators_queue_shows_nothing_before_opening(client, sealed, procurement, jo, ian):
    from tenderbox.evaluation import actions as evaluation

    assignment = evaluation.assign(procurement, jo, by=ian)
    evaluation.declare(assignment, by=jo, conflict=False)
    sign_in(client, jo)
    page = client.get(f"/evaluation/{assignment.pk}/")
    assert page.status_code == 200 and MARKER not in page.content.decode()
    assert "sealed" in page.content.decode()
    response = client.get(f"/evaluation/{assignment.pk}/tenders/{sealed.pk}")
    assert response.status_code == 409 and MARKER not in response.content.decode()


def test_a_purged_tender_says_so_instead_of_failing(client, sealed, procurement, helen, ian):
    with _after_deadline(procurement):
        actions.approve_opening(procurement, by=helen)
        actions.approve_opening(procurement, by=ian)
        ResponseVersion.objects.filter(pk=sealed.pk).update(sealed=b"")
        sign_in(client, ian)
        response = client.get(f"/buying/{procurement.pk}/tenders/{sealed.pk}")
    assert response.status_code == 409
    assert "deleted at the end of its retention period" in response.content.decode()
