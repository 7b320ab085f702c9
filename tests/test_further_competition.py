"""Further competition: only the lot's active appointed suppliers are invited, and nobody else can
see or respond through any door (pages, API, actions); it then runs with the same sealed tenders,
opening, evaluation and award as any procurement, and ends in a call-off contract."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tenderbox.api.actions import create_token
from tenderbox.contracts.models import Contract
from tenderbox.evaluation import actions as evaluation
from tenderbox.frameworks import actions
from tenderbox.frameworks.models import Appointment, CompetitionInvitation
from tenderbox.lib.errors import Conflict, PermissionDenied
from tenderbox.submissions import actions as submissions
from tenderbox.submissions.models import Response
from tenderbox.tenders import actions as tenders
from tenderbox.tenders.models import Interest, Procurement
from tests.conftest import pdf_upload, sign_in, submit_tender
from tests.framework_fixtures import lots


def _competition(framework, northshire, ian, *, days=12):
    lot = lots(framework)[0]
    procurement = actions.start_further_competition(
        lot,
        authority=northshire,
        by=ian,
        title="Grounds maintenance for Northshire parks",
        description="Mowing and tree care for 12 parks.",
        value_excl_vat=Decimal("150000.00"),
        vat=Decimal("30000.00"),
    )
    now = timezone.now()
    Procurement.objects.filter(pk=procurement.pk).update(
        clarification_deadline=now + timedelta(days=days - 5),
        submission_deadline=now + timedelta(days=days),
        expected_award_date=(now + timedelta(days=days + 10)).date(),
        contract_start=date(2027, 2, 1),
        contract_end=date(2028, 1, 31),
    )
    procurement.refresh_from_db()
    tenders.add_criterion(procurement, by=ian, kind="quality", name="Approach", weight=60)
    tenders.add_criterion(procurement, by=ian, kind="price", name="Price", weight=40)
    tenders.add_standard_declarations(procurement, by=ian)
    tenders.add_document(procurement, pdf_upload(), title="Call-off specification", by=ian)
    return procurement


@pytest.fixture
def competition(framework, northshire, ian, fiona, brightside):
    """Northshire's further competition on lot 1, published after Brightside was suspended."""
    appointment = Appointment.objects.get(supplier=brightside)
    actions.change_appointment(appointment, verb="suspend", by=fiona, reason="Insurance lapsed")
    return tenders.publish(_competition(framework, northshire, ian), by=ian)


def test_only_the_lots_active_suppliers_are_invited(competition, acme, commit, mailoutbox):
    invited = CompetitionInvitation.objects.filter(procurement=competition)
    assert [i.appointment.supplier.name for i in invited] == ["Acme Facilities Ltd"]
    assert competition.procedure == "further_competition"
    assert competition.minimum_period() == (
        10,
        "the framework's minimum of 10 days for further competitions (PA23 s.46)",
    )


def test_invitations_are_emailed_to_the_invited_supplier_only(framework, northshire, ian, commit, mailoutbox):
    procurement = _competition(framework, northshire, ian)
    with commit():
        tenders.publish(procurement, by=ian)
    invitations = [m for m in mailoutbox if m.subject.startswith("Invitation to a further competition")]
    # Acme's Alice and Brightside's Carol are on lot 1; Delta (lot 2) is not invited.
    assert sorted(m.to[0] for m in invitations) == ["alice@acme.example", "carol@brightside.example"]


def test_a_competition_below_the_frameworks_minimum_is_refused(framework, northshire, ian):
    procurement = _competition(framework, northshire, ian, days=9)
    with pytest.raises(Exception, match="framework's minimum of 10 days"):
        tenders.publish(procurement, by=ian)
    procurement.refresh_from_db()
    assert procurement.status == "draft"
    assert CompetitionInvitation.objects.count() == 0


def test_a_competition_is_not_advertised(client, competition, oscar):
    assert client.get("/opportunities/").content.decode().count(competition.reference) == 0
    assert competition.reference not in client.get("/opportunities/feed.atom").content.decode()
    assert client.get(f"/opportunities/{competition.reference}/").status_code == 404
    assert client.get(f"/api/v1/opportunities/{competition.reference}").status_code == 404
    sign_in(client, oscar)
    assert client.get(f"/opportunities/{competition.reference}/").status_code == 404


@pytest.mark.parametrize("who", ["brightside", "delta"])
def test_suspended_and_other_lot_suppliers_cannot_take_part_through_any_door(
    who, request, client, competition
):
    supplier = request.getfixturevalue(who)
    user = request.getfixturevalue({"brightside": "carol", "delta": "dev"}[who])
    sign_in(client, user)
    ref = competition.reference
    assert client.get(f"/opportunities/{ref}/").status_code == 404
    assert client.get(f"/opportunities/{ref}/respond/{supplier.pk}").status_code == 404
    assert client.post(f"/opportunities/{ref}/respond/{supplier.pk}", {"action": "save"}).status_code == 404
    assert client.post(f"/opportunities/{ref}/interest", {"organisation": supplier.pk}).status_code == 404
    assert (
        client.post(f"/opportunities/{ref}/ask/{supplier.pk}", {"question": "Can we bid?"}).status_code == 404
    )
    token = create_token(supplier, by=user, name="Bid system", scope="write", days=30)[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    api = client.post(f"/api/v1/opportunities/{ref}/interest", {}, content_type="application/json", **auth)
    assert api.status_code == 404
    with pytest.raises(PermissionDenied, match="not invited"):
        submissions.start_response(competition, supplier, by=user)
    with pytest.raises(PermissionDenied, match="not invited"):
        tenders.register_interest(competition, supplier, by=user)
    assert Response.objects.filter(supplier=supplier).count() == 0
    assert Interest.objects.filter(supplier=supplier).count() == 0


def test_an_invited_supplier_suspended_after_launch_can_no_longer_respond(competition, acme, alice, fiona):
    response = submissions.start_response(competition, acme, by=alice)
    actions.change_appointment(
        Appointment.objects.get(supplier=acme), verb="suspend", by=fiona, reason="Under investigation"
    )
    with pytest.raises(PermissionDenied, match="suspended"):
        submissions.submit(response, by=alice, idempotency_key="k1")
    assert response.versions.count() == 0


def test_an_ineligible_authority_is_refused_at_the_page(client, framework, southvale, sam):
    sign_in(client, sam)
    lot = lots(framework)[0]
    page = client.get(f"/call-off/{southvale.pk}/lots/{lot.pk}/competition")
    assert page.status_code == 403
    assert "Southvale Academy Trust is not named or described" in page.content.decode()
    posted = client.post(
        f"/call-off/{southvale.pk}/lots/{lot.pk}/competition",
        {"title": "T", "description": "D", "value_excl_vat": "1000", "vat": "200"},
    )
    assert posted.status_code == 403
    assert Procurement.objects.count() == 0


def test_another_authoritys_id_is_not_found(client, framework, southvale, ian):
    sign_in(client, ian)
    lot = lots(framework)[0]
    assert client.get(f"/call-off/{southvale.pk}/lots/{lot.pk}/competition").status_code == 404


def _run_to_award(competition, acme, alice, helen, ian, jo):
    version = submit_tender(competition, acme, alice, price="140000", quality="Acme's approach")
    with time_machine.travel(competition.submission_deadline + timedelta(seconds=1), tick=False):
        submissions.approve_opening(competition, by=helen)
        submissions.approve_opening(competition, by=ian)
    competition.refresh_from_db()
    assignment = evaluation.assign(competition, jo, by=ian)
    evaluation.declare(assignment, by=jo, conflict=False)
    quality = competition.criteria.get(kind="quality")
    evaluation.score(assignment, version, quality, value=4, justification="Good")
    evaluation.moderate(version, quality, value=4, reason="Agreed", by=ian)
    for question in competition.selection_questions.all():
        evaluation.mark_selection(version, question, passed=True, reason="", by=ian)
    return evaluation.award(competition, by=ian, winners={})


def test_the_competition_runs_like_any_procurement_and_ends_in_a_call_off(
    competition, framework, acme, alice, helen, ian, jo
):
    awarded = _run_to_award(competition, acme, alice, helen, ian, jo)
    with time_machine.travel(awarded.standstill_ends_at + timedelta(seconds=1), tick=False):
        evaluation.enter_contract(awarded, by=ian)
    contract = Contract.objects.get()
    assert (contract.route, contract.framework, contract.framework_lot.number) == (
        "further_competition",
        framework,
        1,
    )
    assert (contract.buyer.name, contract.supplier, contract.value_excl_vat) == (
        "Northshire County Council",
        acme,
        Decimal("140000.00"),
    )
    assert (contract.starts_on, contract.ends_on, contract.delivery_postcode) == (
        date(2027, 2, 1),
        date(2028, 1, 31),
        "DL7 8AD",
    )


def test_no_call_off_is_made_once_the_framework_has_expired(
    competition, framework, acme, alice, helen, ian, jo
):
    awarded = _run_to_award(competition, acme, alice, helen, ian, jo)
    with (
        time_machine.travel("2028-06-01 09:00:00+01:00", tick=False),
        pytest.raises(Conflict, match="nothing can be called off it"),
    ):
        evaluation.enter_contract(awarded, by=ian)
    awarded.refresh_from_db()
    assert awarded.status == "awarded"
    assert Contract.objects.count() == 0


def test_the_buyers_page_names_the_framework_and_who_is_invited(client, competition, framework, ian):
    sign_in(client, ian)
    text = client.get(f"/buying/{competition.pk}/").content.decode()
    assert "A further competition under lot 1 (Grounds maintenance) of" in text
    assert "invited suppliers:\n  Acme Facilities Ltd." in text
    assert "The page invited suppliers see" in text and "Public page" not in text
