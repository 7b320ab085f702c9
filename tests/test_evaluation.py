"""Evaluation to award: conflicts, blind scoring, moderation, price scoring, ranking with ties,
assessment summaries, standstill in working days, and the contract."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tenderbox.evaluation import actions, rules
from tenderbox.evaluation.models import AssessmentSummary, Award
from tenderbox.lib.errors import Conflict, DomainError
from tenderbox.tenders.models import Notice
from tests.conftest import sign_in


def _evaluate(procurement, versions, evaluator, by, marks):
    assignment = actions.assign(procurement, evaluator, by=by)
    actions.declare(assignment, by=evaluator, conflict=False)
    quality = procurement.criteria.get(kind="quality")
    for version, value in zip(versions, marks, strict=True):
        actions.score(assignment, version, quality, value=value, justification=f"Scored {value}")
        actions.moderate(version, quality, value=value, reason=f"Agreed {value}", by=by)
        for question in procurement.selection_questions.all():
            actions.mark_selection(version, question, passed=True, reason="", by=by)
    return assignment


def test_weighted_totals_rank_each_lot(opened, jo, ian):
    procurement, acme_v, brightside_v = opened
    _evaluate(procurement, [acme_v, brightside_v], jo, ian, [4, 3])
    lot1, lot2 = actions.results(procurement)
    # Lot 1: Acme 60×4/5 + 40×120k/150k = 48 + 32; Brightside 36 + 40.
    assert [(x.version.response.supplier.name, x.total, x.position) for x in lot1.ranked] == [
        ("Acme Facilities Ltd", Decimal("80.000"), 1),
        ("Brightside Cleaning Ltd", Decimal("76.000"), 2),
    ]
    assert [(x.version.response.supplier.name, x.total) for x in lot2.ranked] == [
        ("Acme Facilities Ltd", Decimal("88.000"))
    ]
    assert lot1.tied == [] and lot2.tied == []


def test_award_sends_summaries_and_starts_a_working_day_standstill(
    opened, jo, ian, acme, brightside, commit, mailoutbox
):
    procurement, acme_v, brightside_v = opened
    _evaluate(procurement, [acme_v, brightside_v], jo, ian, [4, 3])
    with commit():
        procurement = actions.award(procurement, by=ian, winners={})
    assert procurement.status == "awarded"
    assert list(Award.objects.values_list("lot__number", "version__response__supplier__name", "total")) == [
        (1, "Acme Facilities Ltd", Decimal("80.000")),
        (2, "Acme Facilities Ltd", Decimal("88.000")),
    ]
    assert procurement.standstill_ends_at == rules.standstill_ends_at(procurement.awarded_at)
    assert procurement.notices.filter(kind=Notice.Kind.AWARD).count() == 1
    summary = AssessmentSummary.objects.get(supplier=brightside).text
    assert "Your total: 76.000 out of 100. Winning total: 80.000 (Acme Facilities Ltd)." in summary
    assert "you scored 3 of 5 (36.000 points). Why: Agreed 3" in summary
    assert "Winner scored 4 of 5 (48.000 points). Why: Agreed 4" in summary
    assert sorted(m.to[0] for m in mailoutbox if m.subject.startswith("Assessment summary")) == [
        "alice@acme.example",
        "carol@brightside.example",
    ]


def test_the_contract_waits_for_the_end_of_standstill(opened, jo, ian):
    procurement, acme_v, brightside_v = opened
    _evaluate(procurement, [acme_v, brightside_v], jo, ian, [4, 3])
    procurement = actions.award(procurement, by=ian, winners={})
    with pytest.raises(Conflict, match="before the standstill period ends"):
        actions.enter_contract(procurement, by=ian)
    with time_machine.travel(procurement.standstill_ends_at + timedelta(seconds=1), tick=False):
        procurement = actions.enter_contract(procurement, by=ian)
    assert procurement.status == "contracted"
    assert procurement.notices.filter(kind=Notice.Kind.DETAILS).count() == 1


def test_equal_totals_share_a_position_and_are_reported_as_a_tie():
    ranked = rules.rank({"a": Decimal("80"), "b": Decimal("80"), "c": Decimal("70")})
    assert [(r.key, r.position) for r in ranked] == [("a", 1), ("b", 1), ("c", 3)]
    assert rules.tied_at_top(ranked) == ["a", "b"]


def test_a_tied_award_without_a_reason_is_refused(opened, jo, ian, monkeypatch):
    procurement, acme_v, brightside_v = opened
    _evaluate(procurement, [acme_v, brightside_v], jo, ian, [4, 3])
    monkeypatch.setattr(rules, "price_points", lambda prices, weight: {k: Decimal(0) for k in prices})
    monkeypatch.setattr(rules, "quality_points", lambda score, top, weight: Decimal(50))
    with pytest.raises(DomainError, match="tied at the top. Record how the tie was decided"):
        actions.award(procurement, by=ian, winners={str(procurement.lots.first().pk): str(brightside_v.pk)})
    procurement.refresh_from_db()
    assert procurement.status == "opened" and Award.objects.count() == 0


def test_a_conflicted_evaluator_is_removed_and_sees_nothing(client, opened, ken, ian):
    procurement, acme_v, _ = opened
    assignment = actions.assign(procurement, ken, by=ian)
    sign_in(client, ken)
    assert client.get(f"/evaluation/{assignment.pk}/tenders/{acme_v.pk}").status_code == 409  # declare first
    response = client.post(f"/evaluation/{assignment.pk}/", {"conflict": "yes", "details": "My brother"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "conflicted"
    page = client.get(f"/evaluation/{assignment.pk}/tenders/{acme_v.pk}")
    assert page.status_code == 403
    assert "Acme's approach" not in page.content.decode()
    quality = procurement.criteria.get(kind="quality")
    with pytest.raises(Conflict):
        actions.score(assignment, acme_v, quality, value=5, justification="x")


def test_evaluators_score_blind(client, opened, jo, ken, ian):
    procurement, acme_v, _ = opened
    quality = procurement.criteria.get(kind="quality")
    for evaluator, value in ((jo, 4), (ken, 2)):
        a = actions.assign(procurement, evaluator, by=ian)
        actions.declare(a, by=evaluator, conflict=False)
        actions.score(a, acme_v, quality, value=value, justification=f"{evaluator.full_name} says {value}")
    sign_in(client, jo)
    jo_assignment = procurement.assignments.get(evaluator=jo)
    page = client.get(f"/evaluation/{jo_assignment.pk}/tenders/{acme_v.pk}").content.decode()
    assert "Jo Evans says 4" in page and "Ken Lowe says 2" not in page
    sign_in(client, ian)  # the moderator sees both
    page = client.get(f"/buying/{procurement.pk}/evaluation/moderate/{acme_v.pk}").content.decode()
    assert "Jo Evans says 4" in page and "Ken Lowe says 2" in page


def test_moderation_waits_for_every_evaluator(opened, jo, ken, ian):
    procurement, acme_v, _ = opened
    quality = procurement.criteria.get(kind="quality")
    for evaluator in (jo, ken):
        actions.declare(actions.assign(procurement, evaluator, by=ian), by=evaluator, conflict=False)
    actions.score(procurement.assignments.get(evaluator=jo), acme_v, quality, value=4, justification="Good")
    with pytest.raises(Conflict, match="Every evaluator must score"):
        actions.moderate(acme_v, quality, value=4, reason="Agreed", by=ian)


def test_a_failed_selection_question_excludes_with_its_reason(opened, jo, ian):
    procurement, acme_v, brightside_v = opened
    _evaluate(procurement, [acme_v, brightside_v], jo, ian, [4, 3])
    question = procurement.selection_questions.first()
    actions.mark_selection(
        brightside_v, question, passed=False, reason="Declared a mandatory exclusion", by=ian
    )
    lot1 = actions.results(procurement)[0]
    assert [x.version.response.supplier.name for x in lot1.ranked] == ["Acme Facilities Ltd"]
    excluded = next(x for x in lot1.lines if x.excluded)
    assert excluded.excluded == "Failed question 1: Declared a mandatory exclusion"
    with pytest.raises(DomainError, match="Give the reason for the fail"):
        actions.mark_selection(acme_v, question, passed=False, reason="", by=ian)


def test_each_supplier_sees_only_its_own_assessment_summary(client, opened, jo, ian, carol, acme, brightside):
    procurement, acme_v, brightside_v = opened
    _evaluate(procurement, [acme_v, brightside_v], jo, ian, [4, 3])
    actions.award(procurement, by=ian, winners={})
    sign_in(client, carol)
    own = client.get(f"/opportunities/{procurement.reference}/respond/{brightside.pk}/assessment")
    assert own.status_code == 200 and "Assessment summary for Brightside Cleaning Ltd" in own.content.decode()
    assert (
        client.get(f"/opportunities/{procurement.reference}/respond/{acme.pk}/assessment").status_code == 404
    )


def test_evaluator_pages_are_their_own(client, opened, jo, ken, ian, alice):
    procurement, acme_v, _ = opened
    assignment = actions.assign(procurement, jo, by=ian)
    for outsider in (ken, alice, ian):
        sign_in(client, outsider)
        assert client.get(f"/evaluation/{assignment.pk}/").status_code == 404
        assert client.get(f"/evaluation/{assignment.pk}/tenders/{acme_v.pk}").status_code == 404


def test_evaluation_management_is_for_the_authoritys_buyers(client, opened, jo, alice):
    procurement, acme_v, _ = opened
    sign_in(client, jo)
    assert client.get(f"/buying/{procurement.pk}/evaluation/").status_code == 403
    assert client.get(f"/buying/{procurement.pk}/evaluation/moderate/{acme_v.pk}").status_code == 403
    assert client.post(f"/buying/{procurement.pk}/evaluation/award").status_code == 403
    sign_in(client, alice)
    assert client.get(f"/buying/{procurement.pk}/evaluation/").status_code == 404


def test_the_standstill_skips_weekends_and_bank_holidays():
    # Award notice on Thursday 24 December 2026 at 16:00: 8 working days end on Friday 8 January 2027.
    ends = rules.standstill_ends_at(timezone.make_aware(timezone.datetime(2026, 12, 24, 16, 0)))
    assert timezone.localtime(ends).strftime("%Y-%m-%d %H:%M:%S") == "2027-01-08 23:59:59"


def test_the_whole_evaluation_through_the_pages(client, opened, jo, ian, helen):
    procurement, acme_v, brightside_v = opened
    quality = procurement.criteria.get(kind="quality")
    sign_in(client, ian)
    assert client.post(f"/buying/{procurement.pk}/evaluation/", {"user": jo.pk}).status_code == 302
    assert "Jo Evans" in client.get(f"/buying/{procurement.pk}/evaluation/").content.decode()
    assignment = procurement.assignments.get(evaluator=jo)
    sign_in(client, jo)
    assert client.get("/evaluation/").status_code == 200
    assert client.post(f"/evaluation/{assignment.pk}/", {"conflict": "no"}).status_code == 302
    assert "Tenders to score" in client.get(f"/evaluation/{assignment.pk}/").content.decode()
    for version, value in ((acme_v, "4"), (brightside_v, "3")):
        url = f"/evaluation/{assignment.pk}/tenders/{version.pk}"
        assert client.get(url).status_code == 200
        assert (
            client.post(
                url, {f"score_{quality.pk}": value, f"justification_{quality.pk}": "Fine"}
            ).status_code
            == 302
        )
    sign_in(client, ian)
    for version, value in ((acme_v, "4"), (brightside_v, "3")):
        base = f"/buying/{procurement.pk}/evaluation"
        marks = {f"pass_{q.pk}": "yes" for q in procurement.selection_questions.all()}
        assert client.get(f"{base}/selection/{version.pk}").status_code == 200
        assert client.post(f"{base}/selection/{version.pk}", marks).status_code == 302
        assert client.get(f"{base}/moderate/{version.pk}").status_code == 200
        response = client.post(
            f"{base}/moderate/{version.pk}", {f"agreed_{quality.pk}": value, f"reason_{quality.pk}": "Agreed"}
        )
        assert response.status_code == 302
    page = client.get(f"/buying/{procurement.pk}/evaluation/award")
    assert page.status_code == 200 and "80.000" in page.content.decode()
    assert client.post(f"/buying/{procurement.pk}/evaluation/award", {}).status_code == 302
    procurement.refresh_from_db()
    assert procurement.status == "awarded"
    dates = {"starts_on": "2027-04-01", "ends_on": "2029-03-31"}
    assert client.post(f"/buying/{procurement.pk}/contract", dates).status_code == 409
    with time_machine.travel(procurement.standstill_ends_at + timedelta(minutes=1), tick=False):
        sign_in(client, ian)
        assert client.get(f"/buying/{procurement.pk}/").status_code == 200
        refused = client.post(f"/buying/{procurement.pk}/contract", {"starts_on": "2027-04-01"})
        assert refused.status_code == 400 and "Enter the contract end date" in refused.content.decode()
        assert client.post(f"/buying/{procurement.pk}/contract", dates).status_code == 302
    procurement.refresh_from_db()
    assert procurement.status == "contracted"
