"""Every organisation permission, attacked: other organisations' ids, members without the role,
removed members, and the last admin. Each refused request also leaves the data as it was."""

import pytest

from tenderbox.organisations.models import Invitation, Membership
from tests.conftest import sign_in


def _memberships():
    return sorted(Membership.objects.values_list("user__email", "organisation__name", "role"))


@pytest.mark.parametrize("path", ["/", "/edit", "/invite", "/leave"])
def test_alice_cannot_reach_brightside(client, alice, acme, brightside, path):
    sign_in(client, alice)
    before = _memberships()
    assert client.get(f"/organisations/{brightside.pk}{path}").status_code == 404
    assert (
        client.post(
            f"/organisations/{brightside.pk}{path}", {"email": "x@y.example", "role": "admin"}
        ).status_code
        == 404
    )
    assert _memberships() == before


def test_alice_cannot_change_or_remove_brightside_members(client, alice, acme, carol, brightside):
    sign_in(client, alice)
    carols = Membership.objects.get(user=carol)
    before = _memberships()
    # Brightside's membership id under Brightside's organisation id: not hers.
    assert (
        client.post(
            f"/organisations/{brightside.pk}/members/{carols.pk}/role", {"role": "bidder"}
        ).status_code
        == 404
    )
    assert client.post(f"/organisations/{brightside.pk}/members/{carols.pk}/remove").status_code == 404
    # Brightside's membership id under Acme's organisation id: not found either.
    assert (
        client.post(f"/organisations/{acme.pk}/members/{carols.pk}/role", {"role": "bidder"}).status_code
        == 404
    )
    assert client.post(f"/organisations/{acme.pk}/members/{carols.pk}/remove").status_code == 404
    assert _memberships() == before


def test_alice_cannot_see_brightside_members_through_the_api(client, alice, acme, brightside):
    sign_in(client, alice)
    assert client.get(f"/api/v1/organisations/{brightside.pk}/members").status_code == 404
    response = client.get(f"/api/v1/organisations/{acme.pk}/members")
    assert response.status_code == 200
    assert [m["email"] for m in response.json()] == ["alice@acme.example"]


def test_the_api_refuses_anonymous_callers(client, acme):
    assert client.get(f"/api/v1/organisations/{acme.pk}/members").status_code == 401


def test_bob_sees_his_organisation_but_cannot_manage_it(client, alice, acme, bob):
    sign_in(client, bob)
    alices = Membership.objects.get(user=alice)
    before = _memberships()
    assert client.get(f"/organisations/{acme.pk}/").status_code == 200
    assert client.get(f"/organisations/{acme.pk}/invite").status_code == 403
    assert (
        client.post(f"/organisations/{acme.pk}/invite", {"email": "x@y.example", "role": "admin"}).status_code
        == 403
    )
    assert (
        client.post(f"/organisations/{acme.pk}/members/{alices.pk}/role", {"role": "bidder"}).status_code
        == 403
    )
    assert client.post(f"/organisations/{acme.pk}/members/{alices.pk}/remove").status_code == 403
    assert client.post(f"/organisations/{acme.pk}/edit", {"name": "Bob Co"}).status_code == 403
    assert _memberships() == before and Invitation.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, acme):
    response = client.get(f"/organisations/{acme.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in?next=")


def test_a_removed_member_loses_access_at_once(client, alice, acme, bob):
    bob_client = sign_in(client.__class__(), bob)
    assert bob_client.get(f"/organisations/{acme.pk}/").status_code == 200
    sign_in(client, alice)
    bobs = Membership.objects.get(user=bob)
    assert client.post(f"/organisations/{acme.pk}/members/{bobs.pk}/remove").status_code == 302
    assert bob_client.get(f"/organisations/{acme.pk}/").status_code == 404
    assert bob_client.get(f"/api/v1/organisations/{acme.pk}/members").status_code == 404


def test_the_last_admin_cannot_leave_or_step_down(client, alice, acme, bob):
    sign_in(client, alice)
    alices = Membership.objects.get(user=alice)
    before = _memberships()
    response = client.post(f"/organisations/{acme.pk}/leave")
    assert response.status_code == 409
    assert "must keep at least one admin" in response.content.decode()
    assert (
        client.post(f"/organisations/{acme.pk}/members/{alices.pk}/role", {"role": "bidder"}).status_code
        == 409
    )
    assert client.post(f"/organisations/{acme.pk}/members/{alices.pk}/remove").status_code == 409
    assert _memberships() == before


def test_an_admin_may_leave_when_another_admin_remains(client, alice, acme, bob):
    sign_in(client, alice)
    bobs = Membership.objects.get(user=bob)
    client.post(f"/organisations/{acme.pk}/members/{bobs.pk}/role", {"role": "admin"})
    assert client.post(f"/organisations/{acme.pk}/leave").status_code == 302
    assert _memberships() == [("bob@acme.example", "Acme Facilities Ltd", "admin")]


def test_a_role_the_organisation_does_not_offer_is_refused(client, alice, acme, bob):
    sign_in(client, alice)
    bobs = Membership.objects.get(user=bob)
    client.post(f"/organisations/{acme.pk}/members/{bobs.pk}/role", {"role": "evaluator"})
    assert Membership.objects.get(pk=bobs.pk).role == "bidder"
    response = client.post(f"/organisations/{acme.pk}/invite", {"email": "x@y.example", "role": "evaluator"})
    assert response.status_code == 400
    assert Invitation.objects.count() == 0
