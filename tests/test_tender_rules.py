"""The Procurement Act 2023 rules in tenders/rules.py: thresholds, periods, weights."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tenderbox.tenders import rules


@pytest.mark.parametrize(
    ("authority", "category", "value", "on", "above"),
    [
        ("local_authority", "services", "207720", date(2026, 1, 1), True),
        ("local_authority", "services", "207719.99", date(2026, 1, 1), False),
        ("local_authority", "services", "207720", date(2025, 12, 31), False),  # the old figure, £214,904
        ("nhs", "goods", "135018", date(2026, 6, 1), True),
        ("central_government", "services", "135017.99", date(2026, 6, 1), False),
        ("local_authority", "works", "5192999.99", date(2026, 6, 1), False),
        ("nhs", "works", "5193000", date(2026, 6, 1), True),
    ],
)
def test_thresholds_depend_on_authority_category_and_date(authority, category, value, on, above):
    assert (
        rules.is_above_threshold(
            value_incl_vat=Decimal(value),
            authority_type=authority,
            category=category,
            light_touch=False,
            on=on,
        )
        is above
    )


def test_thresholds_compare_the_value_including_vat():
    assert rules.vat_inclusive(Decimal("173100.00"), Decimal("34620.00")) == Decimal("207720.00")


def test_light_touch_services_have_their_own_threshold():
    assert rules.threshold_for(
        authority_type="local_authority", category="services", light_touch=True, on=date(2026, 6, 1)
    ) == Decimal("663540")


def test_regulated_below_threshold_contracts():
    assert rules.is_regulated_below_threshold(value_incl_vat=Decimal("12000"), authority_type="nhs")
    assert not rules.is_regulated_below_threshold(
        value_incl_vat=Decimal("29999.99"), authority_type="local_authority"
    )


@pytest.mark.parametrize(
    ("kwargs", "days"),
    [
        ({"procedure": "open", "documents_with_notice": True}, 25),
        ({"procedure": "open", "documents_with_notice": False}, 30),
        ({"procedure": "competitive_flexible", "documents_with_notice": True}, 25),
        ({"procedure": "open", "documents_with_notice": True, "urgent": True}, 10),
        ({"procedure": "open", "documents_with_notice": True, "planned_notice": True}, 10),
        ({"procedure": "open", "documents_with_notice": True, "light_touch": True}, 10),
    ],
)
def test_minimum_tendering_periods(kwargs, days):
    base = {"above_threshold": True, "light_touch": False, "urgent": False, "planned_notice": False}
    assert rules.minimum_tendering_days(**{**base, **kwargs})[0] == days


def _timetable(deadline_days, **extra):
    publish = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    return rules.check_timetable(
        publish_at=publish,
        clarification_deadline=publish + timedelta(days=5),
        submission_deadline=publish + timedelta(days=deadline_days, **extra),
        expected_award_date=date(2027, 1, 30),
        contract_start=date(2027, 2, 1),
        contract_end=date(2028, 2, 1),
        minimum_days=25,
        minimum_rule="PA23 s.54(3): 25 days",
    )


def test_a_timetable_one_second_short_of_the_minimum_is_refused_with_the_rule_and_date():
    problems = _timetable(25, seconds=-1)
    assert [p.field for p in problems] == ["submission_deadline"]
    assert problems[0].message == (
        "The deadline for tenders must be on or after 20 December 2026 at 09:00: PA23 s.54(3): 25 days, "
        "counted from publication on 25 November 2026 at 09:00."
    )


def test_a_timetable_of_exactly_the_minimum_is_accepted():
    assert _timetable(25) == []


def test_weights_must_add_up_to_100():
    assert rules.check_weights([60, 40]) == []
    assert rules.check_weights([60, 30])[0].message == (
        "The award criteria weights add up to 90%: they must add up to 100%."
    )
    assert rules.check_weights([])[0].message == "Add at least one award criterion."


def test_quick_quote_is_refused_above_threshold():
    problems = rules.check_procedure(procedure="quick_quote", above_threshold=True, regime="pa23")
    assert [p.field for p in problems] == ["procedure"]
