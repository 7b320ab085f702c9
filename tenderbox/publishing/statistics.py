"""Aggregate statistics for third parties, computed from the data by the database, in releases
(publishing/models.py), with disclosure control applied across every table and every combination of
filters (publishing/disclosure.py; docs/decisions/0013-statistics-disclosure-control.md).

Four measures, each a set of *facts* (one row per payment, contract, tender or procurement, with
its dimensions and whose it is), read only from what is public:

- spend: the payments that count under every contract (the buyer's records and the current MI
  returns' lines, each invoice once, the buyer's figure first, as spend/actions.py counts them),
  dated when paid (else on the invoice); contributors are the suppliers paid.
- contracts: every contract awarded (each route), at its value when awarded, by the supplier's
  size: SMEs (micro, small and medium, and sole traders, who are self-employed) or large.
- tenders: procurements past opening, by how many tenders were submitted (a count: nothing sealed
  is read); contributors are the tenderers (or the buyer, where nobody tendered).
- award_times: procurements whose award is decided and not cancelled, days from publication to
  award, by procedure; contributors are the buyers.

Dimensions: the period (calendar year, or quarter within it), the buyer's ITL1 region and kind of
authority, the top-level CPV division of what was bought, and the measure's own breakdown. A
*level* is one cross-tabulation: a period granularity and a set of dimensions.

How a release is made (`make_release`): the facts go into a temporary table, then one grouped
query per level (never a loop over rows) gives each cell's distinct contributors, count, total
and its two largest contributors. The totals and the one-way tables are protected line by line;
each cross-table is then computed with the values hidden in its one-way margins merged (so nothing
hidden can be rebuilt from a finer table) and protected by hypercubes, or hidden whole; a
cross-table is only computed when every smaller cross-table under it is complete.
"""

import math
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractQuarter,
    ExtractYear,
    Least,
    Round,
    Substr,
    TruncDate,
)
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.publishing import disclosure
from tenderbox.publishing.disclosure import Figures
from tenderbox.publishing.models import Measure, StatisticsCell, StatisticsLevel, StatisticsRelease

DIMS = ("region", "authority_type", "division", "breakdown")
PERIODS = ("", "year", "quarter")
OTHER = "~"  # in a cross-table: the values hidden in the dimension's one-way table, together
OTHER_YEAR = -1
OTHER_QUARTER = 0
NOT_RECORDED = "not_recorded"
UNCLASSIFIED = "00"  # a call-off whose framework lot has no CPV code
BATCH = 2000

# The facts table: the dimensions, whose the fact is (s_contributor), what is counted (s_unit, one
# id, where the same unit has several rows; s_units, how many units the row stands for), the money in
# pence (s_amount) and, for award times, the days (s_days). Payments and contracts are added up per
# contributor and cell as the table is made (each counts once), so ten million payments make a
# table of a few rows per supplier and quarter.
FACT_COLUMNS = (
    "s_year",
    "s_quarter",
    "s_region",
    "s_authority_type",
    "s_division",
    "s_breakdown",
    "s_contributor",
    "s_unit",
    "s_days",
    "s_units",
    "s_amount",
)

SUPPLIER_SIZES = ("sme", "large", NOT_RECORDED)
TENDER_BANDS = tuple(str(n) for n in range(12))  # "11": 11 or more


# Facts ----------------------------------------------------------------------------------------------
class DaysBetween(Func):
    """Whole days from one date to a later one, on both databases."""

    output_field = IntegerField()
    arg_joiner = " - "
    template = "(%(expressions)s)"  # PostgreSQL: date - date is a number of days

    def as_sqlite(self, compiler, connection, **extra):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        sql = f"CAST(ROUND(julianday({later}) - julianday({earlier})) AS INTEGER)"
        return sql, (*later_params, *earlier_params)


def _pence(field_name: str):
    return Cast(Round(F(field_name) * Value(100)), BigIntegerField())


def _text(value: str):
    return Value(value, output_field=CharField())


def _authority(buyer: str):
    kind = f"{buyer}__authority_type"
    return Case(When(**{kind: ""}, then=_text(NOT_RECORDED)), default=F(kind), output_field=CharField())


def _contract_division(prefix: str = ""):
    """The contract's CPV division: its procurement's main code, or (a direct award) the lowest code
    of its framework lot."""
    from tenderbox.frameworks.models import FrameworkLot

    lot_codes = FrameworkLot.cpv_codes.through.objects.filter(
        frameworklot_id=OuterRef(f"{prefix}framework_lot_id")
    ).order_by("cpvcode_id")
    code = Coalesce(
        F(f"{prefix}procurement__main_cpv_id"),
        Subquery(lot_codes.values("cpvcode_id")[:1]),
        _text(UNCLASSIFIED),
        output_field=CharField(),
    )
    return Substr(code, 1, 2)


def _number(n: int):
    return Value(n, output_field=BigIntegerField())


def _facts(*, day, buyer, division, breakdown, contributor, unit=None, days=None, **more) -> dict:
    """The columns of FACT_COLUMNS, as expressions (`more`: s_units and s_amount when given per row)."""
    return {
        "s_year": ExtractYear(day),
        "s_quarter": ExtractQuarter(day),
        "s_region": F(f"{buyer}__region"),
        "s_authority_type": _authority(buyer),
        "s_division": division,
        "s_breakdown": breakdown,
        "s_contributor": contributor,
        "s_unit": unit if unit is not None else _number(0),
        "s_days": days if days is not None else Value(0, output_field=IntegerField()),
        **more,
    }


def spend_facts(through: date):
    from tenderbox.spend.models import SpendRecord

    buyer = SpendRecord.Source.BUYER
    recorded_by_buyer = SpendRecord.objects.filter(
        contract=OuterRef("contract"), source=buyer, transaction_number=OuterRef("transaction_number")
    )
    return (
        SpendRecord.objects.counted()
        .filter(Q(source=buyer) | ~Exists(recorded_by_buyer))
        .annotate(day=Coalesce("paid_on", "invoice_date"))
        .filter(day__lte=through)
        .order_by()
        .values(
            **_facts(
                day="day",
                buyer="contract__buyer",
                division=_contract_division("contract__"),
                breakdown=_text(""),
                contributor=F("contract__supplier_id"),
            )
        )
        .annotate(s_units=Count("pk"), s_amount=Sum(_pence("amount_excl_vat")))
    )


def contract_facts(through: date):
    from tenderbox.contracts.models import Contract

    size = Case(
        # A sole trader is a self-employed person: a micro business, whatever size was recorded.
        When(supplier__is_sole_trader=True, then=_text("sme")),
        When(supplier__size__in=["micro", "sme"], then=_text("sme")),
        When(supplier__size="large", then=_text("large")),
        default=_text(NOT_RECORDED),
        output_field=CharField(),
    )
    return (
        Contract.objects.filter(awarded_at__date__lte=through)
        .order_by()
        .values(
            **_facts(
                day="awarded_at",
                buyer="buyer",
                division=_contract_division(),
                breakdown=size,
                contributor=F("supplier_id"),
            )
        )
        .annotate(s_units=Count("pk"), s_amount=Sum(_pence("original_value_excl_vat")))
    )


def _tenders_submitted(procurement_ref: str):
    from tenderbox.submissions.models import Response

    counted = (
        Response.objects.filter(procurement=OuterRef(procurement_ref), status=Response.Status.SUBMITTED)
        .order_by()
        .values("procurement")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted), 0)


def _tender_band(procurement_ref: str):
    """How many tenders, up to "11" meaning 11 or more: the count is read once per row."""
    return Cast(Least(_tenders_submitted(procurement_ref), Value(11)), CharField())


def tender_facts(through: date):
    """One row per tender submitted to a public procurement past opening (the latest version of each
    response that counts; drafts and withdrawn ones do not), and one for each such procurement that
    received none, with its buyer as the contributor."""
    from tenderbox.publishing.packages import public_procurement_q
    from tenderbox.submissions.models import Response
    from tenderbox.tenders.models import Procurement

    opened = Procurement.objects.filter(
        public_procurement_q(), opened_at__isnull=False, opened_at__date__lte=through
    )
    common = {"day": "procurement__opened_at", "buyer": "procurement__buyer"}
    tenders = (
        Response.objects.filter(status=Response.Status.SUBMITTED, procurement__in=opened)
        .order_by()
        .values(
            **_facts(
                **common,
                division=Substr("procurement__main_cpv_id", 1, 2),
                breakdown=_tender_band("procurement_id"),
                contributor=F("supplier_id"),
                unit=F("procurement_id"),
                s_units=_number(1),
                s_amount=_number(0),
            )
        )
    )
    nobody = (
        opened.order_by()
        .annotate(tenders=_tenders_submitted("pk"))
        .filter(tenders=0)
        .values(
            **_facts(
                day="opened_at",
                buyer="buyer",
                division=Substr("main_cpv_id", 1, 2),
                breakdown=_text("0"),
                contributor=F("buyer_id"),
                unit=F("pk"),
                s_units=_number(1),
                s_amount=_number(0),
            )
        )
    )
    return tenders.union(nobody, all=True)


def award_time_facts(through: date):
    from tenderbox.publishing.packages import public_procurement_q
    from tenderbox.tenders.models import Procurement

    return (
        Procurement.objects.filter(
            public_procurement_q(), awarded_at__isnull=False, awarded_at__date__lte=through
        )
        .exclude(status=Procurement.Status.CANCELLED)
        .order_by()
        .values(
            **_facts(
                day="awarded_at",
                buyer="buyer",
                division=Substr("main_cpv_id", 1, 2),
                breakdown=F("procedure"),
                contributor=F("buyer_id"),
                days=DaysBetween(TruncDate("awarded_at"), TruncDate("published_at")),
                s_amount=_number(0),
            )
        )
        .annotate(s_units=Count("pk"))
    )


@dataclass(frozen=True)
class MeasureSpec:
    code: str
    facts: object
    magnitude: bool  # money: dominance applies
    breakdown: bool
    quartiles: bool = False
    repeated_units: bool = False  # a unit has a row per contributor (a procurement per tenderer)

    @property
    def dims(self) -> tuple[str, ...]:
        return DIMS if self.breakdown else DIMS[:3]


MEASURES = {
    m.code: m
    for m in (
        MeasureSpec(Measure.SPEND, spend_facts, magnitude=True, breakdown=False),
        MeasureSpec(Measure.CONTRACTS, contract_facts, magnitude=True, breakdown=True),
        MeasureSpec(Measure.TENDERS, tender_facts, magnitude=False, breakdown=True, repeated_units=True),
        MeasureSpec(Measure.AWARD_TIMES, award_time_facts, magnitude=False, breakdown=True, quartiles=True),
    )
}


# Levels -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Level:
    """One cross-tabulation: period granularity ('', 'year', 'quarter') and dimensions (in DIMS order)."""

    period: str
    dims: tuple[str, ...]

    @classmethod
    def of(cls, period: str, dims) -> "Level":
        return cls(period, tuple(d for d in DIMS if d in set(dims)))

    @property
    def width(self) -> int:
        return len(self.dims) + (1 if self.period else 0)

    @property
    def code(self) -> str:
        return f"{self.period}:{','.join(self.dims)}"

    def sub_levels(self) -> Iterator["Level"]:
        """Every smaller cross-table that this one adds up to (coarser period, fewer dimensions)."""
        for period in PERIODS[: PERIODS.index(self.period) + 1]:
            for n in range(len(self.dims) + 1):
                for dims in combinations(self.dims, n):
                    level = Level(period, dims)
                    if level != self:
                        yield level


def levels_of(spec: MeasureSpec) -> list[Level]:
    found = [
        Level(p, dims)
        for p in PERIODS
        for n in range(len(spec.dims) + 1)
        for dims in combinations(spec.dims, n)
    ]
    return sorted(found, key=lambda lv: (lv.width, PERIODS.index(lv.period), lv.dims))


def period_text(level: Level, coordinate) -> str:
    if level.period == "year":
        return str(coordinate)
    if level.period == "quarter":
        return f"{coordinate[0]}-Q{coordinate[1]}"
    return ""


def _is_merged(level: Level, key: tuple) -> bool:
    values = list(key)
    if level.period == "year":
        if values.pop(0) == OTHER_YEAR:
            return True
    elif level.period == "quarter":
        year, quarter = values.pop(0)
        if year == OTHER_YEAR or quarter == OTHER_QUARTER:
            return True
    return OTHER in values


# Computing a measure ----------------------------------------------------------------------------------
@dataclass
class Cell:
    figures: Figures
    value: int = 0  # pence
    quartiles: tuple | None = None


@dataclass
class LevelResult:
    hidden: bool
    cells: dict[tuple, Cell] = field(default_factory=dict)
    suppressed: set[tuple] = field(default_factory=set)

    @property
    def complete(self) -> bool:
        return not self.hidden and not self.suppressed


@dataclass
class Merging:
    """What the one-way tables hide, merged into one value in every cross-table."""

    years: set = field(default_factory=set)
    quarters: set = field(default_factory=set)  # (year, quarter)
    values: dict[str, set] = field(default_factory=dict)


@contextmanager
def fact_table(queryset):
    """The facts in a temporary table, so that every level's query reads one narrow table."""
    name = f"tbx_stat_facts_{timezone.now().strftime('%H%M%S%f')}"
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {sql}", params)
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {name}")


class Computation:
    """Disclosure control over every level of one measure, reading the facts table."""

    def __init__(self, spec: MeasureSpec, table: str):
        self.spec = spec
        self.table = table
        self.results: dict[Level, LevelResult] = {}

    # Queries -------------------------------------------------------------------------------
    def _keys(self, level: Level, merging: Merging | None) -> tuple[list[str], str, list]:
        """The key columns of a level: their aliases, the SELECT list that makes them, its params."""
        aliases, parts, params = [], [], []

        def add(alias, column, hidden, other):
            aliases.append(alias)
            if not hidden:
                parts.append(f"{column} AS {alias}")
                return
            marks = ", ".join(["%s"] * len(hidden))
            parts.append(f"CASE WHEN {column} IN ({marks}) THEN %s ELSE {column} END AS {alias}")
            params.extend([*sorted(hidden), other])

        if level.period:
            years = sorted(merging.years) if merging else []
            add("k_year", "s_year", years, OTHER_YEAR)
            if level.period == "quarter":
                codes = sorted({y * 10 + q for y, q in merging.quarters}) if merging else []
                if years or codes:
                    whens, more = [], []
                    if years:
                        whens.append(f"WHEN s_year IN ({', '.join(['%s'] * len(years))}) THEN %s")
                        more += [*years, OTHER_QUARTER]
                    if codes:
                        whens.append(
                            f"WHEN s_year * 10 + s_quarter IN ({', '.join(['%s'] * len(codes))}) THEN %s"
                        )
                        more += [*codes, OTHER_QUARTER]
                    aliases.append("k_quarter")
                    parts.append(f"CASE {' '.join(whens)} ELSE s_quarter END AS k_quarter")
                    params.extend(more)
                else:
                    add("k_quarter", "s_quarter", [], None)
        for dim in level.dims:
            hidden = sorted(merging.values.get(dim, ())) if merging else []
            add(f"k_{dim}", f"s_{dim}", hidden, OTHER)
        return aliases, ", ".join(parts), params

    def _key(self, level: Level, row) -> tuple:
        row = list(row)
        key = []
        if level.period == "year":
            key.append(int(row.pop(0)))
        elif level.period == "quarter":
            year, quarter = row.pop(0), row.pop(0)
            key.append((int(year), int(quarter)))
        key += [str(v) for v in row[: len(level.dims)]]
        return tuple(key)

    # The SQL below is assembled from names this module makes (the facts table, the k_ aliases of
    # DIMS, the s_ columns): every value, such as a hidden region, is a query parameter (S608).
    def query(self, level: Level, merging: Merging | None = None) -> dict[tuple, Cell]:
        aliases, select, params = self._keys(level, merging)
        columns = "s_contributor, s_unit, s_units, s_amount, s_days"
        inner = f"SELECT {select + ', ' if select else ''}{columns} FROM {self.table}"  # noqa: S608
        group = ", ".join(aliases)
        lead = group + ", " if group else ""
        by = f" GROUP BY {group}" if group else ""
        width = len(aliases)
        counted = "COUNT(DISTINCT s_unit)" if self.spec.repeated_units else "SUM(s_units)"
        cells: dict[tuple, Cell] = {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {lead}COUNT(DISTINCT s_contributor), {counted} FROM ({inner}) f{by}",  # noqa: S608
                params,
            )
            for row in cursor.fetchall():
                contributors, units = int(row[width] or 0), int(row[width + 1] or 0)
                if units or contributors:
                    cells[self._key(level, row[:width])] = Cell(
                        Figures(contributors=contributors, units=units)
                    )
            if self.spec.magnitude:
                self._magnitudes(cursor, level, cells, inner, params, group, lead, width)
            if self.spec.quartiles:
                self._quartiles(cursor, level, cells, inner, params, lead, width)
        return cells

    def _magnitudes(self, cursor, level, cells, inner, params, group, lead, width):
        """Each cell's total, spread (sum of the sizes of its contributors' net figures) and two
        largest contributors, by window functions over the contributors' sums."""
        partition = f"PARTITION BY {group}" if group else ""
        cursor.execute(
            f"SELECT {lead}s, rn, spread, total FROM ("  # noqa: S608
            f"SELECT {lead}s, ROW_NUMBER() OVER ({partition} ORDER BY ABS(s) DESC, s_contributor) AS rn, "
            f"SUM(ABS(s)) OVER ({partition}) AS spread, SUM(s) OVER ({partition}) AS total FROM ("
            f"SELECT {lead}s_contributor, SUM(s_amount) AS s FROM ({inner}) f GROUP BY {lead}s_contributor"
            f") g) w WHERE rn <= 2",
            params,
        )
        for row in cursor.fetchall():
            key = self._key(level, row[:width])
            size, rank, spread, total = (
                abs(int(row[width])),
                int(row[width + 1]),
                int(row[width + 2]),
                int(row[width + 3]),
            )
            cell = cells[key]
            f = cell.figures
            cell.value = total
            if rank == 1:
                cell.figures = Figures(f.contributors, f.units, spread, size, f.second)
            else:
                cell.figures = Figures(f.contributors, f.units, spread, f.largest, size)

    def _quartiles(self, cursor, level, cells, inner, params, lead, width):
        cursor.execute(
            f"SELECT {lead}s_days, SUM(s_units) FROM ({inner}) f GROUP BY {lead}s_days ORDER BY {lead}s_days",  # noqa: S608
            params,
        )
        histograms: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
        for row in cursor.fetchall():
            histograms[self._key(level, row[:width])].append((int(row[width]), int(row[width + 1])))
        for key, histogram in histograms.items():
            cells[key].quartiles = tuple(quantile(histogram, p) for p in (0.25, 0.5, 0.75))

    # Protection --------------------------------------------------------------------------------
    def run(self) -> dict[Level, LevelResult]:
        magnitude = self.spec.magnitude
        levels = levels_of(self.spec)
        total_level = levels[0]
        total = self.query(total_level)
        hidden_total = {k for k, c in total.items() if not disclosure.safe(c.figures, magnitude=magnitude)}
        self.results[total_level] = LevelResult(False, total, hidden_total)
        total_shown = not hidden_total

        for level in levels[1:]:
            if level.width != 1:
                continue
            cells = self.query(level)
            if level.period == "quarter":
                suppressed = self._quarters(cells)
            else:
                suppressed = disclosure.protect_line(
                    {k: c.figures for k, c in cells.items()}, magnitude=magnitude, parent_shown=total_shown
                )
            self.results[level] = LevelResult(False, cells, suppressed)

        merging = self._merging()
        for level in levels:
            if level.width < 2:
                continue
            if not total_shown or any(
                not self.results[sub].complete for sub in level.sub_levels() if sub.width >= 2
            ):
                self.results[level] = LevelResult(True)
                continue
            cells = self.query(level, merging)
            groups = [(lambda v: v[0]) if level.period == "quarter" else None] if level.period else []
            suppressed = disclosure.protect_grid(
                {k: c.figures for k, c in cells.items()}, magnitude=magnitude, groups=groups
            )
            if suppressed is None:
                self.results[level] = LevelResult(True)
            else:
                self.results[level] = LevelResult(False, cells, suppressed)
        return self.results

    def _quarters(self, cells: dict[tuple, Cell]) -> set[tuple]:
        """Quarters add up to their year: a hidden year hides its quarters; a shown year's quarters
        are a line of their own."""
        hidden_years = {k[0] for k in self.results[Level("year", ())].suppressed}
        by_year: dict[int, dict] = defaultdict(dict)
        for key, cell in cells.items():
            by_year[key[0][0]][key] = cell.figures
        suppressed = set()
        for year, line in by_year.items():
            if year in hidden_years:
                suppressed |= set(line)
            else:
                suppressed |= disclosure.protect_line(line, magnitude=self.spec.magnitude, parent_shown=True)
        return suppressed

    def _merging(self) -> Merging:
        merging = Merging()
        merging.years = {k[0] for k in self.results[Level("year", ())].suppressed}
        merging.quarters = {k[0] for k in self.results[Level("quarter", ())].suppressed}
        for dim in self.spec.dims:
            merging.values[dim] = {k[0] for k in self.results[Level("", (dim,))].suppressed}
        return merging


def quantile(histogram: list[tuple[int, int]], p: float) -> Decimal:
    """The p-quantile of values given as (value, how many), sorted, interpolating between the two
    nearest ranks (as PostgreSQL's percentile_cont); to one decimal place."""
    n = sum(count for _, count in histogram)
    position = (n - 1) * p
    low, high = math.floor(position), math.ceil(position)

    def at(rank: int) -> int:
        seen = 0
        for value, count in histogram:
            seen += count
            if rank < seen:
                return value
        return histogram[-1][0]

    a, b = at(low), at(high)
    exact = Decimal(a) + (Decimal(b) - Decimal(a)) * Decimal(str(position - low))
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# Releases -------------------------------------------------------------------------------------------------
def _stored_cells(release, spec: MeasureSpec, results: dict[Level, LevelResult]) -> Iterator[StatisticsCell]:
    for level, result in results.items():
        if result.hidden:
            continue
        for key, cell in result.cells.items():
            if level.width >= 2 and _is_merged(level, key):
                continue
            values = list(key)
            period = period_text(level, values.pop(0)) if level.period else ""
            dims = dict(zip(level.dims, values, strict=True))
            shown = key not in result.suppressed
            quartiles = cell.quartiles if shown and cell.quartiles else (None, None, None)
            yield StatisticsCell(
                release=release,
                measure=spec.code,
                period=period,
                region=dims.get("region", ""),
                authority_type=dims.get("authority_type", ""),
                division=dims.get("division", ""),
                breakdown=dims.get("breakdown", ""),
                shown=shown,
                count=disclosure.round_count(cell.figures.units) if shown else None,
                value_pence=cell.value if shown and spec.magnitude else None,
                lower_quartile=quartiles[0],
                median=quartiles[1],
                upper_quartile=quartiles[2],
            )


def compute_measure(spec: MeasureSpec, through: date) -> dict[Level, LevelResult]:
    """Every level of one measure (in the caller's transaction)."""
    if connection.vendor == "postgresql":
        # The grouped queries sort and hash millions of facts: memory for this transaction only,
        # rather than the server default of a few MB spilling every sort to disk.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '128MB'")
    with fact_table(spec.facts(through)) as table:
        return Computation(spec, table).run()


def make_release(*, covers_through: date | None = None) -> StatisticsRelease:
    """Compute and store a release; once complete it is the one published, and the others go."""
    covers_through = covers_through or disclosure.statistics_cover_through(timezone.localdate())
    release = StatisticsRelease.objects.create(covers_through=covers_through)
    counts = {}
    for spec in MEASURES.values():
        with transaction.atomic():
            results = compute_measure(spec, covers_through)
            StatisticsLevel.objects.bulk_create(
                [
                    StatisticsLevel(
                        release=release, measure=spec.code, level=level.code, hidden=result.hidden
                    )
                    for level, result in results.items()
                ],
                batch_size=BATCH,
            )
            made = StatisticsCell.objects.bulk_create(_stored_cells(release, spec, results), batch_size=BATCH)
            counts[spec.code] = len(made)
    with transaction.atomic():
        release.completed_at = timezone.now()
        release.save(update_fields=["completed_at"])
        StatisticsRelease.objects.exclude(pk=release.pk).delete()
        record(
            "statistics.released",
            obj=release,
            after={"covers_through": covers_through.isoformat(), "cells": counts},
            actor_label="system",
        )
    return release


def make_due_release(today: date | None = None) -> StatisticsRelease | None:
    """The daily job: a new release once a new quarter may be published (none before). Safe to run
    twice: the second run finds the release made by the first."""
    due = disclosure.statistics_cover_through(today or timezone.localdate())
    latest = StatisticsRelease.objects.published().first()
    if latest is not None and latest.covers_through >= due:
        return None
    return make_release(covers_through=due)
