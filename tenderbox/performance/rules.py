"""Rules for KPIs and contract performance: pure functions, no database.

- PA23 s.52: a public contract with an estimated value over £5 million sets at least three KPIs.
- PA23 s.71: performance against them is assessed at least once every 12 months and published in a
  contract performance notice (UK9), rated good, approaching target, requires improvement or inadequate.
- Reporting periods are Tenderbox's own: calendar months, calendar quarters and UK financial years
  (1 April to 31 March), clipped to the contract's first and last days. The reporting deadline and the
  chase after it are the service's, not the law's, and live here so there is one place to change them.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from tenderbox.lib.dates import add_months

MONTHLY = "monthly"
QUARTERLY = "quarterly"
ANNUAL = "annual"
PERIOD_KINDS = (MONTHLY, QUARTERLY, ANNUAL)

HIGHER = "higher"
LOWER = "lower"

# PA23 s.52(1): over £5 million estimated value, at least three KPIs. Estimated value includes VAT
# (Schedule 3; the thresholds are VAT inclusive), and contracts here record their value excluding VAT,
# so the standard rate is added: it never understates the estimate, so the warning is never missed.
KPI_VALUE_THRESHOLD = Decimal("5000000")
KPI_MINIMUM = 3
STANDARD_VAT_RATE = Decimal("0.20")

# A period's report is due this many days after the period's last day; the supplier is chased once
# when it is CHASE_AFTER_DAYS_LATE days late.
REPORT_DUE_DAYS = 14
CHASE_AFTER_DAYS_LATE = 7
# The daily job looks back this far past a contract's end for reminders it has not sent (a worker that
# was down catches up); any older gap stays visible as late on the pages.
CHASE_CATCH_UP_DAYS = 31


def chase_horizon(today: date) -> date:
    """Contracts that ended before this day have nothing left to chase."""
    return today - timedelta(days=REPORT_DUE_DAYS + CHASE_AFTER_DAYS_LATE + CHASE_CATCH_UP_DAYS)


# PA23 s.71(2): an assessment at least once every 12 months.
ASSESSMENT_INTERVAL_MONTHS = 12

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period of a contract: its first and last days, both included."""

    starts_on: date
    ends_on: date
    kind: str

    @property
    def key(self) -> str:
        return self.starts_on.isoformat()

    @property
    def label(self) -> str:
        if self.kind == MONTHLY:
            return f"{MONTHS[self.starts_on.month - 1]} {self.starts_on.year}"
        if self.kind == QUARTERLY:
            first, last = MONTHS[self.starts_on.month - 1], MONTHS[self.ends_on.month - 1]
            return f"{first} to {last} {self.ends_on.year}"
        fy = self.starts_on.year if self.starts_on.month >= 4 else self.starts_on.year - 1
        return f"{fy} to {fy + 1}"

    @property
    def short_label(self) -> str:
        """For chart axes: 'Mar 2026', 'Q1 2026' (calendar quarter), 'FY 2025-26'."""
        if self.kind == MONTHLY:
            return f"{MONTHS[self.starts_on.month - 1][:3]} {self.starts_on.year}"
        if self.kind == QUARTERLY:
            return f"Q{(self.starts_on.month - 1) // 3 + 1} {self.starts_on.year}"
        fy = self.starts_on.year if self.starts_on.month >= 4 else self.starts_on.year - 1
        return f"FY {fy}-{(fy + 1) % 100:02d}"

    @property
    def due_on(self) -> date:
        return self.ends_on + timedelta(days=REPORT_DUE_DAYS)


def _last_day_of_month(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def period_bounds(kind: str, day: date) -> tuple[date, date]:
    """The whole calendar month, calendar quarter or financial year (April to March) holding `day`."""
    if kind == MONTHLY:
        return day.replace(day=1), _last_day_of_month(day.year, day.month)
    if kind == QUARTERLY:
        first = (day.month - 1) // 3 * 3 + 1
        return date(day.year, first, 1), _last_day_of_month(day.year, first + 2)
    if kind == ANNUAL:
        year = day.year if day.month >= 4 else day.year - 1
        return date(year, 4, 1), date(year + 1, 3, 31)
    raise ValueError(f"Unknown period kind {kind!r}")


def contract_periods(kind: str, starts_on: date, ends_on: date) -> list[Period]:
    """Every reporting period of a contract running from `starts_on` to `ends_on` (both included):
    the first and last are cut to the contract's own days."""
    if ends_on < starts_on:
        return []
    periods = []
    day = starts_on
    while day <= ends_on:
        first, last = period_bounds(kind, day)
        periods.append(Period(max(first, starts_on), min(last, ends_on), kind))
        day = last + timedelta(days=1)
    return periods


def find_period(kind: str, starts_on: date, ends_on: date, period_start: date) -> Period | None:
    """The contract's period of that kind beginning on `period_start`, or None if there is none."""
    for period in contract_periods(kind, starts_on, ends_on):
        if period.starts_on == period_start:
            return period
    return None


def is_reportable(period: Period, today: date) -> bool:
    """A period can be reported from its last day on (a report describes a whole period)."""
    return today >= period.ends_on


def days_late(period: Period, today: date) -> int:
    """Days since the report fell due (0 when it is not yet overdue)."""
    return max(0, (today - period.due_on).days)


def periods_to_chase(
    kind: str, starts_on: date, ends_on: date, *, kpi_set_on: date, today: date
) -> list[Period]:
    """The periods whose report is at least CHASE_AFTER_DAYS_LATE days late. Periods that ended before
    the KPI was set are not owed: the supplier could not have known to measure them."""
    return [
        p
        for p in contract_periods(kind, starts_on, ends_on)
        if p.ends_on >= kpi_set_on and days_late(p, today) >= CHASE_AFTER_DAYS_LATE
    ]


def estimated_value_incl_vat(value_excl_vat: Decimal) -> Decimal:
    return (value_excl_vat * (1 + STANDARD_VAT_RATE)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def kpis_required(value_excl_vat: Decimal) -> int:
    """How many KPIs PA23 s.52(1) requires: three over £5 million estimated value, otherwise none."""
    return KPI_MINIMUM if estimated_value_incl_vat(value_excl_vat) > KPI_VALUE_THRESHOLD else 0


def kpi_shortfall(value_excl_vat: Decimal, kpi_count: int) -> int:
    return max(0, kpis_required(value_excl_vat) - kpi_count)


def kpi_warning(value_excl_vat: Decimal, kpi_count: int) -> str | None:
    """The warning a contract's KPI page shows while it has fewer KPIs than s.52 requires."""
    missing = kpi_shortfall(value_excl_vat, kpi_count)
    if not missing:
        return None
    have = "no KPIs" if kpi_count == 0 else f"only {kpi_count} KPI{'s' if kpi_count != 1 else ''}"
    return (
        f"This contract is worth over £5 million including VAT, so the Procurement Act 2023 (section 52) "
        f"requires at least {KPI_MINIMUM} key performance indicators, unless performance cannot be "
        f"assessed by KPIs. It has {have}: set {missing} more."
    )


def meets_target(value: Decimal, target: Decimal, direction: str) -> bool:
    return value >= target if direction == HIGHER else value <= target


def assessment_due_by(starts_on: date, last_assessed_on: date | None) -> date:
    """PA23 s.71(2): the latest day for the next assessment, 12 months after the last one (or after
    the contract started)."""
    return add_months(last_assessed_on or starts_on, ASSESSMENT_INTERVAL_MONTHS)
