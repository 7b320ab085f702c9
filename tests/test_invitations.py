"""Invitations: emailed, single-use, expiring, for the invited address only."""

import re
from datetime import timedelta

import time_machine
from django.utils import timezone

from tenderbox.audit.models import AuditEvent
from tenderbox.organisations.models import Invitation, Membership
from tests.conftest import make_user, sign_in


def _invite(client, commit, mailoutbox, acme, email="dana@acme.example", role="bidder"):
    with commit():
        response = client.post(f"/organisations/{acme.pk}/invite", {"email": email, "role": role})
    assert response.status_code == 302
    return re.search(r"/organisations/invitations/\S+", mailoutbox[-1].body).group(0)


def test_a_colleague_with_an_account_accepts(client, alice, acme, commit, mailoutbox):
    sign_in(client, alice)
    link = _invite(client, commit, mailoutbox, acme)
    invitation = Invitation.objects.get()
    assert invitation.token_hash not in link  # only the hash is stored
    dana = make_user("Dana@acme.example", "Dana Lee")
    dana_client = sign_in(client.__class__(), dana)
    response = dana_client.post(link)
    assert response.status_code == 302
    assert Membership.objects.get(user=dana).role == "bidder"
    assert AuditEvent.objects.filter(verb="invitation.accepted").count() == 1
    # Single use.
    assert dana_client.post(link).status_code == 409


def test_a_colleague_without_an_account_signs_up_and_joins(client, alice, acme, commit, mailoutbox):
    sign_in(client, alice)
    link = _invite(client, commit, mailoutbox, acme)
    token = link.rsplit("/", 1)[1]
    newcomer = client.__class__()
    response = newcomer.post(
        f"/account/sign-up?invitation={token}",
        {
            "full_name": "Dana Lee",
            "email": "dana@acme.example",
            "password": "quiet copper meadow",
            "adult": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{acme.pk}/"
    assert newcomer.get(response["Location"]).status_code == 200
    dana = Membership.objects.get(user__email="dana@acme.example").user
    assert dana.email_verified_at is not None


def test_an_invitation_only_works_for_its_address(client, alice, acme, carol, commit, mailoutbox):
    sign_in(client, alice)
    link = _invite(client, commit, mailoutbox, acme)
    response = sign_in(client.__class__(), carol).post(link)
    assert response.status_code == 400
    assert "different email address" in response.content.decode()
    assert not Membership.objects.filter(user=carol, organisation=acme).exists()


def test_an_expired_invitation_is_refused(client, alice, acme, commit, mailoutbox):
    sign_in(client, alice)
    link = _invite(client, commit, mailoutbox, acme)
    dana = make_user("dana@acme.example", "Dana Lee")
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        dana_client = sign_in(client.__class__(), dana)
        assert dana_client.get(link).status_code == 410
        response = dana_client.post(link)
    assert response.status_code == 409
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user=dana).exists()


def test_a_withdrawn_invitation_is_refused(client, alice, acme, commit, mailoutbox):
    sign_in(client, alice)
    link = _invite(client, commit, mailoutbox, acme)
    invitation = Invitation.objects.get()
    assert client.post(f"/organisations/{acme.pk}/invitations/{invitation.pk}/revoke").status_code == 302
    dana = make_user("dana@acme.example", "Dana Lee")
    assert sign_in(client.__class__(), dana).post(link).status_code == 409


def test_an_unknown_token_is_not_found(client, db):
    assert client.get("/organisations/invitations/made-up-token").status_code == 404


def test_inviting_an_existing_member_is_refused(client, alice, acme, bob, commit, mailoutbox):
    sign_in(client, alice)
    response = client.post(
        f"/organisations/{acme.pk}/invite", {"email": "BOB@acme.example", "role": "bidder"}
    )
    assert response.status_code == 409
    assert "already a member" in response.content.decode()
    assert Invitation.objects.count() == 0
