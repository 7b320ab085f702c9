"""Rules for spend, management-information (MI) returns and fees, as pure functions: no database.

Every number here is a choice Tenderbox makes for its frameworks (the framework's call-off terms
normally say the same); each is in one place so that a framework with other terms is a change here.
"""

from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from tenderbox.lib.dates import add_months, working_days_beginning_with

# A supplier's MI return for a month is due by the end of the 10th working day of the next month.
# Working days as PA23 s.123 counts them (no weekends, Christmas Day, Good Friday or any UK bank
# holiday), so a return is never due on a day a supplier in any nation is on holiday. Central
# purchasing bodies ask for MI between the 5th and the 10th working day; the 10th gives suppliers
# whose own month-end close takes a week room to send a correct return first time.
MI_DUE_WORKING_DAY = 10

# The buyer is warned when the spend recorded against a contract reaches these shares of its value
# (percent): first with room to plan a variation or a new procurement (PA23 s.74-77), then when the
# value is reached, before spend passes it.
WARNING_THRESHOLDS = (80, 100)

# VAT can never be more than the standard rate of the net amount (VATA 1994 s.2: 20%); a line with
# more is a typing error (often gross and net swapped). One penny of rounding is allowed.
MAX_VAT_RATE = Decimal("0.20")

# The largest amount a line may hold: the database keeps 14 digits with 2 decimals.
MAX_AMOUNT = Decimal("999999999999.99")


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(period: date) -> date:
    return add_months(month_start(period), 1) - timedelta(days=1)


def previous_period(today: date) -> date:
    return add_months(month_start(today), -1)


def return_due_on(period: date) -> date:
    """The last day a return for `period` (a month) is on time: the 10th working day after it."""
    return working_days_beginning_with(add_months(month_start(period), 1), MI_DUE_WORKING_DAY)


def is_overdue(period: date, today: date) -> bool:
    return today > return_due_on(period)


def can_return_for(period: date, today: date) -> bool:
    """A month's return is sent once the month has ended: its spend is then complete."""
    return month_start(period) < month_start(today)


def periods_between(first: date, last: date) -> list[date]:
    """Every month from the one holding `first` to the one holding `last`, both included."""
    periods, current, end = [], month_start(first), month_start(last)
    while current <= end:
        periods.append(current)
        current = add_months(current, 1)
    return periods


def periods_due(*, starts_on: date, ends_on: date, today: date) -> list[date]:
    """The months of a contract's term whose return should have arrived by `today`."""
    last = min(month_start(ends_on), previous_period(today))
    return [p for p in periods_between(starts_on, last) if is_overdue(p, today)]


def thresholds_reached(spent: Decimal, value: Decimal) -> list[int]:
    """The warning thresholds (percent) that spend has reached against the contract's value."""
    if value <= 0:
        return []
    return [t for t in WARNING_THRESHOLDS if spent * 100 >= value * t]


def percent_of(spent: Decimal, value: Decimal) -> Decimal:
    """The share spent, to one decimal place, rounded down: 79.96% shows as 79.9%, never as an 80.0%
    that has not been reached (the warnings compare exactly)."""
    if value <= 0:
        return Decimal("0")
    return (spent * 100 / value).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def check_vat(amount: Decimal, vat: Decimal) -> str | None:
    """Why a line's VAT cannot be right, or None. A credit note is negative, and so is its VAT."""
    if amount > 0 and vat < 0:
        return "VAT cannot be negative on an invoice (a credit note has a negative amount and VAT)"
    if amount < 0 and vat > 0:
        return "VAT on a credit note (a negative amount) must be negative or 0"
    if abs(vat) > abs(amount) * MAX_VAT_RATE + Decimal("0.01"):
        return "VAT is more than 20% of the amount: check the net and VAT columns are not swapped"
    return None
