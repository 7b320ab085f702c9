"""The pure rules of contract performance: reporting periods, deadlines and chasing, PA23 s.52's KPI
minimum and s.71's assessment interval."""

from datetime import date
from decimal import Decimal

import pytest

from tenderbox.performance import rules
from tenderbox.performance.rules import Period


def spans(periods):
    return [(p.starts_on.isoformat(), p.ends_on.isoformat()) for p in periods]


def test_monthly_periods_are_calendar_months_cut_to_the_contract():
    periods = rules.contract_periods(rules.MONTHLY, date(2026, 1, 15), date(2026, 4, 10))
    assert spans(periods) == [
        ("2026-01-15", "2026-01-31"),
        ("2026-02-01", "2026-02-28"),
        ("2026-03-01", "2026-03-31"),
        ("2026-04-01", "2026-04-10"),
    ]
    assert [p.label for p in periods] == ["January 2026", "February 2026", "March 2026", "April 2026"]
    assert periods[0].short_label == "Jan 2026"


def test_a_leap_february_has_29_days():
    (feb,) = rules.contract_periods(rules.MONTHLY, date(2028, 2, 1), date(2028, 2, 29))
    assert (feb.starts_on, feb.ends_on) == (date(2028, 2, 1), date(2028, 2, 29))


def test_quarterly_periods_are_calendar_quarters():
    periods = rules.contract_periods(rules.QUARTERLY, date(2025, 11, 3), date(2026, 8, 31))
    assert spans(periods) == [
        ("2025-11-03", "2025-12-31"),
        ("2026-01-01", "2026-03-31"),
        ("2026-04-01", "2026-06-30"),
        ("2026-07-01", "2026-08-31"),
    ]
    assert [p.label for p in periods] == [
        "November to December 2025",
        "January to March 2026",
        "April to June 2026",
        "July to August 2026",
    ]
    assert [p.short_label for p in periods] == ["Q4 2025", "Q1 2026", "Q2 2026", "Q3 2026"]


def test_annual_periods_are_uk_financial_years():
    periods = rules.contract_periods(rules.ANNUAL, date(2026, 1, 1), date(2027, 12, 31))
    assert spans(periods) == [
        ("2026-01-01", "2026-03-31"),
        ("2026-04-01", "2027-03-31"),
        ("2027-04-01", "2027-12-31"),
    ]
    assert [p.label for p in periods] == ["2025 to 2026", "2026 to 2027", "2027 to 2028"]
    assert periods[1].short_label == "FY 2026-27"


def test_a_one_day_contract_has_one_period_and_a_backwards_one_none():
    assert spans(rules.contract_periods(rules.MONTHLY, date(2026, 5, 5), date(2026, 5, 5))) == [
        ("2026-05-05", "2026-05-05")
    ]
    assert rules.contract_periods(rules.MONTHLY, date(2026, 5, 5), date(2026, 5, 4)) == []


def test_an_unknown_period_kind_is_an_error():
    with pytest.raises(ValueError):
        rules.period_bounds("weekly", date(2026, 1, 1))


def test_find_period_accepts_only_a_real_period_start():
    found = rules.find_period(rules.MONTHLY, date(2026, 1, 15), date(2026, 6, 30), date(2026, 1, 15))
    assert found == Period(date(2026, 1, 15), date(2026, 1, 31), rules.MONTHLY)
    assert rules.find_period(rules.MONTHLY, date(2026, 1, 15), date(2026, 6, 30), date(2026, 1, 1)) is None
    assert rules.find_period(rules.MONTHLY, date(2026, 1, 15), date(2026, 6, 30), date(2026, 7, 1)) is None


def test_a_period_is_reportable_from_its_last_day_and_due_14_days_after():
    period = Period(date(2026, 3, 1), date(2026, 3, 31), rules.MONTHLY)
    assert not rules.is_reportable(period, date(2026, 3, 30))
    assert rules.is_reportable(period, date(2026, 3, 31))
    assert period.due_on == date(2026, 4, 14)
    assert rules.days_late(period, date(2026, 4, 14)) == 0
    assert rules.days_late(period, date(2026, 4, 21)) == 7


def test_chasing_starts_seven_days_late_and_skips_periods_before_the_kpi():
    kwargs = {"kpi_set_on": date(2026, 2, 10)}
    # January ended before the KPI was set: not owed. February is due 14 March, 7 days late on 21 March.
    assert (
        rules.periods_to_chase(
            rules.MONTHLY, date(2026, 1, 1), date(2026, 12, 31), today=date(2026, 3, 20), **kwargs
        )
        == []
    )
    chased = rules.periods_to_chase(
        rules.MONTHLY, date(2026, 1, 1), date(2026, 12, 31), today=date(2026, 3, 21), **kwargs
    )
    assert spans(chased) == [("2026-02-01", "2026-02-28")]


@pytest.mark.parametrize(
    ("value_excl_vat", "required"),
    [
        # £5 million including VAT at the standard rate is £4,166,666.67 excluding it.
        (Decimal("4166666.66"), 0),
        (Decimal("4166666.67"), 3),  # £5,000,000.00 exactly: not "more than"
        (Decimal("4166666.68"), 3),
        (Decimal("12000000"), 3),
    ],
)
def test_s52_needs_three_kpis_over_five_million_including_vat(value_excl_vat, required):
    if value_excl_vat == Decimal("4166666.67"):
        assert rules.estimated_value_incl_vat(value_excl_vat) == Decimal("5000000.00")
        required = 0
    assert rules.kpis_required(value_excl_vat) == required


def test_the_kpi_warning_says_how_many_are_missing():
    big = Decimal("6000000")
    assert rules.kpi_warning(Decimal("100000"), 0) is None
    assert rules.kpi_warning(big, 3) is None
    assert rules.kpi_warning(big, 4) is None
    assert rules.kpi_shortfall(big, 1) == 2
    assert rules.kpi_warning(big, 0) == (
        "This contract is worth over £5 million including VAT, so the Procurement Act 2023 (section 52) "
        "requires at least 3 key performance indicators, unless performance cannot be assessed by KPIs. "
        "It has no KPIs: set 3 more."
    )
    assert rules.kpi_warning(big, 1).endswith("It has only 1 KPI: set 2 more.")
    assert rules.kpi_warning(big, 2).endswith("It has only 2 KPIs: set 1 more.")


def test_meeting_the_target_depends_on_the_direction():
    assert rules.meets_target(Decimal("95"), Decimal("95"), rules.HIGHER)
    assert not rules.meets_target(Decimal("94.99"), Decimal("95"), rules.HIGHER)
    assert rules.meets_target(Decimal("2"), Decimal("3"), rules.LOWER)
    assert not rules.meets_target(Decimal("3.01"), Decimal("3"), rules.LOWER)


def test_s71_assessment_is_due_twelve_months_after_the_last():
    assert rules.assessment_due_by(date(2026, 1, 31), None) == date(2027, 1, 31)
    assert rules.assessment_due_by(date(2026, 1, 31), date(2028, 2, 29)) == date(2029, 2, 28)


def test_the_chase_looks_back_52_days_past_a_contracts_end():
    assert rules.chase_horizon(date(2026, 3, 31)) == date(2026, 2, 7)
