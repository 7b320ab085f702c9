"""Erasure (Art. 17): everything no legal obligation keeps goes at once; what retention keeps is
restricted, listed with its rule and date, and erased when that passes. Proved by searching every
table and the public pages for the person's name, email address, phone number and IP address."""

from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from tenderbox.accounts.models import SignupScreening
from tenderbox.audit.chain import verify
from tenderbox.evaluation.actions import enter_contract
from tenderbox.notifications.models import Message
from tenderbox.privacy import requests, retention_engine
from tenderbox.privacy.checks import may_process
from tenderbox.privacy.holds import Holds
from tenderbox.privacy.models import Restriction, SubjectRequest
from tests.subject_people import SAM_EMAIL, SAM_IP, SAM_NAME, SAM_PHONE
from tests.test_subject_export import sam_everywhere  # noqa: F401 - the fixture

NEEDLES = (SAM_NAME, SAM_EMAIL, SAM_PHONE, SAM_IP)
TEXT = (models.CharField, models.TextField, models.GenericIPAddressField, models.JSONField)


def rows_naming_sam() -> set[tuple[str, str]]:
    """(app.Model, pk) of every row of every table with Sam's name, email, phone or IP in any column."""
    return rows_naming(NEEDLES)


def rows_naming(needles) -> set[tuple[str, str]]:
    """(app.Model, pk) of every row of every table holding any of `needles` in any text column."""
    hits = set()
    for model in apps.get_models(include_auto_created=True):
        columns = [f for f in model._meta.concrete_fields if isinstance(f, TEXT)]
        for column in columns:
            qs = model._default_manager.annotate(_text=Cast(column.name, models.TextField()))
            for needle in needles:
                for pk in qs.filter(_text__icontains=needle).values_list("pk", flat=True):
                    hits.add((model._meta.label, str(pk)))
    return hits


def public_pages(client, procurement) -> str:
    pages = [
        reverse("tenders:opportunity", args=[procurement.reference]),
        reverse("tenders:search"),
        reverse("tenders:feed"),
    ]
    return "".join(client.get(page).content.decode() for page in pages)


@pytest.fixture
def contracted_long_ago(sam_everywhere, procurement, ian):  # noqa: F811
    """The contract was entered into after standstill; then the 3-year floor of PA23 s.98 passed."""
    procurement.refresh_from_db()
    traveller = time_machine.travel(procurement.standstill_ends_at + timedelta(minutes=1), tick=False)
    traveller.start()
    procurement = enter_contract(procurement, by=ian)
    traveller.stop()
    later = time_machine.travel(procurement.contracted_at + timedelta(days=3 * 366 + 5), tick=False)
    later.start()
    yield sam_everywhere
    later.stop()


def test_erasure_once_the_floors_passed_leaves_only_what_retention_keeps(
    contracted_long_ago, procurement, client, commit, mailoutbox
):
    sam, org, pat = contracted_long_ago
    req = requests.make_request(kind="erasure", user=sam, subject_name=SAM_NAME, subject_email=SAM_EMAIL)
    with commit():
        requests.fulfil_erasure(req, by=pat)
    req.refresh_from_db()
    sam.refresh_from_db()
    assert sam.erased_at is not None and sam.full_name == "Erased user"
    org.refresh_from_db()
    assert (org.name, org.trading_name, org.phone, org.contact_email) == ("Erased", "Erased", "", "")
    # The person is told what was erased and what is kept, why and until when.
    statement = req.outcome
    assert statement.startswith("Your account is anonymised")
    assert "Kept:" in statement and "marketing" in statement
    told = [m for m in mailoutbox if req.reference in m.subject and m.to == [SAM_EMAIL]]
    assert told[-1].subject == f"What we erased and what we keep ({req.reference})"
    # Search every table: only rows that retention keeps, each listed with its rule, name Sam; plus
    # the one message telling Sam so (the statement itself).
    statement_message = Message.objects.get(subject=f"What we erased and what we keep ({req.reference})")
    kept = _kept_rows_of(req) | {("notifications.Message", str(statement_message.pk))}
    assert rows_naming_sam() - kept == set()
    assert {rule for _, rule in _kept_rules_of(req)} <= {
        "subject_request",
        "marketing_suppression",
        "consent_evidence",
        "procurement_records",
        "tender_submission",
        "legal_hold",
    }
    # The tender stays in the history, emptied; the published pages name nobody.
    response = sam_response(org)
    assert response.retention_purged_at is not None
    text = public_pages(client, procurement)
    assert all(needle not in text for needle in NEEDLES)
    assert verify().ok


KEPT = {}


def _kept_rows_of(req):
    return {row for row, _ in _kept_rules_of(req)}


def _kept_rules_of(req):
    return KEPT[req.reference]


@pytest.fixture(autouse=True)
def remember_kept(monkeypatch):
    """Keep each erasure's list of kept rows, by reference, for the assertions."""
    from tenderbox.privacy import subject_erasure

    real = subject_erasure.erase

    def spy(person, **kwargs):
        result = real(person, **kwargs)
        if not kwargs.get("dry_run"):
            KEPT[kwargs["reference"]] = set(result.kept_rows.items())
        return result

    monkeypatch.setattr(subject_erasure, "erase", spy)


def sam_response(org):
    from tenderbox.submissions.models import Response

    return Response.objects.get(supplier=org)


def test_erasure_under_a_floor_restricts_and_queues_the_rest(sam_everywhere, procurement, ian, commit):  # noqa: F811
    sam, org, pat = sam_everywhere
    req = requests.make_request(kind="erasure", user=sam, subject_name=SAM_NAME, subject_email=SAM_EMAIL)
    with commit():
        requests.fulfil_erasure(req, by=pat)
    req.refresh_from_db()
    sam.refresh_from_db()
    # The procurement's s.98 floor has not started: the account is kept, restricted, and said why.
    assert sam.erased_at is None
    assert Restriction.objects.filter(user=sam, lifted_at=None).exists()
    assert not may_process(sam, "opportunity_alerts") and not may_process(sam, "statistics")
    assert "is restricted" in req.outcome
    assert f"named in the records of procurement {procurement.reference}" in req.outcome
    # What nothing keeps went at once.
    assert not sam.alerts.exists() and not sam.consents.exists()
    assert not Message.objects.filter(to_email=SAM_EMAIL, created_at__lt=req.closed_at).exists()
    assert not SignupScreening.objects.filter(user=sam).exists()
    # The written request shortened the tender's ceiling: it goes the day the floor passes.
    response = sam_response(org)
    assert response.shortened_retention_requested_at is not None and response.retention_purged_at is None
    # Every row still naming Sam is listed with its rule.
    assert rows_naming_sam() - _kept_rows_of(req) - _messages_since(req) == set()

    # The contract is entered into; 3 years on, the daily retention run finishes the erasure.
    procurement.refresh_from_db()
    with time_machine.travel(procurement.standstill_ends_at + timedelta(minutes=1), tick=False):
        procurement = enter_contract(procurement, by=ian)
    with time_machine.travel(procurement.contracted_at + timedelta(days=3 * 366 + 5), tick=False):
        result = retention_engine.run()
        pending = next(p for p in result.populations if p.policy.key == "pending_erasures")
        assert pending.tally.applied == 1
        sam.refresh_from_db()
        assert sam.erased_at is not None
        assert sam_response(org).retention_purged_at is not None


def _messages_since(req):
    return {
        ("notifications.Message", str(pk))
        for pk in Message.objects.filter(to_email=SAM_EMAIL, created_at__gte=req.closed_at).values_list(
            "pk", flat=True
        )
    }


def test_a_dry_run_changes_nothing_and_says_what_would_happen(sam_everywhere):  # noqa: F811
    from io import StringIO

    sam, _, _ = sam_everywhere
    before = rows_naming_sam()
    out = StringIO()
    call_command("privacy", "erase", SAM_EMAIL, "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Dry run: nothing was changed" in text
    assert "notifications.AlertSubscription" in text and "deleted" in text
    assert "tender_submission" in text and "kept" in text
    assert "Kept because: named in the records of procurement" in text
    assert rows_naming_sam() == before
    assert SubjectRequest.objects.filter(kind="erasure").count() == 0


def test_the_command_erases_and_says_so(contracted_long_ago):
    from io import StringIO

    sam, _, _ = contracted_long_ago
    out = StringIO()
    call_command("privacy", "erase", SAM_EMAIL, stdout=out)
    sam.refresh_from_db()
    assert sam.erased_at is not None
    assert "Account: anonymised." in out.getvalue()
    out = StringIO()
    with pytest.raises(Exception, match="No account uses"):
        call_command("privacy", "erase", SAM_EMAIL, stdout=out)


def test_a_floor_another_app_declares_keeps_the_account_until_its_rows_are_purged(acme, alice, monkeypatch):
    """As a spend or fees app would declare its payment records (a 7-year floor, policy 4.1.4): the
    erasure keeps the account, restricted, and finishes once that app's retention removed them."""
    from dataclasses import replace

    from tenderbox.api.actions import create_token
    from tenderbox.api.models import ApiToken
    from tenderbox.privacy import subject, subject_erasure
    from tenderbox.privacy.map import PrivacyMap, privacy_map

    real = privacy_map()
    declared = tuple(
        replace(f, retention="fees_and_subscriptions") if f.model == "api.ApiToken" else f
        for f in real.personal
    )
    fake = PrivacyMap(declared, real.not_personal)
    monkeypatch.setattr(subject, "privacy_map", lambda: fake)
    monkeypatch.setattr(subject_erasure, "privacy_map", lambda: fake)
    create_token(acme, by=alice, name="Payments", scope="read", days=30)

    result = subject_erasure.erase(alice, reference="DSR-TEST")
    alice.refresh_from_db()
    assert result.account == "restricted" and alice.erased_at is None
    assert any("kept under fees_and_subscriptions" in b for b in result.blockers)
    assert ("api.ApiToken", str(ApiToken.objects.get().pk)) in result.kept_rows

    SubjectRequest.objects.create(
        kind="erasure", status="completed", user=alice, subject_name="Alice", subject_email=alice.email,
        closed_at=timezone.now(),
    )  # fmt: skip
    policy = subject_erasure._pending_policy()
    assert (
        policy.assess(alice, today=timezone.localdate(), holds=Holds.in_force()).outcome == "kept by a floor"
    )
    ApiToken.objects.all().delete()  # the owning app's retention purges them when the floor passes
    assessment = policy.assess(alice, today=timezone.localdate(), holds=Holds.in_force())
    assert assessment.outcome == "apply"
    policy.apply(alice, assessment, now=timezone.now())
    alice.refresh_from_db()
    assert alice.erased_at is not None


def test_a_companys_details_stay_when_its_contact_is_erased_only_their_address_goes(acme, bob):
    from tenderbox.privacy import subject_erasure

    acme.contact_email = bob.email
    acme.save(update_fields=["contact_email"])
    result = subject_erasure.erase(bob, reference="DSR-BOB")
    acme.refresh_from_db()
    bob.refresh_from_db()
    assert (acme.name, acme.contact_email, acme.postcode) == ("Acme Facilities Ltd", "", "LS1 4AP")
    assert result.account == "anonymised" and bob.erased_at is not None
    assert not bob.memberships.exists()
