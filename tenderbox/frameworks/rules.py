"""Legal rules for frameworks, as pure functions: the maximum term, who may use a framework, when a
call-off may be made, and the further-competition timetable. No database access.

Frameworks under the Procurement Act 2023 are s.45-49 ("PA23"); Tenderbox supports the general
regime (a term of at most 4 years); defence and security and utilities frameworks (8 years) are a
field away when they are needed.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

FURTHER_COMPETITION = "further_competition"
DIRECT_AWARD = "direct_award"
BOTH = "both"

# PA23 s.47(1): a framework may not provide for a term of more than 4 years (8 years for defence and
# security frameworks and utilities, not offered yet). The term includes every extension.
MAX_TERM_YEARS = 4

# PA23 s.46 sets no minimum period for a competitive selection process under a framework: the
# framework sets its own. Tenderbox proposes 10 days and warns below it (DOMAIN.md, time limits).
PROPOSED_CALL_OFF_DAYS = 10

# Who is told before a framework's term ends, and how many days before.
EXPIRY_WARNING_DAYS = (90, 30)


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def latest_end(starts_on: date) -> date:
    """The last day a framework starting on `starts_on` may run to, extensions included (PA23 s.47)."""
    return add_years(starts_on, MAX_TERM_YEARS) - timedelta(days=1)


def check_term(*, starts_on: date | None, ends_on: date | None, extendable_to: date | None) -> list[Problem]:
    """A term starts, ends after it starts, and with any extension stays within 4 years (PA23 s.47)."""
    problems = []
    if starts_on is None:
        problems.append(Problem("starts_on", "Enter the date the framework starts"))
    if ends_on is None:
        problems.append(Problem("ends_on", "Enter the date the framework ends"))
    if problems:
        return problems
    if ends_on <= starts_on:
        problems.append(Problem("ends_on", "The framework must end after it starts."))
    limit = latest_end(starts_on)
    if ends_on > limit:
        problems.append(
            Problem(
                "ends_on",
                f"A framework may run for at most {MAX_TERM_YEARS} years (PA23 s.47): "
                f"it must end on or before {limit:%-d %B %Y}.",
            )
        )
    if extendable_to is not None:
        if extendable_to <= ends_on:
            problems.append(
                Problem("extendable_to", "The furthest extension must be later than the end of the term.")
            )
        elif extendable_to > limit:
            problems.append(
                Problem(
                    "extendable_to",
                    f"With extensions a framework may run for at most {MAX_TERM_YEARS} years (PA23 s.47): "
                    f"extensions may reach {limit:%-d %B %Y} at the latest.",
                )
            )
    return problems


def check_extension(*, current_end: date, new_end: date, extendable_to: date | None) -> list[Problem]:
    """An extension moves the end later, within what the framework provided for."""
    if extendable_to is None:
        return [Problem("new_end", "This framework does not provide for an extension.")]
    if new_end <= current_end:
        return [Problem("new_end", f"The new end date must be after {current_end:%-d %B %Y}.")]
    if new_end > extendable_to:
        return [
            Problem(
                "new_end",
                f"The framework may be extended to {extendable_to:%-d %B %Y} at the latest.",
            )
        ]
    return []


def is_in_term(*, starts_on: date, ends_on: date, on: date) -> bool:
    """Call-offs may be made from the first to the last day of the term, both included."""
    return starts_on <= on <= ends_on


def is_eligible(
    *,
    authority_id: int,
    authority_type: str,
    authority_region: str,
    named: set[int],
    descriptions: list[tuple[str, str]],
) -> bool:
    """Only the authorities named or described in the framework may use it (PA23 s.45(3)(b)).

    `descriptions` are (authority type, region) pairs; an empty part matches any.
    """
    if authority_id in named:
        return True
    return any(
        (not kind or kind == authority_type) and (not region or region == authority_region)
        for kind, region in descriptions
    )


def allows(call_off_method: str, route: str) -> bool:
    """Whether a lot's call-off rules allow a route (further competition or direct award)."""
    return call_off_method in (BOTH, route)


def fee(spend: Decimal, rate_percent: Decimal | None) -> Decimal:
    """The framework fee (levy) on declared spend, to the penny, rounding half up."""
    if not rate_percent:
        return Decimal("0.00")
    return (spend * rate_percent / Decimal(100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
