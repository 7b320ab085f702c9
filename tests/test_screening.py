"""Sign-up fraud screening: explainable rules, a hold (never a refusal) above the threshold, the
person told and able to ask for a person to decide, and the reviewer's decision recorded."""

from tenderbox.accounts import screening
from tenderbox.accounts.models import SignupScreening
from tenderbox.audit.models import AuditEvent
from tests.conftest import make_user, sign_in
from tests.test_sign_up import VALID


def _facts(**extra):
    base = {
        "email": "sam@newco.example",
        "ip": "203.0.113.9",
        "organisation_name": "Newco Ltd",
        "is_sole_trader": False,
        "companies_house_number": "12345678",
        "size": "micro",
        "signups_from_ip_last_hour": 0,
        "signups_from_network_last_day": 0,
    }
    return screening.Facts(**{**base, **extra})


def test_each_rule_fires_on_its_own_signal():
    assert screening.fired_rules(_facts()) == []
    codes = lambda **kw: [r.code for r in screening.fired_rules(_facts(**kw))]  # noqa: E731
    assert codes(email="x@mailinator.com") == ["disposable_email"]
    assert codes(signups_from_ip_last_hour=3) == ["many_from_address"]
    assert codes(signups_from_network_last_day=10) == ["many_from_network"]
    assert codes(is_sole_trader=True) == ["sole_trader_company_number", "sole_trader_limited_name"]


def test_networks_are_counted_by_24_or_48():
    assert screening.network_of("203.0.113.9") == "203.0.113.0/24"
    assert screening.network_of("2001:db8:1:2::5") == "2001:db8:1::/48"


def test_an_ordinary_sign_up_is_cleared(client, db):
    client.post("/account/sign-up", VALID)
    result = SignupScreening.objects.get()
    assert (result.decision, result.score, result.rules_fired, result.ip_address) == (
        "cleared",
        0,
        "",
        "127.0.0.1",
    )


def test_a_suspicious_sign_up_is_held_told_why_and_can_ask_for_a_person(client, db, commit, mailoutbox):
    response = client.post("/account/sign-up", {**VALID, "email": "sam@mailinator.com"})
    assert response.status_code == 302
    result = SignupScreening.objects.get()
    assert (result.decision, result.score, result.rule_codes()) == ("held", 60, ["disposable_email"])
    user = result.user
    user.verify_email()
    sign_in(client, user)
    response = client.get("/account/")
    assert response["Location"] == "/account/held"
    page = client.get("/account/held").content.decode()
    assert "disposable (throwaway) email service" in page and "This is not a refusal" in page
    with commit():
        assert (
            client.post("/account/held", {"representations": "It is my firm's real domain."}).status_code
            == 302
        )
    result.refresh_from_db()
    assert result.representations == "It is my firm's real domain."
    assert [m.to for m in mailoutbox if "human review" in m.subject] == [["privacy@tenderbox.localhost"]]


def test_a_reviewer_decides_with_reasons_and_the_person_is_told(client, db, commit, mailoutbox):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.post("/account/sign-up", {**VALID, "email": "sam@mailinator.com"})
    held = SignupScreening.objects.get()
    reviewer = make_user("rev@tenderbox.example", "Rae Viewer", is_staff=True)
    TOTPDevice.objects.create(user=reviewer, name="App", key="00" * 20, confirmed=True)
    sign_in(client, reviewer)
    page = client.get(f"/account/reviews/{held.pk}").content.decode()
    assert "Score 60" in page and "disposable" in page
    assert client.post(f"/account/reviews/{held.pk}", {"decision": "clear", "reason": ""}).status_code == 400
    with commit():
        response = client.post(f"/account/reviews/{held.pk}", {"decision": "clear", "reason": "Known firm."})
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.decision, held.reviewed_by, held.review_reason) == ("cleared", reviewer, "Known firm.")
    assert AuditEvent.objects.filter(verb="screening.reviewed").count() == 1
    assert any(
        "review of your" in m.subject.lower() or "check of your" in m.subject.lower() for m in mailoutbox
    )


def test_only_staff_review(client, alice):
    sign_in(client, alice)
    assert client.get("/account/reviews/").status_code == 403
