"""UK working days, and calendar months for retention periods.

Procurement Act 2023 s.123: a "working day" is any day other than a Saturday, a Sunday, Christmas
Day, Good Friday or a bank holiday in any part of the United Kingdom. Bank holidays come from the
`holidays` package for each nation (England, Wales, Scotland, Northern Ireland), united.
"""

import calendar
from datetime import date, datetime, time, timedelta
from functools import cache

import holidays
from django.utils import timezone

UK_NATIONS = ("ENG", "WLS", "SCT", "NIR")


@cache
def _nation_holidays(nation: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=nation, years=year))


@cache
def uk_non_working_holidays(year: int) -> frozenset[date]:
    """Bank holidays in any part of the UK, plus Christmas Day and Good Friday (s.123)."""
    days = set()
    for nation in UK_NATIONS:
        days |= _nation_holidays(nation, year)
    days.add(date(year, 12, 25))
    return frozenset(days)


def nation_holidays(nation: str, year: int) -> frozenset[date]:
    """Bank holidays of one nation (ENG, WLS, SCT or NIR): the data-rights clock moves by these."""
    return _nation_holidays(nation, year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in uk_non_working_holidays(day.year)


def working_days_beginning_with(start: date, count: int) -> date:
    """The last day of a period of `count` working days beginning with `start` (counted if it is a
    working day), as PA23 s.51 counts the standstill period."""
    if count < 1:
        raise ValueError("A period has at least one working day.")
    day = start
    seen = 0
    while True:
        if is_working_day(day):
            seen += 1
            if seen == count:
                return day
        day += timedelta(days=1)


def end_of_day(day: date) -> datetime:
    """The last instant of a UK calendar day, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.max), timezone.get_default_timezone())


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def start_of_day(day: date) -> datetime:
    """The first instant of a UK calendar day, as an aware datetime (midnight always exists in the UK)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (earlier when negative), clamped to the month's end:
    31 January + 1 month is 28 (or 29) February; 29 February + 12 months is 28 February."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_start_ended_by(day: date, months: int) -> date:
    """The latest day a period of `months` months can start on and have ended by `day`, that is the
    largest `start` with `add_months(start, months) <= day`. Because add_months never goes backwards,
    every earlier start has ended too, so a database filter `start <= this` finds exactly the periods
    that have run out. Clamping makes up to three later starts land on the same month end."""
    latest = add_months(day, -months)
    while add_months(latest + timedelta(days=1), months) <= day:
        latest += timedelta(days=1)
    return latest
