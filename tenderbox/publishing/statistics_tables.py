"""The published statistics tables: what each shows, read from the latest release for a combination
of filters, and their CSV and JSON. Nothing is computed from the data here: every figure comes from
the release (publishing/statistics.py), already protected, so whatever filters are chosen the
table is one the disclosure control has seen. A figure is confidential ([c]) when the release hid
its cell, when its cross-table was hidden whole, or when a value it is broken down by was hidden in
that value's own one-way table (a hidden figure stays hidden in every finer table)."""

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from tenderbox.lib.csvsafe import csv_bytes
from tenderbox.lib.forms import GovukForm
from tenderbox.lib.uk import itl_regions, region_name
from tenderbox.publishing.disclosure import CONFIDENTIAL, NOT_APPLICABLE
from tenderbox.publishing.models import Measure, StatisticsCell, StatisticsLevel
from tenderbox.publishing.statistics import (
    DIMS,
    NOT_RECORDED,
    SUPPLIER_SIZES,
    TENDER_BANDS,
    UNCLASSIFIED,
    Level,
)

FILTER_DIMS = ("region", "authority_type", "division")
SYMBOLS = {
    CONFIDENTIAL: "Confidential: hidden so that no person or organisation can be identified from it.",
    NOT_APPLICABLE: "Not applicable: a share of nothing.",
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # money, count, percent, days
    source: str  # value, count, share_value, share_count, lower_quartile, median, upper_quartile


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    intro: str
    measure: str
    row_dim: str
    row_header: str
    columns: tuple[Column, ...]


SPEND_COLUMNS = (
    Column("spend", "Spend excluding VAT (£)", "money", "value"),
    Column("payments", "Payments", "count", "count"),
    Column("share_of_spend", "Share of spend (%)", "percent", "share_value"),
)

TABLES = {
    t.slug: t
    for t in (
        Table(
            "spend-by-category",
            "Spend by category",
            "What was paid under contracts, by the top-level division of the Common Procurement "
            "Vocabulary (CPV) of what was bought.",
            Measure.SPEND,
            "division",
            "CPV division",
            SPEND_COLUMNS,
        ),
        Table(
            "spend-by-region",
            "Spend by region",
            "What was paid under contracts, by the region of the buying authority (ITL level 1).",
            Measure.SPEND,
            "region",
            "Buyer's region",
            SPEND_COLUMNS,
        ),
        Table(
            "spend-by-authority-type",
            "Spend by type of authority",
            "What was paid under contracts, by the kind of public body that bought.",
            Measure.SPEND,
            "authority_type",
            "Type of authority",
            SPEND_COLUMNS,
        ),
        Table(
            "sme-share",
            "Contracts awarded to small and medium-sized enterprises",
            "Contracts awarded, by every route, and their value when awarded, by the size of the supplier. "
            "Sole traders are counted as small businesses.",
            Measure.CONTRACTS,
            "breakdown",
            "Supplier size",
            (
                Column("contracts", "Contracts", "count", "count"),
                Column("share_of_contracts", "Share of contracts (%)", "percent", "share_count"),
                Column("value", "Value when awarded, excluding VAT (£)", "money", "value"),
                Column("share_of_value", "Share of value (%)", "percent", "share_value"),
            ),
        ),
        Table(
            "tenders-per-procurement",
            "Tenders received per procurement",
            "Procurements whose tenders have been opened, by how many tenders were submitted. Only the "
            "number is used: what was tendered stays sealed.",
            Measure.TENDERS,
            "breakdown",
            "Tenders received",
            (
                Column("procurements", "Procurements", "count", "count"),
                Column("share_of_procurements", "Share of procurements (%)", "percent", "share_count"),
            ),
        ),
        Table(
            "time-to-award",
            "Time from publication to award",
            "Calendar days from the tender notice (or, for a further competition, the invitation) to the "
            "award decision, for procurements awarded and not cancelled, by procedure.",
            Measure.AWARD_TIMES,
            "breakdown",
            "Procedure",
            (
                Column("procurements", "Procurements", "count", "count"),
                Column("lower_quartile_days", "Lower quartile (days)", "days", "lower_quartile"),
                Column("median_days", "Median (days)", "days", "median"),
                Column("upper_quartile_days", "Upper quartile (days)", "days", "upper_quartile"),
            ),
        ),
    )
}


# Labels ----------------------------------------------------------------------------------------------
def _divisions() -> dict[str, str]:
    from django.db.models.functions import Length

    from tenderbox.tenders.models import CpvCode

    found = CpvCode.objects.annotate(n=Length("prefix")).filter(n=2).values_list("prefix", "description")
    return {prefix: description for prefix, description in found}


SIZE_LABELS = {
    "sme": "Small and medium-sized enterprises (including sole traders)",
    "large": "Large enterprises",
    NOT_RECORDED: "Size not recorded",
}
BAND_LABELS = {
    "0": "None",
    "1": "1 tender",
    **{str(n): f"{n} tenders" for n in range(2, 11)},
    "11": "11 or more tenders",
}


class Labels:
    """Names and order of each dimension's values."""

    @cached_property
    def divisions(self) -> dict[str, str]:
        return _divisions()

    def order(self, table: Table, dim: str, values) -> list[str]:
        if dim == "region":
            known = [code for code, _ in itl_regions()]
        elif dim == "authority_type":
            from tenderbox.organisations.models import Organisation

            known = [*Organisation.AuthorityType.values, NOT_RECORDED]
        elif dim == "breakdown":
            known = {
                Measure.CONTRACTS: list(SUPPLIER_SIZES),
                Measure.TENDERS: list(TENDER_BANDS),
                Measure.AWARD_TIMES: self._procedures(),
            }[table.measure]
        else:
            known = sorted(values)
        rank = {v: i for i, v in enumerate(known)}
        return sorted(values, key=lambda v: (rank.get(v, len(rank)), v))

    @staticmethod
    def _procedures() -> list[str]:
        from tenderbox.tenders.models import Procurement

        return list(Procurement.Procedure.values)

    def label(self, table: Table, dim: str, value: str) -> str:
        if dim == "region":
            return region_name(value)
        if dim == "authority_type":
            from tenderbox.organisations.models import Organisation

            return "Not recorded" if value == NOT_RECORDED else Organisation.AuthorityType(value).label
        if dim == "division":
            if value == UNCLASSIFIED:
                return "Not classified"
            return f"{value} {self.divisions.get(value, '')}".strip()
        if table.measure == Measure.CONTRACTS:
            return SIZE_LABELS.get(value, value)
        if table.measure == Measure.TENDERS:
            return BAND_LABELS.get(value, value)
        from tenderbox.tenders.models import Procurement

        return Procurement.Procedure(value).label if value in Procurement.Procedure.values else value


# Filters ---------------------------------------------------------------------------------------------
class StatisticsFilters(GovukForm):
    year = forms.ChoiceField(label="Year", required=False, choices=())
    quarter = forms.ChoiceField(
        label="Quarter",
        required=False,
        choices=[
            ("", "Whole year"),
            ("1", "January to March"),
            ("2", "April to June"),
            ("3", "July to September"),
            ("4", "October to December"),
        ],
    )
    region = forms.ChoiceField(label="Buyer's region", required=False, choices=())
    authority_type = forms.ChoiceField(label="Type of authority", required=False, choices=())
    division = forms.ChoiceField(label="CPV division", required=False, choices=())

    def __init__(self, *args, years=(), labels: Labels | None = None, **kwargs):
        from tenderbox.organisations.models import Organisation

        super().__init__(*args, **kwargs)
        labels = labels or Labels()
        self.fields["year"].choices = [("", "All years"), *[(y, y) for y in years]]
        self.fields["region"].choices = [("", "All regions"), *itl_regions()]
        self.fields["authority_type"].choices = [
            ("", "All types"),
            *Organisation.AuthorityType.choices,
            (NOT_RECORDED, "Not recorded"),
        ]
        self.fields["division"].choices = [
            ("", "All divisions"),
            *[(code, f"{code} {name}") for code, name in sorted(labels.divisions.items())],
            (UNCLASSIFIED, "Not classified"),
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("quarter") and not cleaned.get("year"):
            self.add_error("quarter", ValidationError("Choose a year to choose one of its quarters"))
        return cleaned


def release_years(release) -> list[str]:
    """The years a release has figures for, newest first."""
    periods = StatisticsCell.objects.filter(release=release, **{d: "" for d in DIMS}).values_list(
        "period", flat=True
    )
    return sorted({p for p in periods if len(p) == 4}, reverse=True)


def period_of(filters: dict) -> tuple[str, str]:
    """(granularity, the period's value in the release)."""
    if filters.get("quarter"):
        return "quarter", f"{filters['year']}-Q{filters['quarter']}"
    if filters.get("year"):
        return "year", filters["year"]
    return "", ""


# Reading a release -----------------------------------------------------------------------------------
HIDDEN, EMPTY = "hidden", "empty"


class ReleaseReader:
    """One measure of one release: which cross-tables are hidden whole, which values are hidden in
    their one-way tables, and the cells a table needs."""

    def __init__(self, release, measure: str):
        self.release = release
        self.measure = measure
        self.hidden_levels = set(
            StatisticsLevel.objects.filter(release=release, measure=measure, hidden=True).values_list(
                "level", flat=True
            )
        )
        self.one_way = self._one_way_cells()

    def _one_way_cells(self) -> dict[tuple[str, str], StatisticsCell]:
        """(dimension or 'period', value) -> its cell in the one-way table."""
        blank = {d: "" for d in DIMS}
        q = Q(period__gt="", **blank)
        for dim in DIMS:
            q |= Q(period="", **{d: "" for d in DIMS if d != dim}) & ~Q(**{dim: ""})
        found = {}
        for cell in StatisticsCell.objects.filter(release=self.release, measure=self.measure).filter(q):
            dim = next((d for d in DIMS if getattr(cell, d)), "period")
            found[(dim, getattr(cell, dim) if dim != "period" else cell.period)] = cell
        return found

    def values(self, dim: str) -> list[str]:
        return [value for (d, value) in self.one_way if d == dim]

    def _merged(self, dim: str, value: str) -> bool:
        cell = self.one_way.get((dim, value))
        return cell is not None and not cell.shown

    def cells(self, period: str, fixed: dict[str, str], row_dim: str) -> tuple[dict, object]:
        """The cells of one table: {row value: cell} and the total cell (None when empty)."""
        free = {d: "" for d in DIMS if d not in fixed and d != row_dim}
        base = StatisticsCell.objects.filter(
            release=self.release, measure=self.measure, period=period, **free
        )
        if row_dim in fixed:
            found = list(base.filter(**fixed))
            cell = found[0] if found else None
            return {fixed[row_dim]: cell}, cell
        found = list(base.filter(**fixed))  # the rows, and the total (the row dimension empty)
        rows = {getattr(c, row_dim): c for c in found if getattr(c, row_dim)}
        total = next((c for c in found if not getattr(c, row_dim)), None)
        return rows, total

    def status(self, level: Level, period: str, coordinates: dict[str, str], cell):
        """HIDDEN, EMPTY (zero) or the stored cell. Where a year is hidden, so is all of it, even a
        quarter with nothing in it (a zero would say where the year's figure is not)."""
        if level.period == "quarter" and self._merged("period", period.split("-")[0]):
            return HIDDEN
        if level.width >= 2:
            if level.code in self.hidden_levels:
                return HIDDEN
            if period and self._merged("period", period):
                return HIDDEN
            if any(self._merged(d, v) for d, v in coordinates.items()):
                return HIDDEN
        if cell is None:
            return EMPTY
        return cell if cell.shown else HIDDEN


@dataclass
class Figure:
    value: object  # a number, or None
    symbol: str = ""

    @property
    def text(self) -> str:
        return self.symbol or _format(self.value)


def _format(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:,}"
    return f"{value:,}" if isinstance(value, int) else str(value)


@dataclass
class Row:
    key: str
    label: str
    figures: dict[str, Figure]


@dataclass
class Result:
    table: Table
    rows: list[Row]
    total: Row
    release: object


def _pounds(pence: int) -> int:
    return int((Decimal(pence) / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _share(part, whole) -> Figure:
    if part.symbol or whole.symbol:
        return Figure(None, CONFIDENTIAL)
    if not whole.value:
        return Figure(None, NOT_APPLICABLE)
    share = Decimal(part.value) * 100 / Decimal(whole.value)
    return Figure(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _figures(table: Table, found) -> dict[str, Figure]:
    out = {}
    for column in table.columns:
        if column.source.startswith("share_"):
            continue
        if found is HIDDEN:
            out[column.key] = Figure(None, CONFIDENTIAL)
        elif found is EMPTY:
            out[column.key] = Figure(None, NOT_APPLICABLE) if column.kind == "days" else Figure(0)
        elif column.source == "value":
            out[column.key] = Figure(_pounds(found.value_pence))
        else:
            out[column.key] = Figure(getattr(found, column.source))
    return out


def build(table: Table, release, filters: dict, labels: Labels | None = None, readers=None) -> Result:
    """The table for these (valid) filters. `readers` (a dict) keeps each measure's reader for the
    next table of the same release."""
    labels = labels or Labels()
    readers = {} if readers is None else readers
    if (release.pk, table.measure) not in readers:
        readers[(release.pk, table.measure)] = ReleaseReader(release, table.measure)
    reader = readers[(release.pk, table.measure)]
    granularity, period = period_of(filters)
    fixed = {d: filters[d] for d in FILTER_DIMS if filters.get(d)}
    row_level = Level.of(granularity, {*fixed, table.row_dim})
    total_level = Level.of(granularity, fixed)
    cells, total_cell = reader.cells(period, fixed, table.row_dim)
    if table.row_dim in fixed:
        values = [fixed[table.row_dim]]
    else:
        values = labels.order(table, table.row_dim, reader.values(table.row_dim))
    total_figures = _figures(table, reader.status(total_level, period, fixed, total_cell))
    rows = []
    for value in values:
        coordinates = {**fixed, table.row_dim: value}
        found = reader.status(row_level, period, coordinates, cells.get(value))
        rows.append(Row(value, labels.label(table, table.row_dim, value), _figures(table, found)))
    for column in table.columns:
        if column.source.startswith("share_"):
            of = next(c.key for c in table.columns if c.source == column.source.removeprefix("share_"))
            for row in rows:
                row.figures[column.key] = _share(row.figures[of], total_figures[of])
            total_figures[column.key] = _share(total_figures[of], total_figures[of])
    return Result(table, rows, Row("", "Total", total_figures), release)


# Downloads ---------------------------------------------------------------------------------------------
def _plain(figure: Figure):
    if figure.symbol:
        return None
    return float(figure.value) if isinstance(figure.value, Decimal) else figure.value


def csv_content(result: Result) -> bytes:
    table = result.table
    header = [table.row_header, *[c.header for c in table.columns]]
    rows = [
        [row.label, *[row.figures[c.key].symbol or _plain(row.figures[c.key]) for c in table.columns]]
        for row in [*result.rows, result.total]
    ]
    return csv_bytes(header, rows)


def json_content(result: Result, filters: dict) -> bytes:
    table = result.table

    def item(row: Row) -> dict:
        out = {"key": row.key or None, "label": row.label}
        out.update({c.key: _plain(row.figures[c.key]) for c in table.columns})
        symbols = {c.key: row.figures[c.key].symbol for c in table.columns if row.figures[c.key].symbol}
        if symbols:
            out["symbols"] = symbols
        return out

    document = {
        "statistic": table.slug,
        "title": table.title,
        "covers_through": result.release.covers_through.isoformat(),
        "filters": {k: v for k, v in filters.items() if v},
        "symbols": SYMBOLS,
        "counts_rounded_to": 5,
        "rows": [item(r) for r in result.rows],
        "total": item(result.total),
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()
