"""Sign-up of a new supplier: person, organisation, declarations, verification email."""

import re

from tenderbox.accounts.models import User
from tenderbox.audit.models import AuditEvent
from tenderbox.organisations.models import Membership, Organisation
from tenderbox.privacy.models import MARKETING_CONSENT_WORDING, ConsentRecord

VALID = {
    "full_name": "Sam Supplier",
    "email": "Sam@Newco.example",
    "phone": "0113 496 0000",
    "password": "maple violin harbour",
    "adult": "on",
    "org-name": "Newco Services Ltd",
    "org-companies_house_number": "12345678",
    "org-vat_number": "GB980780684",
    "org-size": "micro",
    "org-address_line_1": "2 Park Row",
    "org-town": "Leeds",
    "org-postcode": "ls1 5hd",
    "org-region": "TLE",
}


def test_it_registers_a_supplier_and_sends_a_verification_link(client, db, commit, mailoutbox, settings):
    with commit():
        response = client.post("/account/sign-up", VALID)
    assert response.status_code == 302
    assert response["Location"] == "/account/check-email"
    user = User.objects.get(email__iexact="sam@newco.example")
    assert user.email == "Sam@newco.example"  # the domain is lowercased, the local part kept
    assert (user.full_name, user.phone, user.email_verified_at) == (
        "Sam Supplier",
        "0113 496 0000",
        None,
    )
    assert user.adult_declared_at is not None
    assert user.privacy_notice_version == settings.PRIVACY_NOTICE_VERSION
    org = Organisation.objects.get(name="Newco Services Ltd")
    assert (org.kind, org.postcode, org.vat_number, org.companies_house_number) == (
        "supplier",
        "LS1 5HD",
        "GB980780684",
        "12345678",
    )
    assert Membership.objects.get(organisation=org).role == "admin"
    assert ConsentRecord.objects.count() == 0  # the marketing box was left unticked
    assert list(AuditEvent.objects.values_list("verb", flat=True)) == [
        "user.signed_up",
        "screening.cleared",
        "organisation.registered",
        "membership.added",
    ]
    assert [m.to for m in mailoutbox] == [["Sam@newco.example"]]
    path = re.search(r"/account/verify/\S+", mailoutbox[0].body).group(0)
    response = client.get(path)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_marketing_consent_is_recorded_with_its_wording_when_ticked(client, db, commit):
    with commit():
        client.post("/account/sign-up", {**VALID, "marketing": "on"})
    consent = ConsentRecord.objects.get()
    assert (consent.purpose, consent.wording, consent.source, consent.withdrawn_at) == (
        "marketing",
        MARKETING_CONSENT_WORDING,
        "sign-up form",
        None,
    )


def test_the_marketing_box_is_never_pre_ticked(client, db):
    page = client.get("/account/sign-up").content.decode()
    box = re.search(r'<input[^>]*name="marketing"[^>]*>', page).group(0)
    assert "checked" not in box


def _refused(client, data, field_id, message):
    response = client.post("/account/sign-up", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert f'href="#{field_id}"' in page
    assert User.objects.count() == 0 and Organisation.objects.count() == 0
    return page


def test_a_wrong_vat_number_is_refused_with_a_clear_message(client, db):
    page = _refused(
        client,
        {**VALID, "org-vat_number": "GB980780685"},
        "id_org-vat_number",
        "check digits are wrong",
    )
    # What the person typed is kept.
    assert 'value="Newco Services Ltd"' in page and 'value="GB980780685"' in page


def test_a_duplicate_email_is_refused_whatever_its_case(client, alice):
    response = client.post("/account/sign-up", {**VALID, "email": "ALICE@acme.example"})
    assert response.status_code == 400
    assert "An account already uses this email address" in response.content.decode()
    assert User.objects.count() == 1


def test_a_weak_password_is_refused(client, db):
    _refused(client, {**VALID, "password": "password123"}, "id_password", "too common")
    _refused(client, {**VALID, "password": "short"}, "id_password", "at least 12 characters")
    _refused(client, {**VALID, "password": "Tenderbox!!2026"}, "id_password", "Try three random words")


def test_the_adult_declaration_is_required(client, db):
    data = {k: v for k, v in VALID.items() if k != "adult"}
    _refused(client, data, "id_adult", "Confirm that you are 18 or over")


def test_a_bad_verification_link_is_a_clear_400(client, db):
    response = client.get("/account/verify/not-a-token")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
