"""UK working days (PA23 s.123), across bank holidays of every nation."""

from datetime import date

from tenderbox.lib.dates import is_working_day, working_days_beginning_with


def test_weekends_and_bank_holidays_of_any_nation_are_not_working_days():
    assert is_working_day(date(2026, 11, 25))  # a Wednesday
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 4, 3))  # Good Friday
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day
    assert not is_working_day(date(2026, 3, 17))  # St Patrick's Day: Northern Ireland only
    assert not is_working_day(date(2026, 11, 30))  # St Andrew's Day: Scotland only
    assert not is_working_day(date(2026, 1, 2))  # 2 January: Scotland only


def test_a_standstill_across_easter_counts_eight_working_days():
    # Award notice on Wednesday 1 April 2026: Good Friday 3 April and Easter Monday 6 April do not count.
    # Working days: 1, 2, 7, 8, 9, 10, 13, 14 April.
    assert working_days_beginning_with(date(2026, 4, 1), 8) == date(2026, 4, 14)


def test_a_standstill_across_christmas_counts_eight_working_days():
    # From Thursday 24 December 2026: 25 Dec (Christmas), 26-27 weekend, 28 Dec (Boxing Day
    # substitute), 1 Jan 2027, 2-3 Jan weekend, 4 Jan (Scotland's substitute for 2 January).
    # Working days: 24, 29, 30, 31 Dec; 5, 6, 7, 8 Jan.
    assert working_days_beginning_with(date(2026, 12, 24), 8) == date(2027, 1, 8)


def test_a_period_starting_on_a_weekend_begins_on_the_next_working_day():
    # Saturday 28 November 2026; Monday 30th is St Andrew's Day (Scotland), so Tuesday 1 December.
    assert working_days_beginning_with(date(2026, 11, 28), 1) == date(2026, 12, 1)
