"""Clarification questions: asked before the deadline, answered to all without naming the asker."""

from datetime import timedelta

import time_machine

from tenderbox.tenders.models import Clarification
from tests.conftest import sign_in


def test_a_question_is_answered_to_every_interested_supplier_anonymously(
    client, procurement, ian, alice, acme, carol, brightside, commit, mailoutbox
):
    sign_in(client, carol)
    client.post(f"/opportunities/{procurement.reference}/interest", {"supplier": brightside.pk})
    sign_in(client, alice)
    response = client.post(
        f"/opportunities/{procurement.reference}/ask/{acme.pk}",
        {"question": "Acme asks: are weekend works allowed?"},
    )
    assert response.status_code == 302
    clarification = Clarification.objects.get()
    assert (clarification.asked_by_supplier, clarification.asked_by) == (acme, alice)
    assert procurement.interests.count() == 2  # asking registers interest
    public = client.get(f"/opportunities/{procurement.reference}/").content.decode()
    assert "weekend works" not in public  # not published until answered
    sign_in(client, ian)
    with commit():
        response = client.post(
            f"/buying/{procurement.pk}/clarifications/{clarification.pk}",
            {"question": "Are weekend works allowed?", "answer": "Yes, on Saturdays."},
        )
    assert response.status_code == 302
    page = client.get(f"/opportunities/{procurement.reference}/").content.decode()
    assert "Are weekend works allowed?" in page and "Yes, on Saturdays." in page
    assert "Acme" not in page.split("Questions and answers")[1]
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@acme.example", "carol@brightside.example"]
    assert all("Acme asks" not in m.body for m in mailoutbox)


def test_questions_are_refused_after_the_clarification_deadline(client, procurement, alice, acme):
    with time_machine.travel(procurement.clarification_deadline + timedelta(seconds=1), tick=False):
        sign_in(client, alice)
        response = client.post(f"/opportunities/{procurement.reference}/ask/{acme.pk}", {"question": "Late?"})
    assert response.status_code == 409
    assert "The deadline for questions has passed" in response.content.decode()
    assert Clarification.objects.count() == 0


def test_a_question_one_second_before_the_deadline_is_accepted(client, procurement, alice, acme):
    with time_machine.travel(procurement.clarification_deadline - timedelta(seconds=1), tick=False):
        sign_in(client, alice)
        response = client.post(
            f"/opportunities/{procurement.reference}/ask/{acme.pk}", {"question": "Just in time?"}
        )
    assert response.status_code == 302
    assert Clarification.objects.count() == 1


def test_the_buyer_can_publish_a_clarification_of_its_own(client, procurement, ian):
    sign_in(client, ian)
    response = client.post(
        f"/buying/{procurement.pk}/clarifications/new",
        {"question": "Site visits", "answer": "Visits on 3 December."},
    )
    assert response.status_code == 302
    assert "Visits on 3 December." in client.get(f"/opportunities/{procurement.reference}/").content.decode()


def test_a_rival_buyer_cannot_answer(client, procurement, alice, acme, jo):
    sign_in(client, alice)
    client.post(f"/opportunities/{procurement.reference}/ask/{acme.pk}", {"question": "Q?"})
    clarification = Clarification.objects.get()
    sign_in(client, jo)
    response = client.post(
        f"/buying/{procurement.pk}/clarifications/{clarification.pk}", {"question": "Q", "answer": "A"}
    )
    assert response.status_code == 403
    clarification.refresh_from_db()
    assert clarification.answer == ""
