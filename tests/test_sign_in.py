"""Sign-in: passwords, verification, lockout, two-factor, sessions."""

import time

import time_machine
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from tenderbox.audit.models import AuditEvent
from tests.conftest import PASSWORD, current_code, sign_in


def test_alice_signs_in_with_her_password(client, alice):
    response = client.post("/account/sign-in", {"email": "ALICE@acme.example", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    event = AuditEvent.objects.get(verb="user.signed_in")
    assert (event.actor_id, event.actor_label, event.ip_address) == (
        alice.pk,
        alice.email,
        "127.0.0.1",
    )


def test_a_wrong_password_is_refused_and_audited(client, alice):
    response = client.post("/account/sign-in", {"email": alice.email, "password": "wrong password!"})
    assert response.status_code == 400
    assert "Enter the email address and password of your account" in response.content.decode()
    event = AuditEvent.objects.get(verb="user.sign_in_failed")
    assert (event.actor_id, event.subject_user_id, event.actor_label) == (
        None,
        alice.pk,
        alice.email,
    )


def test_an_unverified_address_cannot_sign_in(client, alice):
    alice.email_verified_at = None
    alice.save(update_fields=["email_verified_at"])
    response = client.post("/account/sign-in", {"email": alice.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Confirm your email address before signing in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_out(client, alice):
    for _ in range(5):
        client.post("/account/sign-in", {"email": alice.email, "password": "wrong password!"})
    response = client.post("/account/sign-in", {"email": alice.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_helen_needs_her_second_factor(client, helen, northshire):
    response = client.post("/account/sign-in", {"email": helen.email, "password": PASSWORD})
    assert response["Location"] == "/account/sign-in/two-factor"
    assert "_auth_user_id" not in client.session
    with time_machine.travel(time.time(), tick=False) as traveller:
        wrong = "000000" if current_code() != "000000" else "111111"
        response = client.post("/account/sign-in/two-factor", {"token": wrong})
        assert response.status_code == 400
        assert "The security code is not right" in response.content.decode()
        traveller.shift(2)  # django-otp throttles: one second after the first failure, then doubling
        response = client.post("/account/sign-in/two-factor", {"token": current_code()})
        assert response["Location"] == "/account/"
        assert client.get("/account/").status_code == 200


def test_a_recovery_code_works_once(client, helen, northshire):
    static = StaticDevice.objects.create(user=helen, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=static, token="abcde12345")
    client.post("/account/sign-in", {"email": helen.email, "password": PASSWORD})
    assert client.post("/account/sign-in/two-factor", {"token": "abcde12345"})["Location"] == "/account/"
    client.logout()
    client.post("/account/sign-in", {"email": helen.email, "password": PASSWORD})
    assert client.post("/account/sign-in/two-factor", {"token": "abcde12345"}).status_code == 400


def test_buyer_staff_without_a_second_factor_must_set_one_up(client, northshire, helen):
    helen.totpdevice_set.all().delete()
    sign_in(client, helen)
    response = client.get("/organisations/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor"


def test_an_idle_session_ends(client, alice):
    with time_machine.travel(time.time(), tick=False) as traveller:
        sign_in(client, alice)
        assert client.get("/account/").status_code == 200
        traveller.shift(31 * 60)
        response = client.get("/account/")
        assert response.status_code == 302
        assert response["Location"].startswith("/account/sign-in")


def test_sign_out_ends_the_session(client, alice):
    sign_in(client, alice)
    response = client.post("/account/sign-out")
    assert response.status_code == 302
    assert client.get("/account/").status_code == 302
