"""Making, verifying, timing and answering data requests through the pages, and who may do what."""

import io
import json
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse

from tenderbox.audit.models import AuditEvent
from tenderbox.lib.errors import Conflict, DomainError
from tenderbox.notifications.models import Message
from tenderbox.privacy import requests
from tenderbox.privacy.checks import may_process
from tenderbox.privacy.models import (
    ExportDownload,
    IdentityEvidence,
    MarketingSuppression,
    Processor,
    RecipientNotice,
    Restriction,
    SubjectRequest,
)
from tests.conftest import PASSWORD, make_user, pdf_upload, sign_in

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)  # due Wednesday 1 April (30 days)


@pytest.fixture
def pat(db):
    """Pat is Tenderbox's privacy officer (staff, two-factor set up)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user("pat@tenderbox.example", "Pat Officer", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=user, name="App", key="00" * 20, confirmed=True)
    return user


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def ask(client, user, kind="erasure", password=PASSWORD, **extra):
    sign_in(client, user)
    return client.post(
        reverse("privacy:your-data"), {"kind": kind, "nation": "ENG", "password": password, **extra}
    )


def officer(client, pat, req, action, **data):
    sign_in(client, pat)
    return client.post(reverse("privacy:officer-request", args=[req.pk]), {"action": action, **data})


class Archive:
    """The communications archive read like Django's mailoutbox (messages go out after commit)."""

    def _all(self):
        return [_Mail(m) for m in Message.objects.order_by("pk")]

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self):
        return iter(self._all())

    def clear(self):
        Message.objects.all().delete()


class _Mail:
    def __init__(self, message):
        self.body, self.subject, self.to = message.body, message.subject, [message.to_email]


@pytest.fixture
def mailoutbox(db):
    return Archive()


def link_in(mail, prefix: str) -> str:
    return next(word for word in mail.body.split() if word.startswith("http") and prefix in word)


# The signed-in person -----------------------------------------------------------------------------
def test_a_signed_in_person_re_enters_their_password_and_the_clock_runs_at_once(
    client, oscar, monday, mailoutbox
):
    refused = ask(client, oscar, password="wrong")
    assert refused.status_code == 400
    assert "The password is not right" in refused.content.decode()
    assert SubjectRequest.objects.count() == 0

    response = ask(client, oscar)
    req = SubjectRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("privacy:request", args=[req.reference])
    assert (req.status, req.verification, req.user) == ("in_progress", "reauthenticated", oscar)
    assert requests.due_on(req) == date(2026, 4, 1)
    page = client.get(response.url).content.decode()
    assert "1 April 2026" in page and "Erase your data (erasure)" in page
    assert mailoutbox[0].to == ["oscar@example.com"]
    assert "We will answer by 1 April 2026" in mailoutbox[0].body


def test_a_signed_in_persons_copy_is_ready_at_once_and_its_link_is_single_use_and_audited(
    client, oscar, pat, monday, mailoutbox
):
    ask(client, oscar, kind="access")
    req = SubjectRequest.objects.get()
    assert (req.status, req.closed_by) == ("completed", None)  # without undue delay: no one needs to act
    assert officer(client, pat, req, "fulfil").status_code == 409
    url = link_in(mailoutbox[-1], "/privacy/download/").removeprefix("http://testserver")
    url = url[url.index("/privacy/download/") :]
    client.logout()
    assert client.get(url).status_code == 200  # a page with a button: opening the link uses nothing
    first = client.post(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/zip"
    data = json.loads(zipfile.ZipFile(io.BytesIO(first.content)).read("data.json"))
    assert data["person"]["email"] == "oscar@example.com"
    second = client.post(url)
    assert second.status_code == 409
    assert "has already been used" in second.content.decode()
    download = ExportDownload.objects.get()
    assert download.file.name == "" and download.downloaded_at is not None
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="subject_request.download").values_list("verb", flat=True)
    )
    assert verbs == ["subject_request.downloaded", "subject_request.download_refused"]
    assert client.post("/privacy/download/not-a-token").status_code == 400


def test_an_unused_link_expires_after_7_days(client, oscar, pat, monday, mailoutbox):
    ask(client, oscar, kind="portability")
    name = ExportDownload.objects.get().file.name
    monday.shift(timedelta(days=7, seconds=1))
    assert requests.expire_downloads() == 1
    assert not default_storage.exists(name)
    url = link_in(mailoutbox[-1], "/privacy/download/")
    assert client.post(url[url.index("/privacy/download/") :]).status_code == 409


def test_nobody_else_sees_a_persons_request(client, oscar, carol):
    ask(client, oscar)
    req = SubjectRequest.objects.get()
    sign_in(client, carol)
    assert client.get(reverse("privacy:request", args=[req.reference])).status_code == 404


# Someone without an account, or a representative -----------------------------------------------
def public_form(**extra):
    return {
        "kind": "access",
        "nation": "SCT",
        "subject_name": "Oscar Out",
        "subject_email": "oscar@example.com",
        "acting": "other",
        "representative_name": "Robin Agent",
        "representative_email": "robin@agents.example",
        **extra,
    }


def test_a_representative_must_upload_their_authority(client, db):
    response = client.post(reverse("privacy:public-request"), public_form())
    assert response.status_code == 400
    assert "Upload your authority to act for them" in response.content.decode()
    bad = client.post(
        reverse("privacy:public-request"),
        public_form(authority=pdf_upload("authority.pdf", b"not a pdf at all")),
    )
    assert bad.status_code == 400
    assert "is not a real .pdf file" in bad.content.decode()
    assert SubjectRequest.objects.count() == 0 and IdentityEvidence.objects.count() == 0


def test_a_representatives_request_is_proved_checked_and_its_documents_deleted(
    client, oscar, pat, monday, mailoutbox
):
    response = client.post(
        reverse("privacy:public-request"), public_form(authority=pdf_upload("authority.pdf"))
    )
    assert response.status_code == 200 and "robin@agents.example" in response.content.decode()
    req = SubjectRequest.objects.get()
    assert (req.status, req.user, requests.due_on(req)) == ("awaiting_email", None, None)
    evidence = IdentityEvidence.objects.get()
    stored = evidence.file.name
    assert default_storage.exists(stored)

    # The officer cannot verify before the address is proved.
    assert officer(client, pat, req, "verify", note="Letter checked").status_code == 409
    client.logout()
    confirm = link_in(mailoutbox[0], "/privacy/request/confirm/")
    assert mailoutbox[0].to == ["robin@agents.example"]
    monday.shift(timedelta(days=3))
    assert client.get(confirm[confirm.index("/privacy/") :]).status_code == 200
    req.refresh_from_db()
    assert req.status == "awaiting_verification"

    # A supplier cannot do the officer's work.
    sign_in(client, oscar)
    assert (
        client.post(
            reverse("privacy:officer-request", args=[req.pk]), {"action": "verify", "note": "x"}
        ).status_code
        == 403
    )
    assert client.get(reverse("privacy:officer-queue")).status_code == 403
    req.refresh_from_db()
    assert req.status == "awaiting_verification"

    sign_in(client, pat)
    page = client.get(reverse("privacy:officer-request", args=[req.pk])).content.decode()
    assert "authority.pdf" in page
    doc = client.get(reverse("privacy:officer-evidence", args=[req.pk, evidence.pk]))
    assert doc.status_code == 200 and doc.content.startswith(b"%PDF")
    monday.shift(timedelta(days=2))
    with_commit = officer(client, pat, req, "verify", note="Letter of authority signed by Oscar")
    assert with_commit.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.verification, req.user) == ("in_progress", "officer", oscar)
    assert IdentityEvidence.objects.count() == 0
    # Five days waiting for the address and the check: the Scottish deadline moves by five.
    assert requests.due_on(req) == date(2026, 4, 6)
    assert "The documents you sent us have been deleted" in mailoutbox[-1].body


def test_the_file_of_a_deleted_document_goes_after_commit(oscar, pat, commit):
    from tenderbox.lib.uploads import check_upload

    req = requests.make_request(
        kind="access",
        subject_name="Oscar Out",
        subject_email="oscar@example.com",
        representative_name="Robin",
        representative_email="robin@agents.example",
        authority=check_upload(pdf_upload("authority.pdf")),
    )
    name = IdentityEvidence.objects.get().file.name
    SubjectRequest.objects.filter(pk=req.pk).update(status="awaiting_verification")
    with commit():
        requests.verify(req, by=pat, note="Checked")
    assert not default_storage.exists(name)


# The clock ----------------------------------------------------------------------------------------
def test_the_officer_extends_once_within_the_first_month_with_reasons(client, oscar, pat, monday, mailoutbox):
    ask(client, oscar)
    req = SubjectRequest.objects.get()
    no_reason = officer(client, pat, req, "extend", months="2", reasons="")
    assert no_reason.status_code == 400 and "Give the reasons" in no_reason.content.decode()
    assert officer(client, pat, req, "extend", months="2", reasons="Ten years of records").status_code == 302
    req.refresh_from_db()
    assert (req.extension_months, requests.due_on(req)) == (2, date(2026, 6, 2))
    assert "we will answer by 2 June 2026" in mailoutbox[-1].body
    assert "Why: Ten years of records" in mailoutbox[-1].body
    again = officer(client, pat, req, "extend", months="1", reasons="More")
    assert again.status_code == 400 and "only once" in again.content.decode()


def test_an_extension_after_the_first_month_is_refused(oscar, pat, monday):
    req = requests.make_request(kind="access", user=oscar, subject_name="Oscar", subject_email=oscar.email)
    monday.shift(timedelta(days=31))
    with pytest.raises(DomainError, match="The first month ended on 1 April 2026"):
        requests.extend(req, months=1, reasons="Complex", by=pat)
    req.refresh_from_db()
    assert req.extension_months == 0


def test_a_clarification_stops_the_clock_and_the_answer_restarts_it(client, oscar, pat, monday):
    ask(client, oscar, kind="rectification", details="My company name is wrong")
    req = SubjectRequest.objects.get()
    officer(client, pat, req, "pause", reason="clarification", question="Which company name?")
    assert requests.due_on(req) is None
    assert requests.queue()[0].state == "paused"
    monday.shift(timedelta(days=4))
    officer(client, pat, req, "resume")
    assert requests.due_on(req) == date(2026, 4, 5)


def test_a_fee_for_an_excessive_request_waits_for_payment(client, oscar, pat, monday, mailoutbox):
    ask(client, oscar)
    req = SubjectRequest.objects.get()
    refused = officer(client, pat, req, "fee", ground="because", amount="10", reason="x")
    assert refused.status_code == 400
    assert (
        officer(
            client, pat, req, "fee", ground="manifestly_excessive", amount="£10.00", reason="Two hours at £5"
        ).status_code
        == 302
    )
    req.refresh_from_db()
    assert (req.fee_amount, requests.due_on(req)) == (Decimal("10.00"), None)
    assert "ico.org.uk" in mailoutbox[-1].body
    monday.shift(timedelta(days=2))
    officer(client, pat, req, "fee_paid")
    assert requests.due_on(req) == date(2026, 4, 3)
    # Nothing can be released while the clock is stopped.
    officer(client, pat, req, "pause", reason="identity", question="Send a proof of address")
    assert officer(client, pat, req, "fulfil").status_code == 409


def test_a_refusal_gives_reasons_and_the_rights_to_the_ico_and_the_courts(client, oscar, pat, mailoutbox):
    ask(client, oscar)
    req = SubjectRequest.objects.get()
    assert officer(client, pat, req, "refuse", reason="").status_code == 400
    officer(client, pat, req, "refuse", reason="Manifestly excessive: the fourth copy this month")
    req.refresh_from_db()
    assert req.status == "refused"
    body = mailoutbox[-1].body
    assert "Why: Manifestly excessive: the fourth copy this month" in body
    assert "Information Commissioner's Office" in body and "judicial remedy" in body
    sign_in(client, oscar)
    page = client.get(reverse("privacy:request", args=[req.reference])).content.decode()
    assert "Why we refused" in page and "seek a judicial remedy" in page
    assert officer(client, pat, req, "fulfil").status_code == 409


def test_a_repeat_access_request_is_flagged(client, oscar, pat):
    ask(client, oscar, kind="access")
    ask(client, oscar, kind="access")  # answered at once the first time; the second waits for the officer
    second = SubjectRequest.objects.filter(status="in_progress").get()
    assert requests.possible_repeat(second)
    sign_in(client, pat)
    assert (
        "it may be a repeat"
        in client.get(reverse("privacy:officer-request", args=[second.pk])).content.decode()
    )


def test_the_queue_shows_overdue_and_due_soon_and_the_officer_is_warned_each_day(
    client, oscar, carol, pat, monday, mailoutbox
):
    from tenderbox.privacy.tasks import daily_subject_requests, subject_requests_daily_task

    early = requests.make_request(kind="access", user=oscar, subject_name="Oscar", subject_email=oscar.email)
    monday.shift(timedelta(days=20))
    later = requests.make_request(kind="erasure", user=carol, subject_name="Carol", subject_email=carol.email)
    monday.shift(timedelta(days=12))  # 3 April: the first is overdue, the second due on 21 April
    rows = requests.queue()
    assert [(r.request.pk, r.state) for r in rows] == [(early.pk, "overdue"), (later.pk, "due")]
    sign_in(client, pat)
    page = client.get(reverse("privacy:officer-queue")).content.decode()
    assert page.index(early.reference) < page.index(later.reference) and "Overdue" in page
    mailoutbox.clear()
    assert subject_requests_daily_task.call()["warned"] == 1
    assert subject_requests_daily_task.call()["warned"] == 0  # once a day
    assert [m.subject for m in mailoutbox] == ["1 data request due soon or overdue"]
    assert early.reference in mailoutbox[0].body and later.reference not in mailoutbox[0].body
    monday.shift(timedelta(days=12))  # 15 April: the second is within a week
    assert requests.warn_officer() == 2
    schedule = daily_subject_requests.task_class()
    assert schedule.validate_datetime(datetime(2026, 11, 26, 8, 0))
    assert not schedule.validate_datetime(datetime(2026, 11, 26, 8, 1))


# The rights -----------------------------------------------------------------------------------------
def test_restriction_stops_alerts_marketing_statistics_and_analytics_everywhere(client, oscar, pat, commit):
    from tenderbox.analytics.models import PageView
    from tenderbox.privacy.actions import give_marketing_consent

    give_marketing_consent(oscar, source="test")
    Processor.objects.create(
        name="MailCo",
        service="Email delivery",
        data_processed="Email addresses",
        location="UK",
        due_diligence_on=date(2026, 1, 5),
        agreement_in_place=True,
        contact_email="dpo@mailco.example",
    )
    ask(client, oscar, kind="restriction", details="I contest the accuracy of my data")
    req = SubjectRequest.objects.get()
    with commit():
        requests.fulfil_restriction(req, by=pat)
    for purpose in ("opportunity_alerts", "marketing", "statistics", "effectiveness", "fraud_prevention"):
        assert not may_process(oscar, purpose), purpose
    assert may_process(oscar, "portal_service")
    assert list(RecipientNotice.objects.values_list("recipient", flat=True)) == [
        requests.PUBLIC_REGISTERS,
        "MailCo",
    ]
    assert Message.objects.filter(to_email="dpo@mailco.example").count() == 1
    # Analytics count nothing for the restricted person even with the cookie accepted.
    sign_in(client, oscar)
    client.post("/cookies", {"analytics": "yes", "next": "/"})
    client.get("/opportunities/")
    assert PageView.objects.count() == 0


def test_a_restriction_is_lifted_only_after_the_person_was_told(oscar, pat, monday, mailoutbox):
    restriction = Restriction.objects.create(user=oscar, reason="Accuracy contested")
    with pytest.raises(Conflict, match="Tell the person first"):
        requests.lift_restriction(restriction, by=pat)
    with pytest.raises(DomainError, match="Choose a day after today"):
        requests.give_lifting_notice(restriction, by=pat, lifts_on=date(2026, 3, 2))
    requests.give_lifting_notice(restriction, by=pat, lifts_on=date(2026, 3, 9))
    assert "will be lifted on 9 March 2026" in mailoutbox[-1].body
    with pytest.raises(Conflict):
        requests.lift_restriction(restriction, by=pat)
    assert requests.lift_due_restrictions() == 0
    monday.shift(timedelta(days=7))
    assert requests.lift_due_restrictions() == 1
    restriction.refresh_from_db()
    assert restriction.lifted_at is not None and may_process(oscar, "opportunity_alerts")


def test_objecting_to_marketing_is_absolute_and_leaves_a_suppression_entry(client, oscar, pat):
    ask(client, oscar, kind="objection", objection_purpose="marketing")
    requests.fulfil_objection(SubjectRequest.objects.get(), by=pat)
    assert MarketingSuppression.objects.filter(email="oscar@example.com").exists()
    assert not may_process(oscar, "marketing")


def test_objecting_to_alerts_stops_them_unless_grounds_are_recorded(client, oscar, carol, pat):
    from tenderbox.notifications.actions import create_alert

    create_alert(
        oscar,
        name="Parks",
        cpv_codes=[],
        regions=[],
        keywords="",
        value_min=None,
        value_max=None,
        frequency="daily",
    )
    ask(client, oscar, kind="objection", objection_purpose="opportunity_alerts")
    requests.fulfil_objection(SubjectRequest.objects.get(), by=pat)
    assert not may_process(oscar, "opportunity_alerts")
    assert not oscar.alerts.filter(active=True).exists()
    # Refused for compelling grounds: the grounds are recorded and processing may go on.
    ask(client, carol, kind="objection", objection_purpose="statistics")
    requests.refuse(SubjectRequest.objects.get(user=carol), reason="Needed to defend a legal claim", by=pat)
    assert may_process(carol, "statistics")
    assert carol.objections.get().overriding_grounds == "Needed to defend a legal claim"
    # An objection needs a purpose.
    refused = ask(client, oscar, kind="objection", objection_purpose="")
    assert refused.status_code == 400


def test_the_officer_applies_a_correction_and_recipients_are_told(client, oscar, carol, pat):
    ask(client, oscar, kind="rectification", details="My name is Oscar Outram")
    req = SubjectRequest.objects.get()
    taken = officer(client, pat, req, "fulfil", email="carol@brightside.example")
    assert taken.status_code == 400 and "Another account uses" in taken.content.decode()
    officer(client, pat, req, "fulfil", full_name="Oscar Outram", note="")
    oscar.refresh_from_db()
    req.refresh_from_db()
    assert (oscar.full_name, req.status) == ("Oscar Outram", "completed")
    assert req.recipient_notices.get().recipient == requests.PUBLIC_REGISTERS
    sign_in(client, oscar)
    page = client.get(reverse("privacy:request", args=[req.reference])).content.decode()
    assert "Who we told" in page


def test_a_held_person_asks_for_a_human_review_and_the_reviewer_sees_what_the_screening_saw(
    client, pat, mailoutbox
):
    from tenderbox.accounts.actions import screen_signup

    held = make_user("quick@mailinator.com", "Quinn Held")
    screening = screen_signup(held, ip="198.51.100.9", organisation={})
    assert screening.decision == "held"
    ask(client, held, kind="human_review", details="It is my real address")
    req = SubjectRequest.objects.get()
    screening.refresh_from_db()
    assert screening.representations == "It is my real address"  # staff's list of held sign-ups shows it
    assert screening.review_requested_at is not None
    sign_in(client, pat)
    page = client.get(reverse("privacy:officer-request", args=[req.pk])).content.decode()
    assert "disposable (throwaway) email service" in page and "198.51.100.9" in page
    assert officer(client, pat, req, "fulfil", decision="clear", reason="").status_code == 400
    officer(client, pat, req, "fulfil", decision="clear", reason="A real person we called")
    screening.refresh_from_db()
    req.refresh_from_db()
    assert (screening.decision, screening.reviewed_by, req.status) == ("cleared", pat, "completed")
    assert "it is cleared" in req.outcome


def test_an_unknown_officer_action_is_a_clear_400(client, oscar, pat):
    ask(client, oscar)
    req = SubjectRequest.objects.get()
    response = officer(client, pat, req, "explode")
    assert response.status_code == 400 and "Choose what to do" in response.content.decode()
    assert officer(client, pat, req, "extend", months="lots", reasons="x").status_code == 400
    assert (
        officer(client, pat, req, "fee", ground="further_copy", amount="ten", reason="x").status_code == 400
    )


def test_a_review_decided_from_the_list_of_held_sign_ups_answers_the_request(client, pat):
    from tenderbox.accounts.actions import decide_review, screen_signup

    held = make_user("quick@mailinator.com", "Quinn Held")
    screening = screen_signup(held, ip="198.51.100.9", organisation={})
    ask(client, held, kind="human_review", details="Please look again")
    decide_review(screening, by=pat, clear=False, reason="The company does not exist")
    req = SubjectRequest.objects.get()
    officer(client, pat, req, "fulfil", decision="clear", reason="ignored")
    req.refresh_from_db()
    assert req.status == "completed"
    assert req.outcome.endswith("it is refused. Why: The company does not exist")


def test_the_person_withdraws_their_own_request_and_nobody_else_can(client, oscar, carol):
    ask(client, oscar, kind="erasure")
    req = SubjectRequest.objects.get()
    sign_in(client, carol)
    url = reverse("privacy:request", args=[req.reference])
    assert client.post(url, {"action": "withdraw"}).status_code == 404
    req.refresh_from_db()
    assert req.status == "in_progress"
    sign_in(client, oscar)
    assert client.post(url, {"action": "withdraw"}).status_code == 302
    req.refresh_from_db()
    assert req.status == "withdrawn"
    assert client.post(url, {"action": "withdraw"}).status_code == 409


def test_only_the_officer_opens_a_document_sent_as_proof(client, oscar, pat):
    from tenderbox.lib.uploads import check_upload

    req = requests.make_request(
        kind="access",
        subject_name="Oscar Out",
        subject_email="oscar@example.com",
        representative_name="Robin",
        representative_email="robin@agents.example",
        authority=check_upload(pdf_upload("authority.pdf")),
    )
    evidence = IdentityEvidence.objects.get()
    sign_in(client, oscar)
    assert client.get(reverse("privacy:officer-evidence", args=[req.pk, evidence.pk])).status_code == 403
    sign_in(client, pat)
    assert client.get(reverse("privacy:officer-evidence", args=[req.pk, evidence.pk + 1])).status_code == 404


def test_someone_without_an_account_gets_what_is_held_about_their_address(client, acme, alice, pat):
    from tenderbox.organisations.actions import invite_member
    from tenderbox.organisations.models import Role

    invite_member(acme, "newcomer@example.com", Role.BIDDER, by=alice)
    form = public_form(subject_name="Nia New", subject_email="newcomer@example.com", acting="self")
    assert client.post(reverse("privacy:public-request"), form).status_code == 200
    req = SubjectRequest.objects.get()
    SubjectRequest.objects.filter(pk=req.pk).update(status="awaiting_verification")
    requests.verify(req, by=pat, note="Replied from the address")
    requests.fulfil_access(req, by=pat)
    download = ExportDownload.objects.get()
    data = json.loads(zipfile.ZipFile(download.file.open()).read("data.json"))
    assert data["person"] == {"name": "Nia New", "email": "newcomer@example.com", "account": None}
    assert [r["fields"]["email"] for r in data["records"]["organisations.Invitation"]] == [
        "newcomer@example.com"
    ]
    assert {r["fields"]["to_email"] for r in data["records"]["notifications.Message"]} == {
        "newcomer@example.com"
    }


def test_bad_requests_are_refused_with_a_message_and_nothing_is_recorded(client, oscar):
    for data, message in (
        ({"kind": "dance"}, "Select a valid choice"),
        ({"kind": ""}, "Choose what you would like us to do"),
        ({"kind": "objection", "objection_purpose": "portal_service"}, "Select a valid choice"),
        ({"kind": "rectification", "details": ""}, "Tell us what is wrong and what it should say"),
        ({"nation": "FRA"}, "Select a valid choice"),
    ):
        response = ask(client, oscar, **data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    public = client.post(reverse("privacy:public-request"), public_form(subject_email="not an address"))
    assert public.status_code == 400 and "Enter a valid email address" in public.content.decode()
    assert SubjectRequest.objects.count() == 0


def test_the_officer_finds_a_request_in_the_admin_site_read_only(client, oscar, pat):
    ask(client, oscar)
    req = SubjectRequest.objects.get()
    sign_in(client, pat)
    listing = client.get("/admin/privacy/subjectrequest/?q=oscar%40example.com")
    assert listing.status_code == 200 and req.reference in listing.content.decode()
    page = client.get(f"/admin/privacy/subjectrequest/{req.pk}/change/")
    assert page.status_code == 200 and "email_token_hash" not in page.content.decode()
