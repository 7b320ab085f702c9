"""Privacy notice versions: published from the draft generated from the code with an effective date,
told to people before they apply (banner, email), who saw and accepted which recorded, and every past
version readable at its own URL."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenderbox.audit.models import AuditEvent
from tenderbox.lib.errors import Conflict, DomainError, PermissionDenied
from tenderbox.notifications.models import Message
from tenderbox.privacy import notices
from tenderbox.privacy.models import NoticeAcknowledgement, NoticeSection, NoticeVersion, Processor
from tenderbox.privacy.retention import RULES, RetentionRule
from tenderbox.privacy.tasks import email_notice_change, resume_notice_emails
from tests.conftest import make_user, sign_in

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 12, 1)
EFFECTIVE = date(2027, 1, 15)


def at(day: date, hour: int = 12):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=LONDON), tick=False)


@pytest.fixture(autouse=True)
def today():
    with at(TODAY):
        yield


@pytest.fixture
def officer(db):
    user = make_user("po@tenderbox.example", "Pat Officer", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=user, name="App", key="00" * 20, confirmed=True)
    return user


def publish(officer, *, version="2027-01-15", effective_on=EFFECTIVE, summary="We now keep X."):
    return notices.publish_notice(version=version, effective_on=effective_on, summary=summary, by=officer)


def add_processor(name="Example Mail Ltd"):
    return Processor.objects.create(
        name=name,
        service="Email delivery",
        data_processed="Names and email addresses",
        location="UK",
        due_diligence_on=date(2026, 11, 2),
        agreement_in_place=True,
    )


# Publishing -------------------------------------------------------------------------------------------


def test_publishing_freezes_the_draft_and_emails_account_holders_before_it_applies(
    officer, alice, carol, commit, mailoutbox, settings
):
    unverified = make_user("una@example.com", "Una Unverified")
    unverified.email_verified_at = None
    unverified.save(update_fields=["email_verified_at"])
    with commit():
        notice = publish(officer)
    assert (notice.version, notice.effective_on, notice.published_by, notice.summary) == (
        "2027-01-15",
        EFFECTIVE,
        officer,
        "We now keep X.",
    )
    assert notice.text() == notices.sections_markdown(notices.draft_sections())
    assert list(notice.sections.values_list("key", flat=True)) == [
        "about",
        "collect",
        "purposes",
        "retention",
        "sharing",
        "processors",
        "automated",
        "rights",
        "changes",
    ]
    assert AuditEvent.objects.filter(verb="privacy.notice_published").count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == [
        "alice@acme.example",
        "carol@brightside.example",
        "po@tenderbox.example",
    ]
    mail = next(m for m in mailoutbox if m.to == ["alice@acme.example"])
    assert mail.subject == "Our privacy notice changes on 15 January 2027"
    assert (
        "http://testserver/privacy/notice/2027-01-15" in mail.body
        or "/privacy/notice/2027-01-15" in mail.body
    )
    assert "We now keep X." in mail.body
    assert set(Message.objects.values_list("purpose", flat=True)) == {"service_changes"}
    assert not NoticeAcknowledgement.objects.filter(user=unverified).exists()
    notice.refresh_from_db()
    assert notice.emails_done_at is not None


def test_emailing_twice_sends_nobody_a_second_email(officer, alice, commit, mailoutbox):
    with commit():
        notice = publish(officer)
    NoticeVersion.objects.filter(pk=notice.pk).update(emails_done_at=None)  # as if a worker crashed
    with commit():
        assert notices.email_account_holders(notice.pk, batch=1) == 0
        email_notice_change.enqueue(notice.pk)
    assert len(mailoutbox) == 2  # alice and the officer, once each
    assert NoticeAcknowledgement.objects.filter(emailed_at__isnull=False).count() == 2


def test_the_hourly_sweep_resumes_an_unfinished_emailing(officer, alice, commit, mailoutbox):
    with commit():
        notice = NoticeVersion.objects.create(
            version="v2", summary="s", effective_on=EFFECTIVE, published_by=officer
        )
    with commit():
        resume_notice_emails.call_local()
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@acme.example", "po@tenderbox.example"]
    notice.refresh_from_db()
    assert notice.emails_done_at is not None


def test_a_draft_the_same_as_the_latest_version_is_not_published_again(officer):
    publish(officer)
    with pytest.raises(Conflict, match="same as version 2027-01-15"):
        publish(officer, version="again", effective_on=date(2027, 2, 1))
    assert NoticeVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"effective_on": date(2026, 11, 30)}, "cannot be in the past: give 1 December 2026 or later"),
        ({"effective_on": None}, "Give the day the new notice takes effect."),
        ({"summary": "  "}, "Say what changed"),
        ({"version": "../etc"}, "letters, digits, dots and hyphens"),
        ({"version": ""}, "letters, digits, dots and hyphens"),
    ],
)
def test_bad_publications_are_refused_with_a_clear_message(officer, changes, message):
    with pytest.raises(DomainError, match=message.replace("(", r"\(")):
        publish(officer, **changes)
    assert (NoticeVersion.objects.count(), NoticeSection.objects.count()) == (0, 0)


def test_a_version_cannot_take_effect_before_the_latest_or_reuse_its_label(officer):
    publish(officer)
    add_processor()
    with pytest.raises(DomainError, match="a later version cannot take effect before it"):
        publish(officer, version="early", effective_on=date(2027, 1, 14))
    with pytest.raises(Conflict, match="already a version 2027-01-15"):
        publish(officer, effective_on=date(2027, 2, 1))
    assert list(NoticeVersion.objects.values_list("version", flat=True)) == ["2027-01-15"]


def test_only_staff_publish(alice):
    with pytest.raises(PermissionDenied):
        publish(alice)
    assert NoticeVersion.objects.count() == 0


# What the public page shows ----------------------------------------------------------------------


def test_before_any_version_the_page_shows_the_generated_notice(client, db, settings):
    page = client.get("/privacy").content.decode()
    assert f"Version {settings.PRIVACY_NOTICE_VERSION}." in page
    assert "To notify you of tender opportunities related to your industry." in page
    assert "All versions of this notice" not in page


def test_the_published_text_is_kept_until_a_new_version_takes_effect(client, officer):
    publish(officer, version="v1", effective_on=TODAY, summary="First published version.")
    add_processor()  # a change to the registers: the draft changes, the published notice does not
    page = client.get("/privacy").content.decode()
    assert "Version v1, in effect since 1 December 2026." in page
    assert "Example Mail Ltd" not in page
    publish(officer, version="v2", effective_on=EFFECTIVE, summary="We use Example Mail Ltd for email.")
    page = client.get("/privacy").content.decode()
    assert "Example Mail Ltd" not in page.split('id="notice-upcoming"')[0]
    assert "A new version takes effect on 15 January 2027" in page
    upcoming = client.get("/privacy/notice/v2").content.decode()
    assert "This version takes effect on 15 January 2027." in upcoming
    assert "Example Mail Ltd: Email delivery (Names and email addresses; processed in UK)" in upcoming
    with at(EFFECTIVE):
        page = client.get("/privacy").content.decode()
        assert "Version v2, in effect since 15 January 2027." in page
        old = client.get("/privacy/notice/v1").content.decode()
        assert "This version applied from 1 December 2026 to the day before 15 January 2027." in old
        assert "Example Mail Ltd" not in old
        listing = client.get("/privacy/notices").content.decode()
    assert listing.index("v2") < listing.index("v1")
    assert "Superseded" in listing and "In effect" in listing


def test_an_unknown_version_is_a_404(client, db):
    assert client.get("/privacy/notice/nope").status_code == 404


def test_the_notice_body_is_escaped_and_links_only_to_safe_places():
    html = notices.body_html(
        "<b>x</b> [ok](/privacy) [bad](javascript:alert(1))\n\n- a | b\n\n| h |\n|---|\n| c |"
    )
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<a class="govuk-link" href="/privacy">ok</a>' in html
    assert "javascript" in html and 'href="javascript' not in html
    assert '<ul class="govuk-list govuk-list--bullet"><li>a | b</li></ul>' in html
    assert '<td class="govuk-table__cell">c</td>' in html


# The banner, seen and accepted -------------------------------------------------------------------------


def test_a_signed_in_person_sees_the_banner_until_they_accept(client, officer, alice):
    notice = publish(officer)
    sign_in(client, alice)
    page = client.get("/").content.decode()
    assert 'id="privacy-notice-banner"' in page
    assert "Our privacy notice changes on 15 January 2027." in page
    ack = NoticeAcknowledgement.objects.get(user=alice, notice=notice)
    assert (ack.seen_at is not None, ack.accepted_at) == (True, None)
    response = client.post("/privacy/notice/2027-01-15/accept", {"next": "/opportunities"})
    assert (response.status_code, response["Location"]) == (302, "/opportunities")
    ack.refresh_from_db()
    assert (ack.accepted_at is not None, ack.accepted_via) == (True, "banner")
    assert AuditEvent.objects.filter(verb="privacy.notice_accepted", actor_id=alice.pk).count() == 1
    assert 'id="privacy-notice-banner"' not in client.get("/").content.decode()
    client.post("/privacy/notice/2027-01-15/accept")  # twice: still one acceptance
    assert AuditEvent.objects.filter(verb="privacy.notice_accepted").count() == 1


def test_no_banner_for_visitors_and_accepting_needs_an_account(client, officer):
    publish(officer)
    assert 'id="privacy-notice-banner"' not in client.get("/").content.decode()
    response = client.post("/privacy/notice/2027-01-15/accept")
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in")
    assert NoticeAcknowledgement.objects.count() == 0


def test_accepting_an_unknown_version_or_by_get_changes_nothing(client, officer, alice):
    publish(officer)
    sign_in(client, alice)
    assert client.post("/privacy/notice/nope/accept").status_code == 404
    assert client.get("/privacy/notice/2027-01-15/accept").status_code == 405
    assert not NoticeAcknowledgement.objects.filter(accepted_at__isnull=False).exists()


def test_a_new_account_accepts_the_notice_in_effect_at_sign_up(client, officer, commit):
    from tests.test_sign_up import VALID

    publish(officer, version="v1", effective_on=TODAY, summary="First.")
    with commit():
        client.post("/account/sign-up", VALID)
    from tenderbox.accounts.models import User

    user = User.objects.get(email__iexact="sam@newco.example")
    assert user.privacy_notice_version == "v1"
    ack = NoticeAcknowledgement.objects.get(user=user)
    assert (ack.notice.version, ack.accepted_via, ack.accepted_at is not None) == ("v1", "sign-up", True)


# The staff page: the draft, its difference, publishing ----------------------------------------------------


def test_a_code_change_shows_as_a_difference_from_the_published_version(officer, monkeypatch):
    notice = publish(officer)
    assert (
        notices.difference(
            notice.text(), notices.sections_markdown(notices.draft_sections()), old_label="a", new_label="b"
        )
        == []
    )
    rule = RULES["invitation"]
    monkeypatch.setitem(
        RULES,
        "invitation",
        RetentionRule(
            rule.key,
            "Deleted 6 months after the invitation was sent.",
            rule.clock_starts,
            rule.kind,
            rule.source,
            months=6,
        ),
    )
    diff = notices.difference(
        notice.text(), notices.sections_markdown(notices.draft_sections()), old_label="v", new_label="draft"
    )
    changed = [line for line in diff if line.startswith(("-|", "+|"))]
    assert [line.split(" | ")[:2] for line in changed] == [
        ["-| Invitation", "Deleted 12 months after the invitation was sent, used or not."],
        ["+| Invitation", "Deleted 6 months after the invitation was sent."],
    ]


def test_staff_see_the_difference_and_publish_it_from_the_draft_page(client, officer, commit, mailoutbox):
    publish(officer)
    add_processor()
    sign_in(client, officer)
    page = client.get("/admin/privacy/noticeversion/draft/").content.decode()
    assert 'id="notice-diff"' in page
    assert "+- Example Mail Ltd: Email delivery" in page
    with commit():
        response = client.post(
            "/admin/privacy/noticeversion/draft/",
            {"version": "2027-02-01", "effective_on": "2027-02-01", "summary": "We use Example Mail Ltd."},
        )
    assert (response.status_code, response["Location"]) == (302, "/admin/privacy/noticeversion/")
    assert NoticeVersion.objects.get(version="2027-02-01").effective_on == date(2027, 2, 1)
    page = client.get("/admin/privacy/noticeversion/draft/").content.decode()
    assert 'id="no-difference"' in page
    assert client.get("/admin/privacy/noticeversion/").status_code == 200
    notice = NoticeVersion.objects.get(version="2027-02-01")
    change = client.get(f"/admin/privacy/noticeversion/{notice.pk}/change/")
    assert change.status_code == 200 and "Who processes it for us" in change.content.decode()


def test_a_bad_date_on_the_draft_page_is_a_400_and_publishes_nothing(client, officer):
    sign_in(client, officer)
    response = client.post(
        "/admin/privacy/noticeversion/draft/", {"version": "v1", "effective_on": "15/01/2027", "summary": "x"}
    )
    assert response.status_code == 400
    assert "Give the effective day as a date" in response.content.decode()
    response = client.post(
        "/admin/privacy/noticeversion/draft/", {"version": "v1", "effective_on": "2026-01-01", "summary": "x"}
    )
    assert response.status_code == 400
    assert NoticeVersion.objects.count() == 0


def test_people_who_are_not_staff_cannot_publish(client, alice):
    sign_in(client, alice)
    response = client.post(
        "/admin/privacy/noticeversion/draft/", {"version": "v1", "effective_on": "2027-01-15", "summary": "x"}
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert NoticeVersion.objects.count() == 0


def test_staff_without_the_publish_permission_get_a_403(client, db):
    from django.contrib.auth.models import Permission

    clerk = make_user("clerk@tenderbox.example", "Cal Clerk", is_staff=True)
    TOTPDevice.objects.create(user=clerk, name="App", key="00" * 20, confirmed=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_noticeversion"))
    sign_in(client, clerk)
    assert client.get("/admin/privacy/noticeversion/draft/").status_code == 200
    response = client.post(
        "/admin/privacy/noticeversion/draft/", {"version": "v1", "effective_on": "2027-01-15", "summary": "x"}
    )
    assert response.status_code == 403
    assert NoticeVersion.objects.count() == 0


def test_a_version_that_applies_today_is_emailed_as_changed(officer, alice, commit, mailoutbox):
    with commit():
        publish(officer, effective_on=TODAY)
    assert {m.subject for m in mailoutbox} == {"Our privacy notice has changed"}


def test_reading_a_version_signed_in_records_that_it_was_seen_by_that_person_only(
    client, officer, alice, carol
):
    notice = publish(officer)
    sign_in(client, alice)
    client.get("/privacy/notice/2027-01-15")
    assert list(
        NoticeAcknowledgement.objects.filter(seen_at__isnull=False).values_list("user", flat=True)
    ) == [alice.pk]
    assert not NoticeAcknowledgement.objects.filter(notice=notice, accepted_at__isnull=False).exists()


def test_someone_who_accepted_before_the_email_went_is_not_emailed(officer, alice, commit, mailoutbox):
    notice = publish(officer)  # not committed: the email job has not run
    notices.accept(alice, notice, via="banner")
    with commit():
        notices.email_account_holders(notice.pk)
    assert [m.to for m in mailoutbox] == [["po@tenderbox.example"]]
