"""Access and portability: one person with data in every app; the export holds every field the
privacy map declares, as JSON, CSV and a summary page; another person's identity is withheld."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command

from tenderbox.privacy.export import WITHHELD_OTHER, build_export
from tenderbox.privacy.map import Export, privacy_map
from tenderbox.privacy.subject import mapped_models
from tests.subject_people import SAM_EMAIL, SAM_IP, SAM_NAME, SAM_PHONE, build_sam


@pytest.fixture
def sam_everywhere(procurement, ian, jo, helen, carol, brightside, acme, alice, client, commit):
    from tests.conftest import make_user

    pat = make_user("pat@tenderbox.example", "Pat Officer", is_staff=True, is_superuser=True)
    with commit():
        sam, org = build_sam(
            procurement=procurement,
            ian=ian,
            jo=jo,
            helen=helen,
            carol=carol,
            brightside=brightside,
            acme=acme,
            alice=alice,
            pat=pat,
            client=client,
        )
    return sam, org, pat


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def exported_fields(data: dict) -> set[tuple[str, str]]:
    return {
        (label, name) for label, rows in data["records"].items() for row in rows for name in row["fields"]
    }


def test_every_mapped_field_of_every_app_is_in_the_exports(sam_everywhere, ian, jo):
    sam, org, pat = sam_everywhere
    seen = set()
    for person in (sam, ian, jo, pat):
        seen |= exported_fields(json.loads(unzip(build_export(person))["data.json"]))
    # The apps added later are proved with Val (test_subject_new_apps.py) and by the coverage tests.
    later = ("frameworks", "contracts", "spend", "performance")
    declared = {
        (f.model, f.field)
        for f in privacy_map().personal
        if f.model in mapped_models() and f.model.split(".")[0] not in later
    }
    assert declared - seen == set()
    # Sam alone has data in every app.
    sam_apps = {
        label.split(".")[0] for label, _ in exported_fields(json.loads(unzip(build_export(sam))["data.json"]))
    }
    assert sam_apps >= {
        "accounts", "organisations", "tenders", "submissions", "evaluation", "notifications", "privacy",
        "audit", "api", "sessions", "axes", "otp_totp", "otp_static",
    }  # fmt: skip


def test_the_export_holds_the_persons_values_and_withholds_others(sam_everywhere):
    sam, org, _ = sam_everywhere
    files = unzip(build_export(sam))
    data = json.loads(files["data.json"])
    records = data["records"]
    user = records["accounts.User"][0]["fields"]
    assert (user["email"], user["full_name"], user["phone"]) == (SAM_EMAIL, SAM_NAME, SAM_PHONE)
    assert user["password"] == "held, not shown: Argon2 hash; replaced by an unusable password."
    assert records["organisations.Organisation"][0]["fields"]["trading_name"] == "Jones the Garden"
    assert records["accounts.SignupScreening"][0]["fields"]["ip_address"] == SAM_IP
    assert SAM_IP in {r["fields"]["ip_address"] for r in records["audit.AuditEvent"]}
    # The communications archive: every message sent to Sam.
    subjects = {r["fields"]["subject"] for r in records["notifications.Message"]}
    assert "New opportunity" in subjects
    # Their question, with the buyer who answered it withheld.
    clarification = records["tenders.Clarification"][0]["fields"]
    assert (clarification["asked_by"], clarification["answered_by"]) == ("you", WITHHELD_OTHER)
    # The draft is opened for its author; sealed versions and secrets are described only.
    assert records["submissions.Response"][0]["fields"]["draft"]["company"]["name"] == "Sam Jones Gardening"
    assert records["submissions.ResponseVersion"][0]["fields"]["sealed"].startswith("held, not shown")
    assert records["otp_totp.TOTPDevice"][0]["fields"]["key"].startswith("held, not shown")
    # The invitation Sam sent names someone else: withheld.
    sent = [r["fields"] for r in records["organisations.Invitation"] if r["fields"]["invited_by"] == "you"]
    assert [i["email"] for i in sent] == [WITHHELD_OTHER]
    # Staff who dealt with Sam are not in Sam's export as people.
    assert "admin.LogEntry" not in records and "privacy.Breach" not in records


def test_each_category_says_why_on_what_basis_who_receives_it_and_for_how_long(sam_everywhere):
    sam, _, _ = sam_everywhere
    files = unzip(build_export(sam))
    data = json.loads(files["data.json"])
    by_category = {c["category"]: c for c in data["categories"]}
    contact = by_category["contact"]
    assert "Contract (UK GDPR Art. 6(1)(b))" in contact["legal_bases"]
    assert any("12 months after registration" in r for r in contact["retention"])
    business = by_category["sole trader business details"]
    assert any("published registers" in r for r in business["recipients"])
    summary = files["summary.html"].decode()
    assert "<h3>Contact</h3>" in summary and "How long we keep it" in summary
    assert "Automated decisions" in summary and "ico.org.uk" in summary
    # One CSV per kind of record, with the declared fields as columns.
    rows = list(csv.DictReader(io.StringIO(files["csv/accounts.User.csv"].decode())))
    assert (rows[0]["email"], rows[0]["phone"]) == (SAM_EMAIL, SAM_PHONE)
    assert set(files) >= {"data.json", "summary.html", "csv/notifications.Message.csv"}


def test_described_fields_never_carry_their_value(sam_everywhere):
    sam, _, _ = sam_everywhere
    data = json.loads(unzip(build_export(sam))["data.json"])
    described = {(f.model, f.field) for f in privacy_map().personal if f.export == Export.DESCRIBE}
    for label, rows in data["records"].items():
        for row in rows:
            for name, value in row["fields"].items():
                if (label, name) in described:
                    assert str(value).startswith("held, not shown"), (label, name, value)


def test_the_command_writes_the_export(sam_everywhere, tmp_path):
    sam, _, _ = sam_everywhere
    out = io.StringIO()
    call_command("privacy", "export", SAM_EMAIL.upper(), str(tmp_path / "sam.zip"), stdout=out)
    files = unzip((tmp_path / "sam.zip").read_bytes())
    assert json.loads(files["data.json"])["person"]["email"] == SAM_EMAIL
    assert f"Wrote the data of account #{sam.pk}" in out.getvalue()


def test_a_persons_sessions_are_found_among_everyone_elses(alice, bob, client):
    """Sessions hold the account id inside their signed data: found by decoding, after a quick look
    at the payload that skips the sessions that cannot be the person's."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from tenderbox.privacy.subject import _may_be_signed_in_as, _sessions_of

    client.force_login(alice, backend="tenderbox.accounts.backends.EmailBackend")
    signed_in = client.session.session_key

    def stored(data: dict) -> Session:
        store = SessionStore()
        store.update(data)
        store.save()
        return Session.objects.get(pk=store.session_key)

    # A large session is stored compressed; a small one as it is.
    big = stored({"_auth_user_id": str(alice.pk), "notes": "x" * 5000})
    assert big.session_data.startswith(".")
    other = stored({"_auth_user_id": str(bob.pk)})
    longer_id = stored({"_auth_user_id": f"{alice.pk}0"})  # another account whose id begins with hers
    anonymous = stored({"cookie_banner": "seen"})
    forged = stored({"_auth_user_id": str(bob.pk)})
    Session.objects.filter(pk=forged.pk).update(
        session_data=SessionStore().encode({"_auth_user_id": str(alice.pk)})[:-3] + "abc"
    )

    assert sorted(_sessions_of(alice)) == sorted([signed_in, big.pk])
    assert _sessions_of(bob) == [other.pk]
    for session in (other, longer_id, anonymous):
        assert not _may_be_signed_in_as(session.session_data, str(alice.pk))
    # A payload it cannot read as JSON is decoded properly, never skipped.
    assert _may_be_signed_in_as("not-base64!:x:y", str(alice.pk))
