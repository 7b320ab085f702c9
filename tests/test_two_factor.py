"""Turning two-factor sign-in on and off, and recovery codes."""

import re

from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenderbox.audit.models import AuditEvent
from tests.conftest import PASSWORD, sign_in


def _enrol(client):
    page = client.get("/account/two-factor").content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    device = TOTPDevice.objects.get(confirmed=False)
    return page, secret, device


def test_alice_turns_on_two_factor_sign_in(client, alice, acme):
    sign_in(client, alice)
    page, secret, device = _enrol(client)
    assert "<svg" in page  # the QR code is drawn server-side, no JavaScript needed
    response = client.post("/account/two-factor", {"token": "12345"})
    assert response.status_code == 400
    code = f"{totp(device.bin_key):06d}"
    response = client.post("/account/two-factor", {"token": code})
    assert response["Location"] == "/account/two-factor/recovery-codes"
    page = client.get("/account/two-factor/recovery-codes").content.decode()
    codes = re.findall(r"<li>([0-9a-f]{10})</li>", page)
    assert len(codes) == 10
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
    device.refresh_from_db()
    assert device.confirmed is True
    assert AuditEvent.objects.filter(verb="user.two_factor_enabled", actor_id=alice.pk).count() == 1
    # Shown once only.
    assert client.get("/account/two-factor/recovery-codes")["Location"] == "/account/two-factor"


def test_a_supplier_may_turn_it_off_with_their_password(client, alice, acme):
    sign_in(client, alice)
    _, _, device = _enrol(client)
    client.post("/account/two-factor", {"token": f"{totp(device.bin_key):06d}"})
    assert client.post("/account/two-factor/turn-off", {"password": "nope"}).status_code == 400
    response = client.post("/account/two-factor/turn-off", {"password": PASSWORD})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()


def test_a_buyer_cannot_turn_it_off(client, helen, northshire):
    sign_in(client, helen)
    response = client.post("/account/two-factor/turn-off", {"password": PASSWORD})
    assert response.status_code == 409
    assert TOTPDevice.objects.filter(user=helen, confirmed=True).count() == 1
