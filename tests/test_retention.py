"""Retention: each rule at its boundary (the day before, the day, the day after), legal holds, floors,
the notice before an unused account goes, a dry run that changes nothing, a crash that resumes cleanly,
and explanations of why a record is kept."""

import uuid
from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenderbox.audit.chain import record, verify
from tenderbox.audit.models import AuditEvent
from tenderbox.lib.dates import add_months
from tenderbox.lib.errors import DomainError
from tenderbox.notifications.actions import send_email
from tenderbox.notifications.models import Message
from tenderbox.organisations.actions import invite_member
from tenderbox.organisations.models import Invitation, Membership, Role
from tenderbox.privacy import erasure
from tenderbox.privacy import retention_engine as engine
from tenderbox.privacy.actions import give_marketing_consent, withdraw_marketing_consent
from tenderbox.privacy.holds import lift_legal_hold, place_legal_hold
from tenderbox.privacy.map import Erasure, Field, privacy_map
from tenderbox.privacy.models import (
    ConsentRecord,
    LegalHold,
    MarketingSuppression,
    RetentionCursor,
    RetentionNotice,
    RetentionRun,
)
from tenderbox.privacy.retention_policies import PROCUREMENT_RECORD_LINKS, TENDER_LINKS, Outcome
from tenderbox.submissions.models import Response
from tenderbox.tenders import actions as tender_actions
from tests.conftest import make_user, pdf_upload, response_post, sign_in, submit_tender

LONDON = ZoneInfo("Europe/London")
BOUNDARY = [(-1, False), (0, True), (1, True)]  # days from the due date, and whether it is done


def on(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def travel(day: date, hour: int = 12):
    return time_machine.travel(on(day, hour), tick=False)


def run_on(day: date, **kwargs):
    with travel(day):
        return engine.run(**kwargs)


def counts(result, population: str):
    return next(p.tally for p in result.populations if p.policy.key == population)


def verbs(verb: str) -> list:
    return list(AuditEvent.objects.filter(verb=verb).order_by("seq"))


@pytest.fixture
def pat(db):
    """Pat is Tenderbox's privacy officer (staff, two-factor set up)."""
    user = make_user("pat@tenderbox.example", "Pat Officer", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=user, name="App", key="00" * 20, confirmed=True)
    return user


def nina_registered_on(day: date):
    with travel(day):
        return make_user("nina@example.com", "Nina New", phone="07700 900123")


# Accounts never used ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("offset", "done"), BOUNDARY)
def test_an_account_never_used_is_anonymised_12_months_after_registration(db, offset, done):
    nina = nina_registered_on(date(2025, 1, 15))
    due = date(2026, 1, 15)
    assert counts(run_on(due - timedelta(days=30)), "accounts_never_used").warned == 1
    result = counts(run_on(due + timedelta(days=offset)), "accounts_never_used")
    nina.refresh_from_db()
    assert (nina.erased_at is not None) is done
    assert (result.applied, result.notice_running) == ((1, 0) if done else (0, 1))
    assert verify().ok


def test_the_person_is_told_30_days_before_their_unused_account_goes(db):
    nina = nina_registered_on(date(2025, 1, 15))
    assert counts(run_on(date(2025, 12, 15)), "accounts_never_used").warned == 0
    assert not RetentionNotice.objects.exists()
    assert counts(run_on(date(2025, 12, 16)), "accounts_never_used").warned == 1
    notice = RetentionNotice.objects.get(user=nina)
    assert (notice.removal_on, notice.activity_at) == (date(2026, 1, 15), nina.date_joined)
    message = Message.objects.get(recipient=nina)
    assert message.subject == "Your Tenderbox account will be removed on 15 January 2026"
    assert "sign in before then" in message.body
    assert [e.after for e in verbs("retention.warned")] == [
        {"rule": "account_unused", "population": "accounts_never_used", "removal_on": "2026-01-15"}
    ]
    # The next day's run does not tell them again.
    assert counts(run_on(date(2025, 12, 17)), "accounts_never_used").notice_running == 1
    assert Message.objects.filter(recipient=nina).count() == 1


def test_a_late_notice_moves_the_removal_30_days_after_it(db):
    nina = nina_registered_on(date(2025, 1, 15))
    run_on(date(2026, 2, 1))  # the job did not run for weeks: told now, removed 30 days later
    assert RetentionNotice.objects.get(user=nina).removal_on == date(2026, 3, 3)
    run_on(date(2026, 3, 2))
    nina.refresh_from_db()
    assert nina.erased_at is None
    run_on(date(2026, 3, 3))
    nina.refresh_from_db()
    assert nina.erased_at is not None


def test_anonymising_an_unused_account_removes_the_person_and_keeps_the_suppression(db):
    nina = nina_registered_on(date(2025, 1, 15))
    with travel(date(2025, 1, 15)):
        give_marketing_consent(nina, source="sign-up")
        withdraw_marketing_consent(nina, via="account page")
        give_marketing_consent(nina, source="account page")
        withdraw_marketing_consent(nina, via="email unsubscribe link")
    run_on(date(2025, 12, 16))
    run_on(date(2026, 1, 15))
    nina.refresh_from_db()
    assert (nina.email, nina.full_name, nina.phone, nina.is_active) == (
        f"erased-{nina.pk}@invalid.tenderbox",
        "Erased user",
        "",
        False,
    )
    assert not nina.has_usable_password()
    assert nina.erased_at == on(date(2026, 1, 15))
    assert not ConsentRecord.objects.filter(user=nina).exists()
    assert not Message.objects.filter(recipient=nina).exists()
    assert not RetentionNotice.objects.exists()
    assert MarketingSuppression.objects.filter(email="nina@example.com").exists()
    assert not AuditEvent.objects.filter(actor_id=nina.pk).exclude(actor_label="").exists()
    assert not AuditEvent.objects.filter(actor_label__icontains="nina").exists()
    (event,) = verbs("retention.anonymised")
    assert (event.object_type, event.object_id, event.subject_user_id, event.actor_label) == (
        "accounts.user",
        str(nina.pk),
        nina.pk,
        "",
    )
    assert event.after["reason"] == "account_unused"
    assert event.after["fields"] == ["email", "full_name", "password", "phone"]
    assert "nina" not in str(event.after)
    assert verify().ok


def test_a_restricted_account_is_stored_not_removed(db):
    from tenderbox.privacy.models import Restriction

    nina = nina_registered_on(date(2025, 1, 15))
    Restriction.objects.create(user=nina, reason="Art. 18(1)(b): opposes erasure")
    result = counts(run_on(date(2026, 2, 1)), "accounts_never_used")
    nina.refresh_from_db()
    assert (nina.erased_at, result.warned, result.kept) == (None, 0, 1)


# Lapsed accounts ------------------------------------------------------------------------------------
@pytest.fixture
def bob_signed_in(client, bob):
    """Bob bids for Acme and signed in today, then never again."""
    client.force_login(bob, backend="tenderbox.accounts.backends.EmailBackend")
    client.logout()
    bob.refresh_from_db()
    return bob


@pytest.mark.parametrize(("offset", "done"), BOUNDARY)
def test_an_account_not_signed_in_for_12_months_is_anonymised(bob_signed_in, offset, done):
    bob = bob_signed_in
    due = add_months(timezone.localdate(bob.last_login), 12)
    run_on(due - timedelta(days=30))
    assert RetentionNotice.objects.get(user=bob).removal_on == due
    result = counts(run_on(due + timedelta(days=offset)), "accounts_lapsed")
    bob.refresh_from_db()
    assert (bob.erased_at is not None) is done
    assert Membership.objects.filter(user=bob).exists() is not done
    # Alice, Acme's admin, joined today and never signed in: she is on the same day's clock.
    assert (result.applied, result.notice_running) == ((2, 0) if done else (0, 2))


def test_signing_in_keeps_the_account_and_starts_the_clock_again(client, bob_signed_in):
    bob = bob_signed_in
    due = add_months(timezone.localdate(bob.last_login), 12)
    run_on(due - timedelta(days=30))
    with travel(due - timedelta(days=10)):
        client.force_login(bob, backend="tenderbox.accounts.backends.EmailBackend")
    run_on(due)
    bob.refresh_from_db()
    assert bob.erased_at is None
    assert not RetentionNotice.objects.filter(user=bob).exists()  # the answered notice is deleted
    lines = engine.explain("accounts.User", bob.pk, now=on(due)).lines
    assert f"Due: {add_months(due - timedelta(days=10), 12):%-d %B %Y} (anonymised then)" in lines


def test_accounts_linked_to_tenders_and_procurement_records_are_kept(
    procurement, acme, alice, bob, helen, ian
):
    submit_tender(procurement, acme, bob)
    today = timezone.localdate()
    later = add_months(today, 13)
    result = run_on(later)
    users = get_user_model().objects.filter(pk__in=[alice.pk, bob.pk, helen.pk, ian.pk])
    assert list(users.exclude(erased_at=None)) == []
    assert not RetentionNotice.objects.exists()
    assert counts(result, "accounts_lapsed").kept_by_floor == 2  # Bob and Ian
    assert counts(result, "accounts_lapsed").kept == 2  # Alice and Helen, the only admins
    with travel(later):
        explain = {u.pk: engine.explain("accounts.User", u.pk) for u in (alice, bob, helen, ian)}
    assert [explain[u.pk].assessment.outcome for u in (alice, bob, helen, ian)] == [
        Outcome.KEPT,
        Outcome.FLOOR,
        Outcome.KEPT,
        Outcome.FLOOR,
    ]
    response = Response.objects.get()
    # Bob registered Acme's interest (a pre-contract communication) and submitted its tender.
    assert explain[bob.pk].lines[-3:] == [
        "Decision: kept by a floor not started yet",
        f"Because: named in the records of procurement {procurement.reference}, kept under the "
        "Procurement Act 2023 s.98 floor (not started yet)",
        f"Because: linked to tender submission #{response.pk} for {procurement.reference}, kept for up "
        "to 7 years",
    ]
    assert any("the only admin of organisations.organisation" in line for line in explain[alice.pk].lines)
    assert any(f"records of procurement {procurement.reference}" in line for line in explain[ian.pk].lines)
    assert engine.erasure_blockers(ian) == [
        f"named in the records of procurement {procurement.reference}, kept under the Procurement Act "
        "2023 s.98 floor (not started yet)"
    ]


@pytest.mark.parametrize("batch", [1, 500])
def test_of_two_admins_who_lapse_together_the_one_decided_second_is_kept(
    procurement, acme, alice, bob, batch
):
    """Alice and Bob are Acme's admins; Acme has a tender in (Dan's). Both lapse the same day: one
    at a time, Alice goes first and then Bob is the only admin left, so he is kept. A batch decides
    them together, and decides them the same way."""
    from tenderbox.organisations.actions import change_role

    change_role(Membership.objects.get(user=bob), Role.ADMIN, by=alice)
    dan = make_user("dan@acme.example", "Dan Bidder")
    Membership.objects.create(user=dan, organisation=acme, role=Role.BIDDER)
    submit_tender(procurement, acme, dan)
    due = add_months(timezone.localdate(), 12)
    run_on(due - timedelta(days=30), batch=batch)
    result = counts(run_on(due, batch=batch), "accounts_lapsed")
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert (alice.erased_at is not None, bob.erased_at is None) == (True, True)
    assert Membership.objects.filter(organisation=acme, role=Role.ADMIN).get().user == bob
    assert (result.applied, result.kept) == (1, 2)  # Alice; Bob, and Helen (Northshire's only admin)
    with travel(due):
        lines = engine.explain("accounts.User", bob.pk).lines
    assert (
        f"Because: the only admin of organisations.organisation #{acme.pk}, which has procurement records"
        in lines
    )


# Tender submissions ---------------------------------------------------------------------------------
def submit_with_document(procurement, supplier, user):
    from tenderbox.submissions import actions as sub
    from tenderbox.submissions.forms import ResponseForm

    response = sub.start_response(procurement, supplier, by=user)
    sub.attach_document(response, pdf_upload("method-statement.pdf"), by=user)
    content = sub.load_draft(response)
    form = ResponseForm(response_post(procurement), procurement=procurement, content=content)
    assert form.is_valid(), form.errors
    sub.save_draft(response, form.content(content), by=user)
    return sub.submit(response, by=user, idempotency_key=uuid.uuid4().hex)


@pytest.fixture
def cancelled_tender(procurement, acme, alice, ian):
    """Acme's tender (with a document) to a procurement Northshire cancelled the same day."""
    version = submit_with_document(procurement, acme, alice)
    tender_actions.cancel(procurement, by=ian, reason="Budget withdrawn")
    return version


@pytest.mark.parametrize(("offset", "done"), BOUNDARY)
def test_a_tender_is_purged_7_years_after_submission(cancelled_tender, offset, done, commit):
    version = cancelled_tender
    response = version.response
    document = response.documents.get()
    storage, name = document.file.storage, document.file.name
    due = add_months(timezone.localdate(version.submitted_at), 84)
    with commit():
        result = counts(run_on(due + timedelta(days=offset)), "tender_submissions")
    version.refresh_from_db()
    response.refresh_from_db()
    document.refresh_from_db()
    assert result.applied == (1 if done else 0)
    assert (bytes(version.sealed) == b"") is done
    assert (response.retention_purged_at is not None) is done
    assert (bytes(response.draft) == b"") is done
    assert (document.file.name == "" and bytes(document.wrapped_key) == b"") is done
    assert storage.exists(name) is not done
    # The record stays: the row, its number, times and receipt hash.
    assert (version.number, len(version.receipt_sha256)) == (1, 64)
    assert response.submitted_at == version.submitted_at
    if done:
        (event,) = verbs("retention.purged")
        assert event.after == {
            "rule": "tender_submission",
            "population": "tender_submissions",
            "versions": 1,
            "documents": 1,
        }
    assert verify().ok


def test_a_written_request_shortens_retention_to_the_floor_and_never_below(
    procurement, acme, alice, ian, pat
):
    version = submit_tender(procurement, acme, alice)
    submitted = timezone.localdate(version.submitted_at)
    with travel(add_months(submitted, 6)):
        tender_actions.cancel(procurement, by=ian, reason="Requirement changed")
    floor = add_months(add_months(submitted, 6), 36)
    with travel(add_months(submitted, 12)):
        erasure.shorten_tender_retention(version.response, by=pat)
    result = counts(run_on(floor - timedelta(days=1)), "tender_submissions")
    assert (result.applied, result.kept_by_floor) == (0, 1)
    with travel(floor - timedelta(days=1)):
        lines = engine.explain("submissions.Response", version.response_id).lines
    assert f"Decision: kept by a floor until {floor:%-d %B %Y}" in lines
    asked = add_months(submitted, 12)
    assert f"Because: the supplier asked in writing on {asked:%-d %B %Y} to keep it no longer" in lines
    assert counts(run_on(floor), "tender_submissions").applied == 1
    version.refresh_from_db()
    assert bytes(version.sealed) == b""


def test_a_floor_that_has_not_started_keeps_a_tender_the_supplier_asked_to_shorten(
    procurement, acme, alice, pat
):
    version = submit_tender(procurement, acme, alice)
    erasure.shorten_tender_retention(version.response, by=pat)
    result = counts(run_on(add_months(timezone.localdate(), 100)), "tender_submissions")
    assert (result.applied, result.kept_by_floor) == (0, 1)
    version.refresh_from_db()
    assert bytes(version.sealed) != b""


def test_a_winning_tender_is_kept_7_years_from_the_end_of_its_contract(opened, jo, ian):
    from tenderbox.evaluation import actions as evaluation
    from tests.test_evaluation import _evaluate

    procurement, acme_v, brightside_v = opened
    _evaluate(procurement, [acme_v, brightside_v], jo, ian, [4, 3])
    procurement = evaluation.award(procurement, by=ian, winners={})
    with time_machine.travel(procurement.standstill_ends_at + timedelta(seconds=1), tick=False):
        procurement = evaluation.enter_contract(procurement, by=ian)
    due = add_months(timezone.localdate(brightside_v.submitted_at), 84)
    result = counts(run_on(due), "tender_submissions")
    assert result.applied == 1  # Brightside lost: 7 years from submission
    assert list(Response.objects.exclude(retention_purged_at=None)) == [brightside_v.response]
    with travel(due):
        explanation = engine.explain("submissions.Response", acme_v.response_id)
    contract_due = add_months(procurement.contract_end, 84)
    assert explanation.assessment.outcome == Outcome.NOT_DUE
    assert (explanation.assessment.clock_start, explanation.assessment.due_on) == (
        procurement.contract_end,
        contract_due,
    )
    assert (
        f"Clock starts: the end of the contract won with this tender, on {procurement.contract_end:%-d %B %Y}"
        in explanation.lines
    )
    assert counts(run_on(contract_due), "tender_submissions").applied == 1


# Security logs ----------------------------------------------------------------------------------------
def failed_sign_in_on(day: date):
    request = RequestFactory().post("/accounts/sign-in", REMOTE_ADDR="203.0.113.9")
    with travel(day):
        event = record("user.sign_in_failed", actor_label="someone@example.com", request=request)
        for model, extra in (
            (AccessAttempt, {"get_data": "", "post_data": "", "failures_since_start": 1}),
            (AccessLog, {}),
            (AccessFailureLog, {"locked_out": False}),
        ):
            row = model.objects.create(
                username="someone@example.com",
                ip_address="203.0.113.9",
                user_agent="test",
                http_accept="*/*",
                path_info="/accounts/sign-in",
                **extra,
            )
            model.objects.filter(pk=row.pk).update(attempt_time=on(day))
    return event


@pytest.mark.parametrize(("offset", "done"), BOUNDARY)
def test_security_logs_lose_their_personal_details_after_12_months(db, offset, done):
    event = failed_sign_in_on(date(2025, 5, 20))
    result = run_on(date(2026, 5, 20) + timedelta(days=offset))
    event.refresh_from_db()
    assert (event.actor_label, event.ip_address, event.personal_salt == "") == (
        ("", None, True) if done else ("someone@example.com", "203.0.113.9", False)
    )
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert model.objects.exists() is not done
    assert counts(result, "security_log_audit").applied == (1 if done else 0)
    if done:
        (batch,) = verbs("retention.blanked")
        assert batch.after == {
            "rule": "security_log",
            "population": "security_log_audit",
            "model": "audit.auditevent",
            "count": 1,
            "first_pk": event.pk,
            "last_pk": event.pk,
        }
    assert verify().ok


# Invitations, consents, sessions ------------------------------------------------------------------------
@pytest.mark.parametrize(("offset", "done"), BOUNDARY)
def test_invitations_are_deleted_12_months_after_they_were_sent(acme, alice, offset, done):
    invitation = invite_member(acme, "dan@example.com", Role.BIDDER, by=alice)
    due = add_months(timezone.localdate(invitation.created_at), 12)
    result = counts(run_on(due + timedelta(days=offset)), "invitations")
    assert Invitation.objects.filter(pk=invitation.pk).exists() is not done
    assert result.applied == (1 if done else 0)
    if done:
        (event,) = verbs("retention.deleted")
        assert (event.object_type, event.object_id) == ("organisations.invitation", str(invitation.pk))


@pytest.mark.parametrize(("offset", "done"), BOUNDARY)
def test_withdrawn_consents_are_deleted_12_months_after_withdrawal(carol, offset, done):
    give_marketing_consent(carol, source="account page")
    withdraw_marketing_consent(carol, via="account page")
    consent = ConsentRecord.objects.get(user=carol)
    due = add_months(timezone.localdate(consent.withdrawn_at), 12)
    run_on(due + timedelta(days=offset))
    assert ConsentRecord.objects.filter(pk=consent.pk).exists() is not done
    assert MarketingSuppression.objects.filter(email="carol@brightside.example").exists()


def test_a_consent_still_given_is_kept(carol):
    give_marketing_consent(carol, source="account page")
    run_on(add_months(timezone.localdate(), 30))
    assert ConsentRecord.objects.filter(user=carol).count() == 1


def test_expired_sessions_are_deleted(db):
    now = timezone.now()
    Session.objects.create(session_key="a" * 32, session_data="x", expire_date=now - timedelta(seconds=1))
    Session.objects.create(session_key="b" * 32, session_data="x", expire_date=now + timedelta(hours=8))
    result = engine.run()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
    assert counts(result, "sessions_expired").applied == 1
    (event,) = verbs("retention.deleted")
    assert event.after == {
        "rule": "session",
        "population": "sessions_expired",
        "model": "sessions.session",
        "count": 1,
    }


# Legal holds -----------------------------------------------------------------------------------------
def test_a_legal_hold_on_a_person_stops_their_removal_until_it_is_lifted(pat):
    nina = nina_registered_on(date(2025, 1, 15))
    with travel(date(2025, 11, 1)):
        hold = place_legal_hold(by=pat, user=nina, reason="Claim CL-2026-014")
    result = counts(run_on(date(2025, 12, 16)), "accounts_never_used")
    assert (result.warned, result.held) == (0, 1)
    run_on(date(2026, 2, 1))
    nina.refresh_from_db()
    assert nina.erased_at is None
    with travel(date(2026, 2, 1)):
        lines = engine.explain("accounts.User", nina.pk).lines
        assert engine.erasure_blockers(nina) == [f"a legal hold on accounts.user #{nina.pk}"]
    assert "Decision: kept by a legal hold, until it is lifted" in lines
    assert f"Because: a legal hold on accounts.user #{nina.pk}" in lines
    with travel(date(2026, 2, 2)):
        lift_legal_hold(hold, by=pat)
    assert counts(run_on(date(2026, 2, 2)), "accounts_never_used").warned == 1
    run_on(date(2026, 3, 4))
    nina.refresh_from_db()
    assert nina.erased_at is not None
    assert [
        (e.verb, e.actor_id, e.after) for e in AuditEvent.objects.filter(verb__startswith="legal_hold")
    ] == [
        ("legal_hold.placed", pat.pk, {"target": f"accounts.user #{nina.pk}"}),
        ("legal_hold.lifted", pat.pk, {"target": f"accounts.user #{nina.pk}"}),
    ]


def test_a_legal_hold_on_a_procurement_stops_the_purge_of_its_tenders(cancelled_tender, pat):
    procurement = cancelled_tender.response.procurement
    place_legal_hold(by=pat, procurement=procurement, reason="Challenge HC-2027-001")
    result = counts(run_on(add_months(timezone.localdate(), 85)), "tender_submissions")
    assert (result.applied, result.held) == (0, 1)
    cancelled_tender.refresh_from_db()
    assert bytes(cancelled_tender.sealed) != b""


def test_a_legal_hold_on_a_person_keeps_their_security_logs(pat):
    failed_sign_in_on(date(2025, 5, 20))
    someone = make_user("someone@example.com", "Sam One")
    with travel(date(2025, 5, 20)):
        mine = record("user.signed_in", actor=someone)
    place_legal_hold(by=pat, user=someone, reason="Police request PR-77")
    result = run_on(date(2026, 6, 1))
    mine.refresh_from_db()
    assert mine.actor_label == "someone@example.com"
    assert counts(result, "security_log_audit").held == 2  # their event, and the failure naming them
    assert counts(result, "security_log_axes_attempts").held == 1
    assert AccessAttempt.objects.count() == 1


def test_a_legal_hold_names_exactly_one_person_organisation_or_procurement(pat, acme, oscar):
    with pytest.raises(DomainError, match="exactly one"):
        place_legal_hold(by=pat, user=oscar, organisation=acme, reason="Claim")
    with pytest.raises(DomainError, match="reason"):
        place_legal_hold(by=pat, user=oscar, reason=" ")
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalHold.objects.create(placed_by=pat, reason="Claim")
    assert not LegalHold.objects.exists()


def test_lifted_holds_are_deleted_12_months_after_lifting(pat, oscar):
    hold = place_legal_hold(by=pat, user=oscar, reason="Claim CL-1")
    lift_legal_hold(hold, by=pat)
    lifted = timezone.localdate(hold.lifted_at)
    run_on(add_months(lifted, 12) - timedelta(days=1))
    assert LegalHold.objects.filter(pk=hold.pk).exists()
    run_on(add_months(lifted, 12))
    assert not LegalHold.objects.filter(pk=hold.pk).exists()


# The run: dry run, crash and resume, the command and the schedule -------------------------------------
def snapshot() -> dict:
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
    }


def test_a_dry_run_changes_nothing_and_counts_what_a_run_does(cancelled_tender, acme, alice, carol):
    nina = nina_registered_on(date(2025, 1, 15))
    failed_sign_in_on(date(2025, 1, 15))
    invite_member(acme, "dan@example.com", Role.BIDDER, by=alice)
    give_marketing_consent(carol, source="account page")
    withdraw_marketing_consent(carol, via="account page")
    day = add_months(timezone.localdate(), 85)
    before = snapshot()
    dry = run_on(day, dry_run=True)
    assert snapshot() == before
    out = StringIO()
    with travel(day):
        call_command("retention", "--dry-run", stdout=out)
    assert snapshot() == before
    assert "Dry run: nothing was changed" in out.getvalue()
    assert counts(dry, "tender_submissions").applied == 1
    assert counts(dry, "accounts_never_used").warned == 2  # Nina and Carol have not been told yet
    assert counts(dry, "security_log_audit").applied > 1
    real = run_on(day)
    assert [(p.policy.key, p.tally) for p in real.populations] == [
        (p.policy.key, p.tally) for p in dry.populations
    ]
    assert RetentionNotice.objects.filter(user=nina).exists()
    assert verify().ok


def test_a_crash_in_the_middle_of_a_batch_resumes_and_does_nothing_twice(db, monkeypatch):
    with travel(date(2025, 1, 15)):
        people = [make_user(f"p{n}@example.com", f"Person {n}") for n in range(5)]
    run_on(date(2025, 12, 16))
    real = erasure.anonymise_users
    calls = []

    def crash_in_the_second_batch(users, **kwargs):
        calls.append([u.pk for u in users])
        if len(calls) == 2:
            real(users[:1], **kwargs)  # person 2 done...
            raise RuntimeError("the worker was killed")  # ... and the worker killed before person 3
        return real(users, **kwargs)

    monkeypatch.setattr(erasure, "anonymise_users", crash_in_the_second_batch)
    with pytest.raises(RuntimeError):
        run_on(date(2026, 1, 15), batch=2)

    def erased():
        return list(get_user_model().objects.exclude(erased_at=None).order_by("pk"))

    # Batch 1 (people 0 and 1) committed; batch 2 (person 2 done, person 3 crashed) rolled back.
    assert erased() == people[:2]
    run = RetentionRun.objects.get(running=True)
    cursor = run.cursors.get(population="accounts_never_used")
    assert (cursor.last_pk, cursor.applied, cursor.done) == (str(people[1].pk), 2, False)
    assert len(verbs("retention.anonymised")) == 2

    monkeypatch.setattr(erasure, "anonymise_users", real)
    result = run_on(date(2026, 1, 15), batch=2)
    assert (result.run_id, result.resumed) == (run.pk, True)
    assert erased() == people
    events = verbs("retention.anonymised")
    assert sorted(e.object_id for e in events) == sorted(str(p.pk) for p in people)
    assert counts(result, "accounts_never_used").applied == 5
    run.refresh_from_db()
    assert (run.running, run.finished_at is not None) == (False, True)
    assert RetentionCursor.objects.filter(run=run, done=False).count() == 0
    assert verify().ok
    # The next run is a new one and finds nothing more to do.
    again = run_on(date(2026, 1, 15), batch=2)
    assert (again.resumed, counts(again, "accounts_never_used").applied) == (False, 0)


def test_the_command_applies_and_prints_the_counts(db):
    nina_registered_on(date(2025, 1, 15))
    out = StringIO()
    with travel(date(2025, 12, 16)):
        call_command("retention", "--batch", "10", stdout=out)
    text = out.getvalue()
    assert f"Retention run #{RetentionRun.objects.get().pk}" in text
    row = next(line for line in text.splitlines() if "accounts_never_used" in line)
    # Stripped: the columns widen with the longest rule name of any policy.
    assert [cell.strip() for cell in row.split("│")[1:-1]] == [
        "accounts_never_used",
        "account_unused",
        "anonymised",
        "0",
        "1",
        "0",
        "0",
        "0",
        "0",
    ]


def test_explain_says_which_rule_keeps_a_record_and_until_when(db):
    nina = nina_registered_on(date(2025, 1, 15))
    out = StringIO()
    with travel(date(2025, 6, 1)):
        call_command("retention", "explain", "accounts.User", str(nina.pk), stdout=out)
    assert out.getvalue().splitlines() == [
        f"accounts.User #{nina.pk}",
        "Population: accounts_never_used",
        "Rule: account_unused (ceiling): Purged or anonymised 12 months after registration or last use of "
        "the service; the person is told 30 days before and keeps the account by signing in. "
        "[Privacy policy 4.1]",
        "Clock starts: registration (never signed in), on 15 January 2025",
        "Due: 15 January 2026 (anonymised then)",
        "Decision: kept under its rule until 15 January 2026",
    ]


def test_explain_a_procurement_gives_its_floor(procurement, ian):
    tender_actions.cancel(procurement, by=ian, reason="Budget withdrawn")
    floor = add_months(timezone.localdate(procurement.cancelled_at), 36)
    lines = engine.explain("tenders.Procurement", procurement.pk).lines
    assert f"Floor: until {floor:%-d %B %Y}" in lines


def test_the_privacy_officer_explains_a_record_and_places_a_hold_in_the_admin(client, pat, oscar):
    sign_in(client, pat)
    page = client.get("/admin/privacy/legalhold/explain/", {"model": "accounts.User", "pk": oscar.pk})
    assert page.status_code == 200
    assert "Rule: account_unused (ceiling)" in page.content.decode()
    missing = client.get("/admin/privacy/legalhold/explain/", {"model": "accounts.User", "pk": 999999})
    assert "No accounts.User with primary key 999999." in missing.content.decode()
    added = client.post(
        "/admin/privacy/legalhold/add/",
        {"user": oscar.pk, "organisation": "", "procurement": "", "reason": "Claim CL-9"},
    )
    assert added.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.user, hold.placed_by, hold.reason, hold.in_force) == (oscar, pat, "Claim CL-9", True)
    assert verbs("legal_hold.placed")[0].actor_id == pat.pk
    lifted = client.post(
        "/admin/privacy/legalhold/",
        {"action": "lift", "_selected_action": [hold.pk]},
    )
    assert lifted.status_code == 302
    hold.refresh_from_db()
    assert (hold.in_force, hold.lifted_by) == (False, pat)


def test_the_daily_job_runs_the_engine_at_half_past_three(db):
    from tenderbox.privacy.tasks import apply_retention_task, daily_retention

    nina_registered_on(date(2025, 1, 15))
    with travel(date(2025, 12, 16)):
        assert apply_retention_task.call()["accounts_never_used"] == 0
    assert RetentionNotice.objects.count() == 1
    schedule = daily_retention.task_class()
    assert schedule.validate_datetime(datetime(2026, 11, 26, 3, 30))
    assert not schedule.validate_datetime(datetime(2026, 11, 26, 3, 31))


# The privacy map drives erasure -------------------------------------------------------------------------
def test_anonymising_follows_the_privacy_map(acme, alice, oscar):
    invitation = invite_member(acme, "oscar@example.com", Role.BIDDER, by=alice)
    Membership.objects.create(user=oscar, organisation=acme, role=Role.BIDDER)
    give_marketing_consent(oscar, source="account page")
    withdraw_marketing_consent(oscar, via="account page")
    send_email(
        to="oscar@example.com",
        subject="Hello",
        template="privacy/email/marketing.txt",
        context={"user": oscar, "body": "Hi", "unsubscribe": ""},
        purpose="portal_service",
    )
    summary = erasure.anonymise_user(oscar, reason="request SAR-12")
    assert summary["deleted"] == {
        "notifications.message": 2,
        "organisations.membership": 1,
        "privacy.consentrecord": 1,
    } or summary["deleted"] == {
        "notifications.message": 2,
        "organisations.invitation": 1,
        "organisations.membership": 1,
        "privacy.consentrecord": 1,
    }
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert MarketingSuppression.objects.filter(email="oscar@example.com").exists()
    assert erasure.anonymise_user(oscar, reason="again") == {}
    assert len(verbs("user.anonymised")) == 1
    assert verify().ok


def test_anonymising_accounts_together_does_for_each_what_one_at_a_time_does(acme, alice):
    """Four people with the same kinds of rows: two anonymised one at a time, two in one batch (as
    the retention job does); the same counts in their audit events, and nothing of theirs left."""
    from tenderbox.notifications.models import AlertSubscription

    def person(n):
        user = make_user(f"p{n}@example.com", f"Person {n}")
        invite_member(acme, f"P{n}@Example.com", Role.BIDDER, by=alice)  # to the address, in capitals
        Membership.objects.create(user=user, organisation=acme, role=Role.BIDDER)
        give_marketing_consent(user, source="sign-up")
        send_email(
            to=user.email,
            subject="Hello",
            template="privacy/email/marketing.txt",
            context={"user": user, "body": "Hi", "unsubscribe": ""},
            purpose="portal_service",
        )
        Message.objects.create(
            to_email=user.email.upper(), subject="Before", body="-", purpose="portal_service"
        )
        AlertSubscription.objects.create(user=user, name="Parks", regions="TLE", keywords="parks")
        record("test.seen", actor=user, request=RequestFactory().get("/", REMOTE_ADDR="203.0.113.5"))
        return user

    people = [person(n) for n in range(4)]
    apart = [erasure.anonymise_user(u, reason="test") for u in people[:2]]
    together = erasure.anonymise_users(people[2:], reason="test")
    assert list(together.values()) == apart
    assert apart[0]["deleted"] == {
        "notifications.alertsubscription": 1,
        "notifications.message": 3,  # the invitation, the email and the one sent to the address
        "organisations.invitation": 1,
        "organisations.membership": 1,
        "privacy.consentrecord": 1,
    }
    assert apart[0]["audit_redacted"] >= 2  # the event above and the consent's
    ids = [u.pk for u in people]
    assert not Message.objects.filter(recipient_id__in=ids).exists()
    assert not Message.objects.filter(to_email__icontains="@example.com").exists()
    assert not Invitation.objects.filter(email__icontains="@example.com").exists()
    assert not AuditEvent.objects.filter(actor_id__in=ids).exclude(personal_salt="").exists()
    assert get_user_model().objects.filter(pk__in=ids, erased_at=None).count() == 0
    # One statement wrote each account's own placeholder.
    stored = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "email"))
    assert stored == {u.pk: f"erased-{u.pk}@invalid.tenderbox" for u in people}
    for user in people:
        user.refresh_from_db()
        assert (user.full_name, user.is_active, user.has_usable_password()) == ("Erased user", False, False)
    assert erasure.anonymise_users(people, reason="again") == {}
    assert verify().ok


def test_every_anonymised_account_field_has_a_placeholder():
    for entry in privacy_map().for_model("accounts.User"):
        if entry.erasure == Erasure.ANONYMISE:
            assert entry.field == "password" or entry.field in erasure.PLACEHOLDERS, entry.field


def test_erasure_deletes_the_persons_own_rows_and_keeps_the_records_that_name_them(db):
    links = {(model._meta.label, name) for model, name in erasure.person_links()}
    assert {
        ("privacy.ConsentRecord", "user"),
        ("privacy.Objection", "user"),
        ("privacy.RetentionNotice", "user"),
        ("notifications.Message", "recipient"),
        ("notifications.AlertSubscription", "user"),
        ("organisations.Membership", "user"),
        ("otp_totp.TOTPDevice", "user"),
    } <= links
    assert not links & {
        ("privacy.LegalHold", "user"),
        ("privacy.Restriction", "user"),
        ("organisations.Invitation", "invited_by"),
        ("submissions.Response", "created_by"),
    }


def test_every_link_from_a_procurement_record_to_a_person_is_checked_before_removal():
    user_model = get_user_model()
    pmap = privacy_map()
    declared = set()
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is user_model:
                entry = pmap.classification(model._meta.label, f.name)
                if (
                    isinstance(entry, Field)
                    and entry.erasure == Erasure.FOLLOWS
                    and entry.retention in ("procurement_records", "tender_submission")
                ):
                    declared.add((model._meta.label, f.name))
    assert declared == set(PROCUREMENT_RECORD_LINKS) | set(TENDER_LINKS)
