"""KPIs, period reports and their corrections, ratings, and the daily chase of late reports, through
the actions (the pages and the API call the same ones)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from tenderbox.audit.models import AuditEvent
from tenderbox.contracts.actions import terminate
from tenderbox.lib.errors import DomainError
from tenderbox.notifications.models import Message
from tenderbox.performance import actions
from tenderbox.performance.models import Kpi, KpiReport, PerformanceRating, ReportChase
from tenderbox.performance.tasks import chase_late_reports_task
from tenderbox.tenders.rules import UK_TIME


def at(*args):
    return time_machine.travel(datetime(*args, 9, 0, tzinfo=UK_TIME), tick=False)


def contract_kpi(contract, by, name="Calls answered within 20 seconds", period="monthly", **extra):
    fields = {"unit": "%", "target": Decimal("95"), "direction": "higher", **extra}
    return actions.define_kpi(by=by, contract=contract, name=name, period=period, **fields)


@pytest.fixture
def kpi(call_off, ian):
    with at(2026, 1, 5):
        return contract_kpi(call_off, ian)


def test_a_contract_kpi_is_set_with_an_audit_event(call_off, ian):
    kpi = contract_kpi(call_off, ian)
    assert (kpi.contract, kpi.framework, kpi.target, kpi.period, kpi.direction) == (
        call_off,
        None,
        Decimal("95"),
        "monthly",
        "higher",
    )
    event = AuditEvent.objects.get(verb="kpi.defined")
    assert (event.actor_id, event.organisation_id, event.object_id) == (
        ian.pk,
        call_off.buyer_id,
        str(kpi.pk),
    )


def test_a_framework_kpi_applies_to_every_call_off_and_nothing_else(
    ypo_framework, call_off, southmoor_call_off, rival_contract, yasmin
):
    kpi = actions.define_kpi(
        by=yasmin,
        framework=ypo_framework,
        name="Audit score",
        unit="%",
        target=90,
        period="quarterly",
        direction="higher",
    )
    own = contract_kpi(call_off, call_off.awarded_by)
    assert list(Kpi.objects.for_contract(call_off)) == [kpi, own]
    assert list(Kpi.objects.for_contract(southmoor_call_off)) == [kpi]
    assert list(Kpi.objects.for_contract(rival_contract)) == []


def test_no_kpi_is_set_on_a_terminated_contract(call_off, ian):
    terminate(call_off, by=ian, reason="Insolvency of the supplier.")
    call_off.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        contract_kpi(call_off, ian)
    assert (refused.value.status, refused.value.message) == (
        409,
        "This contract has terminated: KPIs can no longer be set.",
    )
    assert Kpi.objects.count() == 0


def test_a_report_and_its_correction_keep_one_row_and_audit_the_old_value(call_off, kpi, alice, bob):
    with at(2026, 2, 3):
        report, created = actions.report_kpi(
            call_off,
            kpi,
            period_start=date(2026, 1, 1),
            value=Decimal("93.5"),
            comment="Two staff off sick.",
            by=bob,
        )
    assert created and (report.period_start, report.period_end, report.value) == (
        date(2026, 1, 1),
        date(2026, 1, 31),
        Decimal("93.5"),
    )
    with at(2026, 2, 4):
        corrected, created = actions.report_kpi(
            call_off, kpi, period_start=date(2026, 1, 1), value=Decimal("96.1"), comment="", by=alice
        )
    assert not created and corrected.pk == report.pk
    report.refresh_from_db()
    assert (report.value, report.comment, report.reported_by, report.corrections) == (
        Decimal("96.10"),
        "",
        alice,
        1,
    )
    assert KpiReport.objects.count() == 1
    submitted, correction = AuditEvent.objects.filter(verb__startswith="kpi_report.").order_by("seq")
    assert (submitted.verb, correction.verb) == ("kpi_report.submitted", "kpi_report.corrected")
    assert correction.before == {"value": "93.50"}
    assert correction.after == {
        "kpi": kpi.pk,
        "contract": call_off.pk,
        "period": "2026-01-01",
        "value": "96.10",
    }


@pytest.mark.parametrize(
    ("today", "period_start", "message"),
    [
        ((2026, 1, 30), date(2026, 1, 1), "January 2026 can be reported from 31 January 2026, its last day."),
        ((2026, 3, 1), date(2026, 1, 15), "Choose one of the contract's reporting periods for this KPI."),
        ((2026, 3, 1), date(2025, 12, 1), "Choose one of the contract's reporting periods for this KPI."),
        ((2028, 3, 1), date(2028, 1, 1), "Choose one of the contract's reporting periods for this KPI."),
    ],
)
def test_a_report_for_a_period_that_is_not_over_or_not_real_is_refused(
    call_off, kpi, bob, today, period_start, message
):
    with at(*today), pytest.raises(DomainError) as refused:
        actions.report_kpi(call_off, kpi, period_start=period_start, value=Decimal("1"), by=bob)
    assert refused.value.message == message
    assert KpiReport.objects.count() == 0


def test_a_kpi_of_another_contract_cannot_be_reported_here(call_off, rival_contract, kpi, carol, brightside):
    with at(2026, 3, 1), pytest.raises(DomainError) as refused:
        actions.report_kpi(rival_contract, kpi, period_start=date(2026, 1, 1), value=Decimal("1"), by=carol)
    assert refused.value.message == "That KPI does not apply to this contract."
    assert KpiReport.objects.count() == 0


def test_after_termination_no_later_period_can_be_reported(call_off, kpi, ian, bob):
    with at(2026, 3, 10):
        terminate(call_off, by=ian, reason="Persistent failure to clean.")
    call_off.refresh_from_db()
    with at(2026, 4, 2):
        # March is cut to 1-10 March, the last day of performance; April does not exist.
        report, _ = actions.report_kpi(
            call_off, kpi, period_start=date(2026, 3, 1), value=Decimal("90"), by=bob
        )
        assert report.period_end == date(2026, 3, 10)
        with pytest.raises(DomainError):
            actions.report_kpi(call_off, kpi, period_start=date(2026, 4, 1), value=Decimal("90"), by=bob)


def test_a_rating_is_given_per_period_and_a_second_one_corrects_it(call_off, ian, helen):
    with at(2026, 4, 2):
        rating, created = actions.rate_performance(
            call_off,
            period_kind="quarterly",
            period_start=date(2026, 1, 1),
            rating="requires_improvement",
            feedback="Missed the calls target twice.",
            by=ian,
        )
        assert created and rating.period_end == date(2026, 3, 31)
        again, created = actions.rate_performance(
            call_off,
            period_kind="quarterly",
            period_start=date(2026, 1, 1),
            rating="approaching_target",
            feedback="Improved in March.",
            by=helen,
        )
    assert not created and again.pk == rating.pk
    rating.refresh_from_db()
    assert (rating.rating, rating.feedback, rating.rated_by, rating.corrections) == (
        "approaching_target",
        "Improved in March.",
        helen,
        1,
    )
    assert AuditEvent.objects.get(verb="performance.rating_corrected").before == {
        "rating": "requires_improvement"
    }


@pytest.mark.parametrize(
    ("kind", "start", "rating", "feedback", "message"),
    [
        (
            "quarterly",
            date(2026, 1, 1),
            "good",
            "  ",
            "Enter your feedback to the supplier: it explains the rating.",
        ),
        ("quarterly", date(2026, 1, 1), "excellent", "Fine.", "Choose a rating."),
        (
            "quarterly",
            date(2026, 4, 1),
            "good",
            "Fine.",
            "April to June 2026 can be rated from 30 June 2026, its last day.",
        ),
        (
            "monthly",
            date(2026, 1, 1),
            "good",
            "Fine.",
            "Choose one of the contract's quarters or financial years to rate.",
        ),
        (
            "quarterly",
            date(2026, 2, 1),
            "good",
            "Fine.",
            "Choose one of the contract's quarters or financial years to rate.",
        ),
    ],
)
def test_a_bad_rating_is_refused_and_nothing_is_saved(call_off, ian, kind, start, rating, feedback, message):
    with at(2026, 4, 2), pytest.raises(DomainError) as refused:
        actions.rate_performance(
            call_off, period_kind=kind, period_start=start, rating=rating, feedback=feedback, by=ian
        )
    assert refused.value.message == message
    assert PerformanceRating.objects.count() == 0


def test_a_late_report_is_chased_once_to_the_suppliers_admins_and_bidders(
    call_off, kpi, alice, bob, carol, brightside, ian
):
    # January's report is due on 14 February and 7 days late on 21 February.
    with at(2026, 2, 20):
        assert actions.chase_late_reports() == 0
    with at(2026, 2, 21):
        assert chase_late_reports_task.call() == 1
        assert actions.chase_late_reports() == 0  # a second run sends nothing
    messages = Message.objects.filter(purpose="kpi_reporting").order_by("to_email")
    assert [m.to_email for m in messages] == ["alice@acme.example", "bob@acme.example"]
    assert messages[0].subject == (
        f"KPI report overdue: Calls answered within 20 seconds, January 2026 ({call_off.reference})"
    )
    body = messages[0].body
    assert "Hello Alice Green," in body
    assert "KPI: Calls answered within 20 seconds (target 95%, higher is better)" in body
    assert "The report was due on 14 February 2026 and is 7 days late." in body
    assert f"/performance/contracts/{call_off.pk}/kpis/{kpi.pk}/report?period=2026-01-01" in body
    assert list(ReportChase.objects.values_list("period_start", flat=True)) == [date(2026, 1, 1)]


def test_a_reported_period_and_one_before_the_kpi_existed_are_not_chased(call_off, ian, bob):
    with at(2026, 2, 10):
        kpi = contract_kpi(call_off, ian)  # January ended before it was set: not owed
    with at(2026, 3, 2):
        actions.report_kpi(call_off, kpi, period_start=date(2026, 2, 1), value=Decimal("97"), by=bob)
    with at(2026, 4, 30):
        # February is reported; March (due 14 April) is chased; January never is.
        assert actions.chase_late_reports() == 1
    assert list(ReportChase.objects.values_list("period_start", flat=True)) == [date(2026, 3, 1)]
    assert Message.objects.filter(purpose="kpi_reporting").count() == 2  # Alice and Bob


def test_a_framework_kpi_is_chased_on_each_call_off_and_a_long_ended_contract_is_not(
    ypo_framework, call_off, southmoor_call_off, yasmin, alice
):
    with at(2026, 3, 5):
        actions.define_kpi(
            by=yasmin,
            framework=ypo_framework,
            name="Audit",
            unit="%",
            target=90,
            period="quarterly",
            direction="higher",
        )
    # January to March is due on 14 April and chased from 21 April, on both call-offs.
    with at(2026, 4, 21):
        assert actions.chase_late_reports() == 2
    assert sorted(ReportChase.objects.values_list("contract__reference", flat=True)) == sorted(
        [call_off.reference, southmoor_call_off.reference]
    )
    # Long after both contracts ended (31 December 2027) the job no longer looks at them.
    ReportChase.objects.all().delete()
    with at(2028, 3, 1):
        assert actions.chase_late_reports() == 0
