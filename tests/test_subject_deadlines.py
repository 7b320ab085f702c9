"""The data-request clock (privacy/rules.py): the earlier of the policy's 30 days and the statutory
month moved off weekends and the nation's bank holidays; pauses; one extension of up to two months."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tenderbox.lib.dates import add_months
from tenderbox.privacy import rules
from tenderbox.privacy.rules import ClockState, Nation, Pause

NATIONS = st.sampled_from(list(Nation))
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))


@pytest.mark.parametrize(
    ("received", "nation", "due"),
    [
        # 31 January: the statutory month ends on February's last day, earlier than 30 days.
        (date(2024, 1, 31), Nation.ENGLAND, date(2024, 2, 29)),  # leap year
        (date(2025, 1, 31), Nation.ENGLAND, date(2025, 2, 28)),
        (date(2025, 1, 29), Nation.ENGLAND, date(2025, 2, 28)),  # 29 February does not exist in 2025
        # 30 January 2027: 28 February is a Sunday, so the month ends on Monday 1 March = 30 days.
        (date(2027, 1, 30), Nation.ENGLAND, date(2027, 3, 1)),
        # St Patrick's Day is a bank holiday in Northern Ireland only.
        (date(2026, 2, 17), Nation.ENGLAND, date(2026, 3, 17)),
        (date(2026, 2, 17), Nation.NORTHERN_IRELAND, date(2026, 3, 18)),
        # In 31-day months the policy's 30 days come first, even onto a bank holiday.
        (date(2025, 12, 2), Nation.SCOTLAND, date(2026, 1, 1)),
        (date(2026, 3, 31), Nation.ENGLAND, date(2026, 4, 30)),
    ],
)
def test_the_deadline_is_the_earlier_of_30_days_and_the_calendar_month(received, nation, due):
    assert rules.due_date(received, nation) == due


def test_an_extension_counts_from_the_statutory_month_and_the_nations_holidays():
    # 30 September + 1 + 1 months = 30 November 2026, St Andrew's Day (a Scottish bank holiday).
    assert rules.due_date(date(2026, 9, 30), Nation.ENGLAND, extension_months=1) == date(2026, 11, 30)
    assert rules.due_date(date(2026, 9, 30), Nation.SCOTLAND, extension_months=1) == date(2026, 12, 1)
    # + 2 months: 30 December.
    assert rules.due_date(date(2026, 9, 30), Nation.SCOTLAND, extension_months=2) == date(2026, 12, 30)


def test_a_pause_adds_the_days_waited_and_an_open_pause_stops_the_clock():
    received = date(2026, 3, 2)  # due 1 April (30 days; the month gives 2 April)
    assert rules.due_date(received, Nation.ENGLAND) == date(2026, 4, 1)
    waited = [Pause(date(2026, 3, 5), date(2026, 3, 15))]
    assert rules.due_date(received, Nation.ENGLAND, waited) == date(2026, 4, 11)
    assert rules.due_date(received, Nation.ENGLAND, [Pause(date(2026, 3, 5))]) is None


@given(DAYS, NATIONS)
def test_the_statutory_date_is_the_first_working_day_from_the_same_date_next_month(received, nation):
    due = rules.statutory_due(received, nation)
    same_date = add_months(received, 1)
    assert due >= same_date
    assert rules.is_working_day(due, nation)
    assert due.weekday() < 5
    day = same_date
    while day < due:  # every day skipped is a weekend or a bank holiday of the nation
        assert not rules.is_working_day(day, nation)
        day += timedelta(days=1)
    # The month never runs short: at least 28 days, at most a month plus a long weekend.
    assert 28 <= (due - received).days <= 31 + 5


@given(DAYS, NATIONS)
def test_the_deadline_is_never_later_than_the_policy_or_the_law(received, nation):
    due = rules.due_date(received, nation)
    assert due == min(received + timedelta(days=30), rules.statutory_due(received, nation))
    assert due <= received + timedelta(days=30)


@given(DAYS, NATIONS, st.integers(0, 60), st.integers(0, 60))
def test_pauses_move_the_deadline_by_the_days_waited(received, nation, start, length):
    pause = Pause(received + timedelta(days=start), received + timedelta(days=start + length))
    due = rules.due_date(received, nation, [pause])
    assert due >= rules.due_date(received, nation)
    assert due == min(
        received + timedelta(days=30 + length), rules.statutory_due(received, nation, extra_days=length)
    )
    # Two overlapping pauses count each day once.
    again = Pause(pause.start, pause.end)
    assert rules.due_date(received, nation, [pause, again]) == due


@given(DAYS, NATIONS, st.sampled_from([1, 2]))
def test_an_extension_adds_at_most_two_months(received, nation, months):
    extended = rules.due_date(received, nation, extension_months=months)
    assert extended > rules.due_date(received, nation)
    assert rules.is_working_day(extended, nation)
    assert extended >= add_months(received, 1 + months)
    assert extended <= rules.next_working_day(add_months(received, 3), nation)


def test_only_two_months_of_extension():
    with pytest.raises(ValueError):
        rules.due_date(date(2026, 1, 5), Nation.ENGLAND, extension_months=3)


def test_an_extension_is_once_with_reasons_within_the_first_month():
    base = {
        "received": date(2026, 3, 2),
        "nation": Nation.ENGLAND,
        "pauses": [],
        "months": 2,
        "reasons": "Ten years of records",
    }
    assert rules.extension_refusal(**base, today=date(2026, 4, 1), already_extended=False) is None
    assert rules.extension_refusal(**base, today=date(2026, 4, 2), already_extended=False) == (
        "The first month ended on 1 April 2026: an extension had to be told before then."
    )
    assert rules.extension_refusal(**base, today=date(2026, 3, 10), already_extended=True) == (
        "This request has already been extended: it can be extended only once."
    )
    assert rules.extension_refusal(
        **{**base, "months": 3}, today=date(2026, 3, 10), already_extended=False
    ) == ("Choose an extension of 1 or 2 months.")
    assert rules.extension_refusal(
        **{**base, "reasons": " "}, today=date(2026, 3, 10), already_extended=False
    ) == ("Give the reasons for the extension: the person is told them.")


def test_the_queue_state_warns_a_week_before_and_flags_overdue():
    due = date(2026, 4, 1)
    assert rules.clock_state(None, due) == ClockState.PAUSED
    assert rules.clock_state(due, date(2026, 3, 24)) == ClockState.DUE
    assert rules.clock_state(due, date(2026, 3, 25)) == ClockState.WARNING
    assert rules.clock_state(due, due) == ClockState.WARNING
    assert rules.clock_state(due, date(2026, 4, 2)) == ClockState.OVERDUE


def test_fees_only_on_a_ground_with_reasons():
    assert rules.fee_refusal(ground="further_copy", amount=Decimal("10.00"), reason="2 hours at £5") is None
    assert rules.fee_refusal(ground="because", amount=Decimal("10"), reason="x") == (
        "Choose the ground for the fee: a fee is allowed only for these."
    )
    assert rules.fee_refusal(ground="manifestly_excessive", amount=Decimal("0"), reason="x") == (
        "Enter a fee of more than £0."
    )
    assert rules.fee_refusal(ground="manifestly_excessive", amount=Decimal("1.005"), reason="x") == (
        "Enter the fee in pounds and pence."
    )


def test_a_repeat_is_an_access_request_within_90_days_of_the_last_answer():
    assert rules.is_possible_repeat(date(2026, 5, 1), [date(2026, 3, 1)])
    assert not rules.is_possible_repeat(date(2026, 6, 1), [date(2026, 3, 1)])


def test_an_organisations_region_gives_the_nation():
    assert rules.nation_of_region("TLM") == Nation.SCOTLAND
    assert rules.nation_of_region("TLN") == Nation.NORTHERN_IRELAND
    assert rules.nation_of_region("TLL") == Nation.WALES
    assert rules.nation_of_region("TLE") == Nation.ENGLAND
