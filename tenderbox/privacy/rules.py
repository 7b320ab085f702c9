"""Data-subject request rules as pure functions: the deadline clock, pauses, the extension, fees.

No database here: `privacy/requests.py` feeds these the dates it has stored.

The deadline (UK GDPR Art. 12(3); ICO guidance "Time limits for responding"): without undue delay
and at the latest one calendar month from the day of receipt. The month ends on the same date in the
next month; where that date does not exist, on the last day of that month; and where the end falls on
a weekend or a bank holiday, on the next working day. The privacy policy (7.3) promises 30 days, so
the date we hold ourselves to is the earlier of receipt + 30 days and the statutory date. Bank
holidays are those of the person's UK nation (England and Wales, Scotland and Northern Ireland each
have their own).

The clock stops while we wait for identity evidence, a clarification we need, or a fee (Art. 12(5),
(6); ICO): time already used is kept, and the days waited are added. It is never stopped for our own
delay. It may be extended once, by up to two further months, where requests are complex or numerous
(Art. 12(3)), with the reasons told to the person within the first month.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from tenderbox.lib.dates import add_months, nation_holidays

POLICY_DAYS = 30  # privacy policy 7.3: "within 30 days"
MAX_EXTENSION_MONTHS = 2  # Art. 12(3)
WARN_DAYS = 7  # the privacy officer's queue warns this many days before a deadline
REPEAT_WINDOW_DAYS = 90  # an access request this soon after the last one answered may be a repeat


class Nation(StrEnum):
    """UK nations by their bank holidays (the `holidays` package's subdivision codes)."""

    ENGLAND = "ENG"
    WALES = "WLS"
    SCOTLAND = "SCT"
    NORTHERN_IRELAND = "NIR"

    @property
    def label(self) -> str:
        return {
            "ENG": "England",
            "WLS": "Wales",
            "SCT": "Scotland",
            "NIR": "Northern Ireland",
        }[self.value]


# ITL level-1 regions outside England (an organisation's region gives a person's nation by default).
_NATION_OF_REGION = {"TLL": Nation.WALES, "TLM": Nation.SCOTLAND, "TLN": Nation.NORTHERN_IRELAND}


def nation_of_region(region: str) -> Nation:
    return _NATION_OF_REGION.get((region or "").upper(), Nation.ENGLAND)


def is_working_day(day: date, nation: Nation | str) -> bool:
    return day.weekday() < 5 and day not in nation_holidays(str(nation), day.year)


def next_working_day(day: date, nation: Nation | str) -> date:
    """`day` itself if it is a working day in `nation`, else the first working day after it."""
    while not is_working_day(day, nation):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class Pause:
    """The clock stopped on `start` and restarted on `end` (None: still stopped)."""

    start: date
    end: date | None = None

    @property
    def days(self) -> int:
        return 0 if self.end is None else max((self.end - self.start).days, 0)


def paused_days(pauses: Iterable[Pause]) -> int:
    """Days the clock stood still, over ended pauses (overlapping pauses count once)."""
    days: set[date] = set()
    for pause in pauses:
        if pause.end is None:
            continue
        days.update(pause.start + timedelta(days=n) for n in range(pause.days))
    return len(days)


def is_paused(pauses: Iterable[Pause]) -> bool:
    return any(p.end is None for p in pauses)


def statutory_due(received: date, nation: Nation | str, *, extra_days: int = 0, months: int = 1) -> date:
    """One calendar month (or `months`) from receipt, plus days paused, moved off weekends and the
    nation's bank holidays (Art. 12(3); ICO: same date next month, else the month's last day)."""
    return next_working_day(add_months(received, months) + timedelta(days=extra_days), nation)


def policy_due(received: date, *, extra_days: int = 0) -> date:
    """The policy's promise (7.3): 30 days from receipt, plus days paused."""
    return received + timedelta(days=POLICY_DAYS + extra_days)


def due_date(
    received: date, nation: Nation | str, pauses: Iterable[Pause] = (), extension_months: int = 0
) -> date | None:
    """The day the response is due; None while the clock is stopped.

    Unextended: the earlier of the policy's 30 days and the statutory month. Extended: the statutory
    month plus the extension (the policy's promise was then told to give way, with reasons)."""
    pauses = tuple(pauses)
    if is_paused(pauses):
        return None
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(f"An extension is of 0 to {MAX_EXTENSION_MONTHS} months.")
    extra = paused_days(pauses)
    if extension_months:
        return statutory_due(received, nation, extra_days=extra, months=1 + extension_months)
    return min(policy_due(received, extra_days=extra), statutory_due(received, nation, extra_days=extra))


def extension_refusal(
    *,
    received: date,
    nation: Nation | str,
    pauses: Iterable[Pause],
    months: int,
    reasons: str,
    today: date,
    already_extended: bool,
) -> str | None:
    """Why an extension may not be made now, or None when it may (Art. 12(3)): once only, by one or two
    months, with reasons, told to the person within the first month (before the unextended due date)."""
    if already_extended:
        return "This request has already been extended: it can be extended only once."
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        return "Choose an extension of 1 or 2 months."
    if not reasons.strip():
        return "Give the reasons for the extension: the person is told them."
    due = due_date(received, nation, pauses)
    if due is None:
        return "The clock is stopped: restart it before extending."
    if today > due:
        return f"The first month ended on {due:%-d %B %Y}: an extension had to be told before then."
    return None


class ClockState(StrEnum):
    PAUSED = "paused"
    DUE = "due"
    WARNING = "due soon"
    OVERDUE = "overdue"


def clock_state(due: date | None, today: date, *, warn_days: int = WARN_DAYS) -> ClockState:
    if due is None:
        return ClockState.PAUSED
    if today > due:
        return ClockState.OVERDUE
    if (due - today).days <= warn_days:
        return ClockState.WARNING
    return ClockState.DUE


class FeeGround(StrEnum):
    """When a fee may be charged (Art. 12(5); Art. 15(3) for further copies). Access is otherwise free."""

    MANIFESTLY_UNFOUNDED = "manifestly_unfounded"
    MANIFESTLY_EXCESSIVE = "manifestly_excessive"
    FURTHER_COPY = "further_copy"

    @property
    def label(self) -> str:
        return {
            "manifestly_unfounded": "The request is manifestly unfounded",
            "manifestly_excessive": "The request is manifestly excessive (for example repetitive)",
            "further_copy": "A further copy of data already provided",
        }[self.value]


def fee_refusal(*, ground: str, amount: Decimal, reason: str) -> str | None:
    """Why this fee may not be asked, or None. The fee is on administrative cost only (ICO)."""
    if ground not in {g.value for g in FeeGround}:
        return "Choose the ground for the fee: a fee is allowed only for these."
    if amount <= 0:
        return "Enter a fee of more than £0."
    if amount != amount.quantize(Decimal("0.01")):
        return "Enter the fee in pounds and pence."
    if not reason.strip():
        return "Give the reason for the fee, with how its cost was worked out: the person is told it."
    return None


def is_possible_repeat(
    received: date, answered: Iterable[date], *, window_days: int = REPEAT_WINDOW_DAYS
) -> bool:
    """An access request received within `window_days` of an earlier one being answered may be a
    repeat (manifestly excessive, Art. 12(5)): the officer decides, with reasons; this only flags it."""
    return any(0 <= (received - day).days <= window_days for day in answered)
