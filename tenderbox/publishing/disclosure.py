"""Statistical disclosure control for the statistics Tenderbox publishes (PRIVACY.md, "Statistics
shared with third parties"; docs/decisions/0013-statistics-disclosure-control.md).

Pure functions, no database: each takes the figures of one cell, one line of cells or one grid of
cells and says what may be shown, so every rule is tested at its boundary.

Vocabulary. A *cell* is one figure of a table: everything that matches some filter values (a year,
a region, a CPV division…). Its *contributors* are the distinct people or organisations whose data
make it up (a sole trader is a person). A *line* is the cells that differ in one dimension only,
with their *parent*, the cell where that dimension is left free: the line adds up to the parent, so
a parent shown with all but one of its cells gives the missing one away. That is why one cell
hidden needs another (secondary suppression).

- `safe`: primary suppression. At least 10 contributors (PRIVACY.md); for money, no dominance:
  the (1, 50) rule (the largest contributor may not make *most*, over half, of the cell: PRIVACY.md's
  "one supplier makes most of a cell's total") and the p% rule with p = 10 (the cell's other
  contributors' total must be at least 10% of the largest, so the second largest, a rival who knows
  its own figure, cannot estimate the largest within 10%: Hundepool et al., Statistical Disclosure
  Control, Wiley 2012, ch. 4, the sensitivity rules used by the ONS and Eurostat). An empty cell
  (no contributor) is safe: a true zero tells nothing about anyone.
- `round_count`: counts are published rounded to the nearest 5 (the ONS "10-5 rule": suppress
  below 10, round the rest to base 5), halves up; totals are rounded on their own.
- `protect_line`: a one-way table and its total. Unsafe cells are hidden; if none of the hidden
  cells is safe on its own, the next-smallest safe cell is hidden too, so what the total minus the
  shown cells gives away is a sum that includes a safe cell (itself safe: every rule here holds
  for a sum of safe cells with non-negative contributions).
- `protect_grid`: a cross-table (two or more dimensions) whose one-way margins are shown. Each
  unsafe cell is hidden with the corners of a hypercube through it (the "hypercube method",
  Repsilber's GHMITER in tau-ARGUS): for each dimension a partner value, next-smallest first, every
  other corner a non-empty safe cell. Adding +d and -d alternately at the corners changes no line
  total, so no sum or difference of shown figures, in this table or any other, pins the cell down.
  Where some unsafe cell has no such hypercube, the whole table is hidden.
- `statistics_cover_through`: the last day a release may cover.
"""

import itertools
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

THRESHOLD = 10  # PRIVACY.md: fewer than 10 distinct people or organisations: suppressed.
DOMINANCE_K = 50  # (1, k): the largest contributor over k% of the cell (PRIVACY.md: "most").
P_PERCENT = 10  # p% rule: the rest of the cell under p% of the largest contributor.
ROUNDING_BASE = 5  # PRIVACY.md: counts rounded to base 5.
PARTNERS_TRIED = 4  # per dimension, when looking for a hypercube (smallest first)

CONFIDENTIAL = "[c]"  # GSS symbol: confidential (suppressed to protect the people behind it).
NOT_APPLICABLE = "[z]"  # GSS symbol: not applicable (a share of nothing).


@dataclass(frozen=True)
class Figures:
    """What disclosure control knows about one cell; never published itself.

    Money in pence. `spread` is the sum over contributors of the size of their net contribution
    (a credit note makes a contribution negative: its size still counts for dominance); `largest`
    and `second` are the two biggest of those sizes."""

    contributors: int = 0
    units: int = 0  # things counted: payments, contracts, procurements
    spread: int = 0
    largest: int = 0
    second: int = 0

    @property
    def empty(self) -> bool:
        return self.units == 0 and self.contributors == 0


def too_few_contributors(f: Figures) -> bool:
    return not f.empty and f.contributors < THRESHOLD


def dominated(f: Figures) -> bool:
    """(1, 50): one contributor makes more than half of the cell (exactly half is not most)."""
    return f.spread > 0 and f.largest * 100 > DOMINANCE_K * f.spread


def p_percent_unsafe(f: Figures) -> bool:
    """The rest of the cell (all but the two largest) is under p% of the largest."""
    return f.spread > 0 and (f.spread - f.largest - f.second) * 100 < P_PERCENT * f.largest


def safe(f: Figures, *, magnitude: bool) -> bool:
    """Primary suppression: may this cell be shown on its own? Dominance applies to money
    (magnitude tables); a frequency table (counts) has the threshold only."""
    if f.empty:
        return True
    if too_few_contributors(f):
        return False
    return not (magnitude and (dominated(f) or p_percent_unsafe(f)))


def round_count(n: int, base: int = ROUNDING_BASE) -> int:
    """To the nearest multiple of `base`, halves up: 12 -> 10, 13 -> 15, 2 -> 0."""
    return (n + base // 2) // base * base


def _cost(f: Figures) -> tuple[int, int]:
    """What hiding a cell loses: its money, then its count (the "next-smallest")."""
    return (f.spread, f.units)


def protect_line(
    cells: dict[Hashable, Figures], *, magnitude: bool, parent_shown: bool = True
) -> set[Hashable]:
    """The cells of one line to hide. `cells` holds the non-empty cells (empty ones are shown as 0
    and cannot hide anything). With the parent hidden nothing can be differenced from it, so only
    the unsafe cells go."""
    hidden = {k for k, f in cells.items() if not safe(f, magnitude=magnitude)}
    if not hidden or not parent_shown:
        return hidden
    if any(safe(cells[k], magnitude=magnitude) for k in hidden):
        return hidden
    partners = sorted((k for k in cells if k not in hidden), key=lambda k: (_cost(cells[k]), repr(k)))
    if partners:
        hidden.add(partners[0])
    # With no partner every non-empty cell is hidden: together they are the parent, which is safe.
    return hidden


def _same_group(_value) -> None:
    return None


def protect_grid(
    cells: dict[tuple, Figures],
    *,
    magnitude: bool,
    groups: Iterable[Callable[[Hashable], Hashable] | None] = (),
) -> set[tuple] | None:
    """The cells of a cross-table to hide, or None when the whole table must be hidden.

    `cells` maps each non-empty cell's coordinates (one value per dimension) to its figures; the
    table's one-way margins (and every smaller cross-table) are shown and complete. `groups[i]`
    says which values of dimension i share a line: quarters add up to their own year only, so a
    quarter's partner is another quarter of the same year (default: all values of a dimension)."""
    if not cells:
        return set()
    width = len(next(iter(cells)))
    given = list(groups)
    group_of = [g or _same_group for g in given + [None] * (width - len(given))]
    unsafe = sorted((k for k, f in cells.items() if not safe(f, magnitude=magnitude)), key=repr)
    if not unsafe:
        return set()
    ok = {k for k, f in cells.items() if safe(f, magnitude=magnitude)}

    # Lines: for each dimension, the cells that agree elsewhere and fall in the same group.
    lines: list[dict[tuple, list[tuple]]] = []
    for i in range(width):
        index: dict[tuple, list[tuple]] = {}
        for key in cells:
            index.setdefault(_line_key(key, i, group_of[i]), []).append(key)
        lines.append(index)

    hidden: set[tuple] = set(unsafe)
    for cell in unsafe:
        corners = _hypercube(cell, cells, ok, lines, group_of)
        if corners is None:
            return None
        hidden |= corners
    return hidden


def _line_key(key: tuple, i: int, group) -> tuple:
    return (*key[:i], ("line", group(key[i])), *key[i + 1 :])


def _hypercube(cell, cells, ok, lines, group_of) -> set[tuple] | None:
    """The corners of the cheapest hypercube through `cell` whose other corners are all non-empty
    and safe, trying the PARTNERS_TRIED smallest partners in each dimension; None if there is none."""
    width = len(cell)
    choices = []
    for i in range(width):
        siblings = [k for k in lines[i][_line_key(cell, i, group_of[i])] if k != cell and k in ok]
        siblings.sort(key=lambda k: (_cost(cells[k]), repr(k)))
        values = [k[i] for k in siblings[:PARTNERS_TRIED]]
        if not values:
            return None
        choices.append(values)
    ranked = sorted(
        itertools.product(*[list(enumerate(v)) for v in choices]),
        key=lambda combo: sum(rank for rank, _ in combo),
    )
    for combo in ranked:
        partner = [value for _, value in combo]
        corners = set()
        for flips in itertools.product((False, True), repeat=width):
            corner = tuple(partner[i] if flip else cell[i] for i, flip in enumerate(flips))
            if corner != cell and corner not in ok:
                break
            corners.add(corner)
        else:
            return corners
    return None


def statistics_cover_through(today: date) -> date:
    """The last day a release made today covers: the end of the latest calendar quarter that
    ended at least a month ago. Suppliers' MI returns for a month are due by the 10th working day
    of the next (spend/rules.py), so a month's wait lets a quarter's spend come in before it is
    first published; a quarter is published once, with the releases after it, not day by day
    (each fresh day published would be a difference of two releases)."""
    month_ago = _month_before(today)
    quarter_start = date(month_ago.year, (month_ago.month - 1) // 3 * 3 + 1, 1)
    end_of_this_quarter = _quarter_end(quarter_start)
    if end_of_this_quarter <= month_ago:
        return end_of_this_quarter
    return quarter_start - timedelta(days=1)


def _quarter_end(start: date) -> date:
    month = start.month + 2
    following = date(start.year + (month // 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def _month_before(day: date) -> date:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    last = (date(year + (month // 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))
