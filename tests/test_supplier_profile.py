"""The reusable supplier profile: entered once, prefilled into every new response, editable there."""

from tenderbox.submissions import actions
from tenderbox.submissions.models import ProfileDocument, SupplierProfile
from tests.conftest import pdf_upload, sign_in


def test_alice_keeps_acmes_profile_and_it_fills_the_next_response(client, procurement, alice, acme):
    sign_in(client, alice)
    response = client.post(
        f"/organisations/{acme.pk}/profile",
        {"public_liability_cover": "£10m", "accreditations": "ISO 9001", "declarations": "on"},
    )
    assert response.status_code == 302
    profile = SupplierProfile.objects.get(supplier=acme)
    assert (profile.public_liability_cover, profile.declarations_confirmed_at is not None) == ("£10m", True)
    upload = client.post(
        f"/organisations/{acme.pk}/profile/documents",
        {"kind": "insurance", "file": pdf_upload("insurance.pdf")},
    )
    assert upload.status_code == 302
    assert ProfileDocument.objects.get().filename == "insurance.pdf"

    draft = actions.start_response(procurement, acme, by=alice)
    content = actions.load_draft(draft)
    assert content["company"]["public_liability_cover"] == "£10m"
    exclusion = procurement.selection_questions.filter(is_exclusion_ground=True)
    assert content["selection"] == {str(q.pk): {"answer": "yes"} for q in exclusion}
    names = [actions.draft_document_name(d) for d in draft.documents.all()]
    assert names == ["insurance.pdf"]
    assert actions.draft_document_content(draft.documents.get()) == pdf_upload().read()


def test_a_rival_or_a_buyer_cannot_see_acmes_profile(client, alice, acme, carol, brightside, ian, northshire):
    SupplierProfile.objects.create(supplier=acme, public_liability_cover="£10m")
    for person in (carol, ian):
        sign_in(client, person)
        assert client.get(f"/organisations/{acme.pk}/profile").status_code == 404
        assert (
            client.post(f"/organisations/{acme.pk}/profile", {"public_liability_cover": "£1"}).status_code
            == 404
        )
    assert SupplierProfile.objects.get(supplier=acme).public_liability_cover == "£10m"


def test_a_wrong_profile_file_is_refused(client, alice, acme):
    sign_in(client, alice)
    response = client.post(
        f"/organisations/{acme.pk}/profile/documents",
        {"kind": "insurance", "file": pdf_upload("fake.pdf", b"not a pdf")},
    )
    assert response.status_code == 400
    assert "is not a real .pdf file" in response.content.decode()
    assert ProfileDocument.objects.count() == 0
