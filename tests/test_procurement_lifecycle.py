"""Preparing, publishing, amending, closing and cancelling a procurement, through the pages."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tenderbox.audit.models import AuditEvent
from tenderbox.lib.errors import Conflict
from tenderbox.tenders import actions
from tenderbox.tenders.models import Notice, Procurement
from tests.conftest import draft_procurement, pdf_upload, sign_in


def test_ian_starts_a_draft_through_the_page(client, ian, northshire):
    sign_in(client, ian)
    deadline = (timezone.localtime() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    questions = (timezone.localtime() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    award = (timezone.localdate() + timedelta(days=60)).isoformat()
    response = client.post(
        f"/buying/new/{northshire.pk}",
        {
            "title": "School meals",
            "description": "Hot meals for 30 primary schools.",
            "category": "services",
            "main_cpv_code": "55524000-9",
            "value_excl_vat": "900000",
            "vat": "0",
            "region": "TLE",
            "procedure": "open",
            "clarification_deadline": questions,
            "submission_deadline": deadline,
            "expected_award_date": award,
        },
    )
    assert response.status_code == 302
    procurement = Procurement.objects.get()
    assert (procurement.status, procurement.main_cpv_id, procurement.created_by_id) == (
        "draft",
        "55524000-9",
        ian.pk,
    )
    assert procurement.reference.startswith(f"TBX-{timezone.localdate().year}-")
    assert client.get(response["Location"]).status_code == 200


def test_an_unknown_cpv_code_is_refused(client, ian, northshire):
    sign_in(client, ian)
    response = client.post(f"/buying/new/{northshire.pk}", {"title": "X", "main_cpv_code": "12345678-9"})
    assert response.status_code == 400
    assert "Enter a CPV code from the CPV 2008 vocabulary" in response.content.decode()
    assert Procurement.objects.count() == 0


def test_a_draft_is_invisible_to_the_public(client, northshire, ian):
    draft = draft_procurement(northshire, ian)
    assert client.get(f"/opportunities/{draft.reference}/").status_code == 404


def test_publishing_makes_it_public_with_a_tender_notice(client, procurement):
    assert procurement.status == "published"
    assert list(procurement.notices.values_list("kind", flat=True)) == ["UK4"]
    page = client.get(f"/opportunities/{procurement.reference}/")
    assert page.status_code == 200
    assert "Grounds maintenance for county parks" in page.content.decode()
    assert AuditEvent.objects.filter(verb="procurement.published", object_id=str(procurement.pk)).count() == 1


def test_publishing_refuses_a_short_timetable_and_says_why(client, northshire, ian):
    draft = draft_procurement(northshire, ian, days=24)  # above threshold, open: 25 days needed
    sign_in(client, ian)
    response = client.post(f"/buying/{draft.pk}/publish")
    assert response.status_code == 400
    assert "PA23 s.54(3): 25 days for an open procedure" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_publishing_refuses_weights_that_do_not_add_up(northshire, ian):
    draft = draft_procurement(northshire, ian)
    draft.criteria.filter(kind="quality").update(weight=50)
    with pytest.raises(Exception, match="add up to 90%"):
        actions.publish(draft, by=ian)


def test_publishing_twice_is_a_conflict(client, procurement, ian):
    sign_in(client, ian)
    assert client.post(f"/buying/{procurement.pk}/publish").status_code == 409


def test_an_amendment_needs_a_reason_moves_the_deadline_later_only_and_tells_interested_suppliers(
    client, procurement, ian, alice, acme, commit, mailoutbox
):
    actions.register_interest(procurement, acme, by=alice)
    sign_in(client, ian)
    old = procurement.submission_deadline
    earlier = (timezone.localtime(old) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/buying/{procurement.pk}/amend",
        {"reason": "More time", "summary": "Earlier", "new_deadline": earlier},
    )
    assert response.status_code == 400
    assert "must be later than the current one" in response.content.decode()
    later = timezone.localtime(old) + timedelta(days=7)
    with commit():
        response = client.post(
            f"/buying/{procurement.pk}/amend",
            {
                "reason": "Suppliers asked for more time",
                "summary": "Deadline moved a week later",
                "new_deadline": later.strftime("%Y-%m-%dT%H:%M"),
                "file": pdf_upload("addendum.pdf"),
                "document_title": "Addendum",
            },
        )
    assert response.status_code == 302
    procurement.refresh_from_db()
    assert procurement.submission_deadline == later.replace(second=0, microsecond=0)
    assert procurement.documents.count() == 2
    assert [m.to for m in mailoutbox] == [["alice@acme.example"]]
    assert "Suppliers asked for more time" in mailoutbox[0].body


def test_the_clock_closes_it_at_the_deadline_to_the_second(client, procurement):
    deadline = procurement.submission_deadline
    with time_machine.travel(deadline - timedelta(seconds=1), tick=False):
        assert procurement.accepts_tenders()
        client.get(f"/opportunities/{procurement.reference}/")
        procurement.refresh_from_db()
        assert procurement.status == "published"
    with time_machine.travel(deadline, tick=False):
        assert not procurement.accepts_tenders()
        client.get(f"/opportunities/{procurement.reference}/")
        procurement.refresh_from_db()
        assert procurement.status == "closed"
        assert procurement.closed_at == deadline


def test_the_scheduler_catches_up_on_due_procurements(procurement):
    with time_machine.travel(procurement.submission_deadline + timedelta(hours=1), tick=False):
        assert actions.apply_due_transitions() == 1
        assert actions.apply_due_transitions() == 0  # idempotent
    procurement.refresh_from_db()
    assert procurement.status == "closed"
    assert AuditEvent.objects.filter(verb="procurement.closed").count() == 1


def test_cancelling_records_the_reason_and_a_termination_notice(client, procurement, ian):
    sign_in(client, ian)
    assert client.post(f"/buying/{procurement.pk}/cancel", {"reason": ""}).status_code == 400
    assert client.post(f"/buying/{procurement.pk}/cancel", {"reason": "Budget withdrawn"}).status_code == 302
    procurement.refresh_from_db()
    assert (procurement.status, procurement.cancellation_reason) == ("cancelled", "Budget withdrawn")
    assert procurement.notices.filter(kind=Notice.Kind.TERMINATION).count() == 1


@pytest.mark.parametrize(
    ("start", "move"),
    [
        ("published", lambda p: p.open_tenders(at=timezone.now())),
        ("published", lambda p: p.award(at=timezone.now(), standstill_ends_at=timezone.now())),
        ("published", lambda p: p.enter_contract(at=timezone.now())),
        ("draft", lambda p: p.close(at=timezone.now())),
        ("cancelled", lambda p: p.publish(by=None, at=timezone.now())),
        ("contracted", lambda p: p.cancel(at=timezone.now(), reason="x")),
    ],
)
def test_illegal_transitions_are_refused(procurement, start, move):
    Procurement.objects.filter(pk=procurement.pk).update(status=start)
    procurement.refresh_from_db()
    with pytest.raises(Conflict):
        move(procurement)
    procurement.refresh_from_db()
    assert procurement.status == start


def test_published_procurements_cannot_be_edited_as_drafts(client, procurement, ian):
    sign_in(client, ian)
    response = client.post(f"/buying/{procurement.pk}/lots/add", {"title": "Extra", "value_excl_vat": "10"})
    assert response.status_code == 409
    assert procurement.lots.count() == 2
