"""Scoring and award rules as pure functions: price and quality points, ranking with ties, and the
standstill period. No database access."""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from tenderbox.lib.dates import end_of_day, local_date, working_days_beginning_with

POINTS = Decimal("0.001")
STANDSTILL_WORKING_DAYS = 8  # PA23 s.51(2): eight working days beginning with the day of the notice


def quality_points(score: int, max_score: int, weight: int) -> Decimal:
    """A quality criterion's share of the total: weight × score ÷ top of the scale."""
    return (Decimal(weight) * Decimal(score) / Decimal(max_score)).quantize(POINTS, rounding=ROUND_HALF_UP)


def price_points(prices: dict[str, Decimal], weight: int) -> dict[str, Decimal]:
    """Lowest price scores the full weight; others weight × lowest ÷ their price (proportional)."""
    if not prices:
        return {}
    lowest = min(prices.values())
    points = {}
    for key, price in prices.items():
        if price == 0:
            share = Decimal(1)
        elif lowest == 0:
            share = Decimal(0)
        else:
            share = lowest / price
        points[key] = (Decimal(weight) * share).quantize(POINTS, rounding=ROUND_HALF_UP)
    return points


@dataclass(frozen=True)
class Ranked:
    key: str
    total: Decimal
    position: int  # 1 for the best; equal totals share a position


def rank(totals: dict[str, Decimal]) -> list[Ranked]:
    """Highest total first. Equal totals share a position, so ties are reported, never broken here."""
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    ranked, position, previous = [], 0, None
    for index, (key, total) in enumerate(ordered, start=1):
        if total != previous:
            position = index
            previous = total
        ranked.append(Ranked(key, total, position))
    return ranked


def tied_at_top(ranked: list[Ranked]) -> list[str]:
    top = [r.key for r in ranked if r.position == 1]
    return top if len(top) > 1 else []


def standstill_ends_at(notice_published_at: datetime) -> datetime:
    """The end of the mandatory standstill: the last moment of the 8th working day beginning with the
    day the contract award notice is published (PA23 s.51(2); working days per s.123)."""
    return end_of_day(working_days_beginning_with(local_date(notice_published_at), STANDSTILL_WORKING_DAYS))
