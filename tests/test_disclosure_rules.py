"""The disclosure-control rules of the statistics (publishing/disclosure.py), each at its boundary:
the threshold of 10 contributors, rounding to base 5, the (1, 50) dominance rule and the p% rule,
secondary suppression of a line and of a cross-table, and when a release may cover a quarter."""

from datetime import date

import pytest

from tenderbox.publishing.disclosure import (
    Figures,
    dominated,
    p_percent_unsafe,
    protect_grid,
    protect_line,
    round_count,
    safe,
    statistics_cover_through,
)


def people(n: int, *, units: int | None = None) -> Figures:
    """A frequency cell: n contributors, one unit each unless told."""
    return Figures(contributors=n, units=units if units is not None else n)


def money(*contributions: int) -> Figures:
    """A magnitude cell from each contributor's net figure (pence)."""
    sizes = sorted((abs(c) for c in contributions), reverse=True)
    return Figures(
        contributors=len(contributions),
        units=len(contributions),
        spread=sum(sizes),
        largest=sizes[0] if sizes else 0,
        second=sizes[1] if len(sizes) > 1 else 0,
    )


# Threshold ------------------------------------------------------------------------------------------
def test_nine_contributors_are_too_few_and_ten_are_enough():
    assert safe(people(9), magnitude=False) is False
    assert safe(people(10), magnitude=False) is True
    # Many units from nine contributors are still nine contributors.
    assert safe(people(9, units=500), magnitude=False) is False


def test_an_empty_cell_is_a_true_zero():
    assert safe(Figures(), magnitude=True) is True
    # Units without any contributor (none recorded) is not empty: too few.
    assert safe(Figures(units=3), magnitude=False) is False


# Rounding --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("count", "published"),
    [
        (12, 10),
        (13, 15),
        (10, 10),
        (15, 15),
        (0, 0),
        (2, 0),
        (3, 5),
        (7, 5),
        (8, 10),
        (1002, 1000),
        (1003, 1005),
    ],
)
def test_counts_are_rounded_to_the_nearest_five_halves_up(count, published):
    assert round_count(count) == published


# Dominance -----------------------------------------------------------------------------------------
def test_one_contributor_with_exactly_half_does_not_dominate_but_one_penny_more_does():
    half = money(500_000, *[50_000] * 10)  # £5,000 of £10,000: exactly half
    assert (half.spread, half.largest) == (1_000_000, 500_000)
    assert dominated(half) is False and safe(half, magnitude=True) is True
    over = money(500_001, *[50_000] * 10)
    assert dominated(over) is True and safe(over, magnitude=True) is False


def test_the_rest_must_be_at_least_ten_percent_of_the_largest():
    # Two of £4,000 and ten contributors sharing £400: the rest is exactly 10% of the largest.
    at = money(400_000, 400_000, *[4_000] * 10)
    assert (at.spread - at.largest - at.second) == 40_000
    assert dominated(at) is False and p_percent_unsafe(at) is False and safe(at, magnitude=True)
    under = money(400_000, 400_000, *[4_000] * 9, 3_999)
    assert p_percent_unsafe(under) is True and safe(under, magnitude=True) is False


def test_dominance_is_for_money_only_and_credit_notes_count_by_their_size():
    counts = money(900_000, *[1_000] * 10)
    assert safe(counts, magnitude=False) is True
    assert safe(counts, magnitude=True) is False
    refund = money(-600_000, *[50_000] * 10)  # a net credit larger than everyone else together
    assert refund.largest == 600_000 and dominated(refund) is True


# A line: a one-way table and its total -----------------------------------------------------------------
def test_one_hidden_cell_takes_the_next_smallest_with_it():
    line = {"north": people(40), "south": people(12), "east": people(25), "west": people(3)}
    assert protect_line(line, magnitude=False) == {"west", "south"}


def test_two_unsafe_cells_need_a_safe_one_so_their_sum_is_safe():
    line = {"a": people(3), "b": people(4), "c": people(30), "d": people(11)}
    assert protect_line(line, magnitude=False) == {"a", "b", "d"}


def test_an_unsafe_cell_beside_a_safe_hidden_one_needs_nothing_more():
    line = {"a": people(40), "b": people(12), "c": people(3), "dominant": money(900_000, *[1_000] * 10)}
    # 'dominant' has 11 contributors but is unsafe for money; with 'c' both are unsafe: 'b' joins.
    assert protect_line(line, magnitude=True) == {"c", "dominant", "b"}
    assert protect_line({"a": people(40), "c": people(3), "b": people(12)}, magnitude=False) == {"c", "b"}


def test_nothing_to_difference_when_the_total_is_hidden_or_every_cell_is():
    assert protect_line({"a": people(3), "b": people(40)}, magnitude=False, parent_shown=False) == {"a"}
    assert protect_line({"a": people(3), "b": people(4)}, magnitude=False) == {"a", "b"}
    assert protect_line({"a": people(30), "b": people(40)}, magnitude=False) == set()


# A cross-table ----------------------------------------------------------------------------------------
def test_an_unsafe_cell_is_hidden_with_the_corners_of_the_cheapest_rectangle():
    grid = {
        ("TLC", "45"): people(3),
        ("TLC", "72"): people(20),
        ("TLC", "90"): people(12),
        ("TLD", "45"): people(15),
        ("TLD", "72"): people(30),
        ("TLD", "90"): people(14),
        ("TLE", "45"): people(11),
        ("TLE", "72"): people(50),
        ("TLE", "90"): people(40),
    }
    # Partners: the smallest safe cells of its row (TLC 90) and column (TLE 45); TLE 90 is safe.
    assert protect_grid(grid, magnitude=False) == {
        ("TLC", "45"),
        ("TLC", "90"),
        ("TLE", "45"),
        ("TLE", "90"),
    }


def test_a_corner_that_is_unsafe_is_not_used_and_a_cell_with_no_rectangle_hides_the_table():
    grid = {
        ("a", "x"): people(3),
        ("a", "y"): people(12),
        ("b", "x"): people(11),
        ("b", "y"): people(2),
        ("b", "z"): people(20),
        ("a", "z"): people(30),
    }
    # (a, x) cannot pair with y (b, y is unsafe): it takes z. (b, y) likewise pairs with z.
    assert protect_grid(grid, magnitude=False) == {
        ("a", "x"),
        ("b", "x"),
        ("a", "z"),
        ("b", "z"),
        ("b", "y"),
        ("a", "y"),
    }
    assert protect_grid({("a", "x"): people(3), ("a", "y"): people(12)}, magnitude=False) is None


def test_a_quarter_pairs_with_a_quarter_of_the_same_year():
    grid = {
        ((2025, 4), "77"): people(40),
        ((2026, 1), "77"): people(3),
        ((2026, 2), "77"): people(20),
        ((2025, 4), "90"): people(11),
        ((2026, 1), "90"): people(25),
        ((2026, 2), "90"): people(30),
    }
    hidden = protect_grid(grid, magnitude=False, groups=[lambda quarter: quarter[0]])
    assert hidden == {((2026, 1), "77"), ((2026, 2), "77"), ((2026, 1), "90"), ((2026, 2), "90")}


def test_a_safe_grid_hides_nothing():
    assert protect_grid({("a", "x"): people(10), ("b", "x"): people(30)}, magnitude=False) == set()


# When a release may cover a quarter --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("today", "covers"),
    [
        (date(2026, 4, 30), date(2025, 12, 31)),
        (date(2026, 5, 1), date(2026, 3, 31)),  # a month after the quarter's end (31 March)
        (date(2026, 7, 30), date(2026, 6, 30)),
        (date(2026, 7, 29), date(2026, 3, 31)),
        (date(2027, 1, 31), date(2026, 12, 31)),
        (date(2027, 1, 30), date(2026, 9, 30)),
    ],
)
def test_a_quarter_is_published_a_month_after_it_ends(today, covers):
    assert statistics_cover_through(today) == covers
