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


# Calendar months for retention periods ------------------------------------------------------------
def test_add_months_keeps_the_day_of_the_month():
    from tenderbox.lib.dates import add_months

    assert add_months(date(2026, 3, 15), 12) == date(2027, 3, 15)
    assert add_months(date(2026, 3, 15), 84) == date(2033, 3, 15)
    assert add_months(date(2026, 11, 30), 2) == date(2027, 1, 30)
    assert add_months(date(2026, 3, 15), -3) == date(2025, 12, 15)
    assert add_months(date(2026, 3, 15), 0) == date(2026, 3, 15)


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    from tenderbox.lib.dates import add_months

    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # leap year
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 5, 31), -3) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 31), 1) == date(2026, 9, 30)


def test_latest_start_ended_by_is_exact_around_month_ends():
    from datetime import timedelta

    from tenderbox.lib.dates import add_months, latest_start_ended_by

    assert latest_start_ended_by(date(2026, 3, 1), 12) == date(2025, 3, 1)
    # 29 February 2024 + 12 months is 28 February 2025: it has ended by then.
    assert latest_start_ended_by(date(2025, 2, 28), 12) == date(2024, 2, 29)
    # 29, 30 and 31 May + 9 months all clamp to 28 February 2027 (not a leap year).
    assert latest_start_ended_by(date(2027, 2, 28), 9) == date(2026, 5, 31)
    for months in (1, 12, 36, 84):
        day = date(2026, 1, 1)
        while day < date(2028, 12, 31):
            latest = latest_start_ended_by(day, months)
            assert add_months(latest, months) <= day < add_months(latest + timedelta(days=1), months)
            day += timedelta(days=13)
