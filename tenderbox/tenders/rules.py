"""Legal rules for procurements, as pure functions: thresholds, regulated below-threshold values,
minimum time limits. No database access. Each number is here once, with its section of law.

The regime is data: a procurement records which law governs it and these functions dispatch on it.
Only the Procurement Act 2023 ("PA23") is supported for new procurements.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

UK_TIME = ZoneInfo("Europe/London")

PA23 = "pa23"
PCR2015 = "pcr2015"

OPEN = "open"
COMPETITIVE_FLEXIBLE = "competitive_flexible"
QUICK_QUOTE = "quick_quote"
# A competitive selection process among a framework lot's suppliers (PA23 s.46).
FURTHER_COMPETITION = "further_competition"

GOODS, SERVICES, WORKS = "goods", "services", "works"

# Authorities whose supplies-and-services threshold is the central government one (PA23 Schedule 1):
# government departments, NHS trusts and foundation trusts, and the devolved administrations (check).
CENTRAL_AUTHORITY_TYPES = frozenset({"central_government", "nhs", "devolved"})


@dataclass(frozen=True)
class Thresholds:
    """PA23 Schedule 1 thresholds, VAT inclusive, in force from `effective`."""

    effective: date
    central_supplies_services: Decimal
    sub_central_supplies_services: Decimal
    works: Decimal
    light_touch: Decimal


# PA23 Schedule 1 as amended from 1 January 2026 (and the figures in force before it).
THRESHOLDS = (
    Thresholds(
        date(2025, 2, 24), Decimal("139688"), Decimal("214904"), Decimal("5372609"), Decimal("663540")
    ),
    Thresholds(date(2026, 1, 1), Decimal("135018"), Decimal("207720"), Decimal("5193000"), Decimal("663540")),
)

# PA23 s.86-88: regulated below-threshold contracts start at these values (VAT inclusive).
BELOW_THRESHOLD_REGULATED = {"central": Decimal("12000"), "sub_central": Decimal("30000")}

MONEY = Decimal("0.01")


def vat_inclusive(value_excl_vat: Decimal, vat: Decimal) -> Decimal:
    """Thresholds compare the estimated value including VAT (PA23 Schedule 3, para 1)."""
    return (value_excl_vat + vat).quantize(MONEY, rounding=ROUND_HALF_UP)


def thresholds_on(day: date) -> Thresholds:
    """The thresholds in force when a procurement began."""
    in_force = [t for t in THRESHOLDS if t.effective <= day]
    if not in_force:
        raise ValueError(f"No Procurement Act 2023 thresholds before {THRESHOLDS[0].effective}.")
    return in_force[-1]


def threshold_for(*, authority_type: str, category: str, light_touch: bool, on: date) -> Decimal:
    t = thresholds_on(on)
    if category == WORKS:
        return t.works
    if light_touch:
        return t.light_touch
    if authority_type in CENTRAL_AUTHORITY_TYPES:
        return t.central_supplies_services
    return t.sub_central_supplies_services


def is_above_threshold(
    *, value_incl_vat: Decimal, authority_type: str, category: str, light_touch: bool, on: date
) -> bool:
    limit = threshold_for(authority_type=authority_type, category=category, light_touch=light_touch, on=on)
    return value_incl_vat >= limit


def is_regulated_below_threshold(*, value_incl_vat: Decimal, authority_type: str) -> bool:
    """PA23 s.84: below threshold, contracts of at least £12,000 (central) or £30,000 (sub-central)
    that are advertised must follow Part 6 (Find a Tender, no pre-qualification stage, publication)."""
    key = "central" if authority_type in CENTRAL_AUTHORITY_TYPES else "sub_central"
    return value_incl_vat >= BELOW_THRESHOLD_REGULATED[key]


@dataclass(frozen=True)
class Problem:
    """A refused timetable or procedure choice: which field, what rule, why."""

    field: str
    message: str


def minimum_tendering_days(
    *,
    procedure: str,
    above_threshold: bool,
    light_touch: bool,
    urgent: bool,
    planned_notice: bool,
    documents_with_notice: bool,
) -> tuple[int, str]:
    """PA23 s.54(3)-(4): the shortest tendering period, and the rule that sets it.

    Days are calendar days counted from the day after the tender notice is published (check).
    """
    if not above_threshold:
        # Below threshold no statutory minimum applies (s.86 asks for a reasonable time); Tenderbox
        # refuses fewer than 5 days so a small business has a working week to respond.
        return 5, "Tenderbox's minimum for below-threshold procurements (PA23 s.86: a reasonable time)"
    if urgent or light_touch:
        return 10, "PA23 s.54(4): 10 days for a state of urgency or a light touch contract"
    if planned_notice:
        return 10, "PA23 s.54(4): 10 days after a qualifying planned procurement notice"
    if procedure == OPEN:
        if documents_with_notice:
            return 25, "PA23 s.54(3): 25 days for an open procedure with electronic tenders and all documents"
        return 30, "PA23 s.54(3): 30 days for an open procedure without all documents at the tender notice"
    return 25, "PA23 s.54(3): 25 days for a competitive flexible procedure"


def further_competition_days(framework_minimum: int) -> tuple[int, str]:
    """PA23 s.46 sets no minimum for a competitive selection process: the framework's own applies."""
    return (
        framework_minimum,
        f"the framework's minimum of {framework_minimum} days for further competitions (PA23 s.46)",
    )


def check_procedure(*, procedure: str, above_threshold: bool, regime: str) -> list[Problem]:
    problems = []
    if regime != PA23:
        problems.append(Problem("regime", "New procurements must follow the Procurement Act 2023."))
    if procedure == FURTHER_COMPETITION:
        return problems  # thresholds do not choose the procedure of a call-off (PA23 s.46)
    if procedure == QUICK_QUOTE and above_threshold:
        problems.append(
            Problem(
                "procedure",
                "A quick quote is only for procurements below the threshold: use the open or competitive "
                "flexible procedure (PA23 s.20).",
            )
        )
    return problems


def check_timetable(
    *,
    publish_at: datetime,
    clarification_deadline: datetime | None,
    submission_deadline: datetime | None,
    expected_award_date: date | None,
    contract_start: date | None,
    contract_end: date | None,
    minimum_days: int,
    minimum_rule: str,
) -> list[Problem]:
    """Refuse a timetable that breaks the minimum period or runs backwards, naming the rule and dates."""
    problems = []
    if submission_deadline is None:
        return [Problem("submission_deadline", "Enter the deadline for tenders")]
    earliest = publish_at + timedelta(days=minimum_days)
    if submission_deadline < earliest:
        shown, published = earliest.astimezone(UK_TIME), publish_at.astimezone(UK_TIME)
        problems.append(
            Problem(
                "submission_deadline",
                f"The deadline for tenders must be on or after {shown:%-d %B %Y at %H:%M}: {minimum_rule}, "
                f"counted from publication on {published:%-d %B %Y at %H:%M}.",
            )
        )
    if clarification_deadline is not None:
        if clarification_deadline <= publish_at:
            problems.append(
                Problem("clarification_deadline", "The deadline for questions must be after publication.")
            )
        if clarification_deadline >= submission_deadline:
            problems.append(
                Problem(
                    "clarification_deadline",
                    "The deadline for questions must be before the deadline for tenders.",
                )
            )
    if expected_award_date is not None and expected_award_date < submission_deadline.date():
        problems.append(
            Problem("expected_award_date", "The expected award date must be after the deadline for tenders.")
        )
    if contract_start and expected_award_date and contract_start < expected_award_date:
        problems.append(
            Problem("contract_start", "The contract cannot start before the expected award date.")
        )
    if contract_start and contract_end and contract_end <= contract_start:
        problems.append(Problem("contract_end", "The contract must end after it starts."))
    return problems


def check_weights(weights: list[int]) -> list[Problem]:
    """Award criteria weights are whole percentages that add up to 100 (PA23 s.23: relative importance)."""
    if not weights:
        return [Problem("criteria", "Add at least one award criterion.")]
    if any(w <= 0 for w in weights):
        return [Problem("criteria", "Every award criterion needs a weight above 0.")]
    total = sum(weights)
    if total != 100:
        return [
            Problem("criteria", f"The award criteria weights add up to {total}%: they must add up to 100%.")
        ]
    return []


def clock_moves(*, status: str, submission_deadline, next_transition_at, now: datetime) -> bool:
    """Whether the clock moves a procurement now: a published one closes once its submission deadline
    has passed; an awarded one records the end of its standstill once it is due (PA23 s.51)."""
    closing = status == "published" and submission_deadline is not None and now >= submission_deadline
    due = status == "awarded" and next_transition_at is not None and now >= next_transition_at
    return closing or due
