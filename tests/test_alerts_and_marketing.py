"""Opportunity alerts and marketing: matched, sent once, checked at the moment of sending, and
stopped by unsubscribe, objection, restriction or a withdrawn consent, by every path."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tenderbox.notifications import actions as notifications
from tenderbox.notifications.alerts import send_daily_digests
from tenderbox.notifications.models import AlertDelivery, Message
from tenderbox.notifications.tasks import deliver_message
from tenderbox.privacy import actions as privacy
from tenderbox.privacy.models import ConsentRecord, MarketingSuppression, Restriction
from tenderbox.tenders import actions as tenders
from tenderbox.tenders.models import CpvCode
from tests.conftest import draft_procurement, sign_in


def _alert(user, frequency="instant", **extra):
    fields = {
        "name": "Parks",
        "cpv_codes": [CpvCode.objects.get(code="77000000-0")],
        "regions": [],
        "keywords": "",
        "value_min": None,
        "value_max": None,
        "frequency": frequency,
        **extra,
    }
    return notifications.create_alert(user, **fields)


def _publish(northshire, ian, commit, **overrides):
    with commit():
        return tenders.publish(draft_procurement(northshire, ian, **overrides), by=ian)


def _alert_mail(mailoutbox):
    return [m for m in mailoutbox if "opportunit" in m.subject.lower()]


def test_a_matching_opportunity_reaches_the_subscriber_once(northshire, ian, alice, acme, commit, mailoutbox):
    subscription = _alert(alice)
    procurement = _publish(northshire, ian, commit)
    mails = _alert_mail(mailoutbox)
    assert [(m.to, m.subject) for m in mails] == [
        (["alice@acme.example"], "New opportunity: Grounds maintenance for county parks")
    ]
    assert mails[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    from tenderbox.notifications.alerts import send_instant_alerts

    assert send_instant_alerts(procurement) == 0  # a second run sends nothing
    assert AlertDelivery.objects.filter(subscription=subscription).count() == 1


@pytest.mark.parametrize(
    "extra",
    [
        {"cpv_codes": [], "keywords": "bridges"},
        {"regions": ["TLM"]},
        {"value_min": Decimal("500000")},
        {"cpv_codes": ["45000000-7"]},
    ],
    ids=["keyword", "region", "value", "cpv"],
)
def test_a_non_matching_opportunity_is_not_sent(northshire, ian, alice, acme, commit, mailoutbox, extra):
    if "cpv_codes" in extra:
        extra["cpv_codes"] = list(CpvCode.objects.filter(code__in=extra["cpv_codes"]))
    _alert(alice, **extra)
    _publish(northshire, ian, commit)
    assert _alert_mail(mailoutbox) == []


def test_the_daily_digest_lists_new_matches_once(northshire, ian, alice, acme, commit, mailoutbox):
    _alert(alice, frequency="daily")
    _publish(northshire, ian, commit)
    assert _alert_mail(mailoutbox) == []  # nothing instant for a daily alert
    with commit():
        assert send_daily_digests() == 1
    with commit():
        assert send_daily_digests() == 0
    mails = _alert_mail(mailoutbox)
    assert [m.subject for m in mails] == ["1 new opportunity for “Parks”"]


def test_the_unsubscribe_link_stops_the_alert(client, northshire, ian, alice, acme, commit, mailoutbox):
    subscription = _alert(alice)
    _publish(northshire, ian, commit)
    path = re.search(r"/alerts/unsubscribe/\S+", _alert_mail(mailoutbox)[0].body).group(0)
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200  # one click, no sign-in
    subscription.refresh_from_db()
    assert subscription.active is False
    _publish(northshire, ian, commit, title="Grounds maintenance, phase two")
    assert len(_alert_mail(mailoutbox)) == 1


@pytest.mark.parametrize("block", ["objection", "restriction"])
def test_an_objecting_or_restricted_person_gets_no_alert(
    northshire, ian, alice, acme, commit, mailoutbox, block
):
    _alert(alice)
    _alert(alice, frequency="daily", name="Daily parks")
    if block == "objection":
        privacy.object_to(alice, "opportunity_alerts")
    else:
        Restriction.objects.create(user=alice, reason="Accuracy contested")
    _publish(northshire, ian, commit)
    with commit():
        send_daily_digests()
    assert _alert_mail(mailoutbox) == []
    assert AlertDelivery.objects.count() == 0


def test_an_alert_queued_before_an_objection_is_not_sent(northshire, ian, alice, acme, mailoutbox):
    _alert(alice)
    procurement = tenders.publish(draft_procurement(northshire, ian), by=ian)
    from tenderbox.notifications.alerts import send_instant_alerts

    send_instant_alerts(procurement)  # written to the archive; delivery waits for the commit
    privacy.object_to(alice, "opportunity_alerts")
    message = Message.objects.get(purpose="opportunity_alerts")
    assert deliver_message.call(message.pk) == "suppressed"
    message.refresh_from_db()
    assert message.status == "suppressed" and mailoutbox == []


def test_the_alerts_page(client, alice, acme):
    sign_in(client, alice)
    response = client.post("/alerts/", {"name": "Works", "cpv_codes": "45000000 bogus", "frequency": "daily"})
    assert response.status_code == 400
    assert "bogus is not a CPV code" in response.content.decode()
    response = client.post(
        "/alerts/",
        {"name": "Works", "cpv_codes": "45000000", "regions": ["TLE", "TLD"], "frequency": "daily"},
    )
    assert response.status_code == 302
    subscription = alice.alerts.get()
    assert (subscription.regions, [c.code for c in subscription.cpv_codes.all()]) == (
        "TLE,TLD",
        ["45000000-7"],
    )


def test_another_persons_alert_cannot_be_stopped(client, alice, carol):
    subscription = _alert(alice)
    sign_in(client, carol)
    assert client.post(f"/alerts/{subscription.pk}/stop").status_code == 404
    subscription.refresh_from_db()
    assert subscription.active is True


# Marketing ------------------------------------------------------------------------------------
def test_marketing_reaches_only_those_who_consented(alice, carol, commit, mailoutbox):
    privacy.give_marketing_consent(alice, source="test")
    with commit():
        assert (
            privacy.send_marketing(
                subject="New: frameworks", body="Frameworks are here.", users=[alice, carol]
            )
            == 1
        )
    assert [m.to for m in mailoutbox] == [["alice@acme.example"]]
    assert "List-Unsubscribe" in mailoutbox[0].extra_headers


def test_one_click_in_the_email_withdraws_consent_and_suppresses(client, alice, commit, mailoutbox):
    privacy.give_marketing_consent(alice, source="test")
    with commit():
        privacy.send_marketing(subject="News", body="Hello.", users=[alice])
    path = re.search(r"/privacy/marketing/unsubscribe/\S+", mailoutbox[0].body).group(0)
    assert client.post(path).status_code == 200
    consent = ConsentRecord.objects.get(user=alice)
    assert (consent.withdrawn_at is not None, consent.withdrawn_via) == (True, "email unsubscribe link")
    assert MarketingSuppression.objects.filter(email="alice@acme.example").exists()
    with commit():
        assert privacy.send_marketing(subject="More news", body="Hello again.", users=[alice]) == 0
    assert len(mailoutbox) == 1


def test_consent_is_checked_at_the_moment_of_sending(alice, mailoutbox):
    privacy.give_marketing_consent(alice, source="test")
    privacy.send_marketing(subject="News", body="Hello.", users=[alice])  # queued, not yet sent
    privacy.withdraw_marketing_consent(alice, via="account page")
    message = Message.objects.get(purpose="marketing")
    assert deliver_message.call(message.pk) == "suppressed"
    assert mailoutbox == []


def test_a_restricted_person_gets_no_marketing(alice, commit, mailoutbox):
    privacy.give_marketing_consent(alice, source="test")
    Restriction.objects.create(user=alice, reason="Objection pending")
    with commit():
        assert privacy.send_marketing(subject="News", body="Hello.", users=[alice]) == 0
    assert mailoutbox == []


def test_consent_is_given_and_withdrawn_from_the_account_page(client, alice):
    sign_in(client, alice)
    assert client.post("/privacy/marketing", {}).status_code == 400
    assert client.post("/privacy/marketing", {"marketing": "yes"}).status_code == 302
    assert ConsentRecord.objects.get(user=alice).source == "account page"
    assert client.post("/privacy/marketing", {"marketing": "no"}).status_code == 302
    assert ConsentRecord.objects.get(user=alice).withdrawn_via == "account page"


def test_a_bad_unsubscribe_link_is_a_clear_400(client, db):
    assert client.post("/privacy/marketing/unsubscribe/forged").status_code == 400
    assert client.get("/alerts/unsubscribe/forged").status_code == 400


def test_the_digest_window_moves_on(northshire, ian, alice, acme, commit, mailoutbox):
    subscription = _alert(alice, frequency="daily")
    with time_machine.travel(timezone.now() + timedelta(days=1)), commit():
        send_daily_digests()
    subscription.refresh_from_db()
    assert subscription.last_digest_at is not None


def test_the_privacy_officer_searches_the_communications_archive(client, alice, commit, mailoutbox):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import make_user

    privacy.give_marketing_consent(alice, source="test")
    with commit():
        privacy.send_marketing(subject="Frameworks news", body="Hello.", users=[alice])
    officer = make_user("po@tenderbox.example", "Pat Officer", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=officer, name="App", key="00" * 20, confirmed=True)
    sign_in(client, officer)
    page = client.get("/admin/notifications/message/", {"q": "alice@acme.example"}).content.decode()
    assert "Frameworks news" in page
    assert (
        client.get("/admin/notifications/message/", {"q": "nobody@x.example"})
        .content.decode()
        .count("Frameworks news")
        == 0
    )
