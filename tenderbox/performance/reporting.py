"""The KPI report, read-only: each KPI's periods with their reports and status, its chart, the
ratings, and the same rows as CSV. Built from records the caller fetched through access.py."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q
from django.utils import timezone
from markupsafe import Markup

from tenderbox.lib.charts import Series, bar_chart, line_chart
from tenderbox.performance import actions, rules
from tenderbox.performance.models import Kpi, KpiReport, PerformanceRating


@dataclass
class Row:
    """One period of one KPI on one contract."""

    contract: object
    kpi: Kpi
    period: rules.Period
    report: KpiReport | None
    status: str
    late: bool = False

    @property
    def met(self) -> bool | None:
        return None if self.report is None else self.kpi.meets(self.report.value)

    @property
    def met_label(self) -> str:
        return {None: "", True: "Met", False: "Missed"}[self.met]


@dataclass
class KpiSection:
    kpi: Kpi
    rows: list[Row]
    chart: Markup
    contract: object = None
    contracts: list = field(default_factory=list)
    summaries: list = field(default_factory=list)  # framework report: one PeriodSummary per period
    per_contract: bool = True  # framework report: a line per call-off (else lowest/average/highest)

    @property
    def reportable(self) -> list[Row]:
        return [r for r in self.rows if r.status != "In progress"]


def _status(period: rules.Period, report, today: date) -> tuple[str, bool]:
    if report is not None:
        return ("Reported (corrected)" if report.corrections else "Reported"), False
    if not rules.is_reportable(period, today):
        return "In progress", False
    late = rules.days_late(period, today)
    if late:
        return f"Late by {late} day{'s' if late != 1 else ''}", True
    return f"Due by {period.due_on:%-d %B %Y}", False


def kpi_rows(contract, kpi: Kpi, reports: dict, today: date) -> list[Row]:
    """Every period of the KPI that has begun (all of them once the contract has ended)."""
    rows = []
    for period in actions.periods(kpi.period, contract):
        if period.starts_on > today:
            break
        report = reports.get((kpi.pk, contract.pk, period.starts_on))
        status, late = _status(period, report, today)
        rows.append(Row(contract, kpi, period, report, status, late))
    return rows


def _reports(contracts) -> dict:
    return {
        (r.kpi_id, r.contract_id, r.period_start): r for r in KpiReport.objects.filter(contract__in=contracts)
    }


def _describe(kpi: Kpi, rows: list[Row], who: str) -> str:
    reported = [r for r in rows if r.report is not None]
    if not rows:
        return f"No period of {kpi.name} has begun yet. Target {kpi.target_label}."
    met = sum(1 for r in reported if r.met)
    return (
        f"{kpi.get_period_display()} values of {kpi.name} {who}, from {rows[0].period.label} to "
        f"{rows[-1].period.label}, against a target of {kpi.target_label}. {len(reported)} of "
        f"{len(rows)} periods reported; {met} met the target."
    )


def contract_chart(contract, kpi: Kpi, rows: list[Row]) -> Markup:
    title = f"{kpi.name}: {contract.reference}"
    description = _describe(kpi, rows, f"reported by {contract.supplier.name}")
    labels = [r.period.short_label for r in rows]
    values = [r.report.value if r.report else None for r in rows]
    met = [r.met for r in rows]
    if kpi.period == rules.ANNUAL:
        return bar_chart(
            title=title,
            description=description,
            labels=labels,
            values=values,
            met=met,
            target=kpi.target,
            unit=kpi.unit,
            name=contract.supplier.name,
        )
    return line_chart(
        title=title,
        description=description,
        labels=labels,
        series=[Series(contract.supplier.name, values, met)],
        target=kpi.target,
        unit=kpi.unit,
    )


def contract_sections(contract, today: date | None = None, *, charts: bool = True) -> list[KpiSection]:
    """Each KPI of the contract with its periods and, unless only the rows are wanted (CSV), its chart."""
    return sections_by_contract([contract], today, charts=charts)[contract.pk]


def sections_by_contract(contracts, today: date | None = None, *, charts: bool = True) -> dict:
    """`contract_sections` for each of many contracts (by id), in two queries whatever their number."""
    today = today or timezone.localdate()
    contracts = list(contracts)
    reports = _reports(contracts)
    frameworks = {c.framework_id for c in contracts if c.framework_id}
    # Framework KPIs first (NULLS LAST on both databases), then the contract's own, oldest first.
    kpis = list(
        Kpi.objects.filter(Q(contract__in=contracts) | Q(framework_id__in=frameworks)).order_by(
            F("framework").asc(nulls_last=True), "created_at", "pk"
        )
    )
    found = {}
    for contract in contracts:
        sections = []
        for kpi in kpis:
            if kpi.contract_id != contract.pk and not (
                contract.framework_id and kpi.framework_id == contract.framework_id
            ):
                continue
            rows = kpi_rows(contract, kpi, reports, today)
            chart = contract_chart(contract, kpi, rows) if charts else Markup("")
            sections.append(KpiSection(kpi, rows, chart, contract=contract))
        found[contract.pk] = sections
    return found


@dataclass
class PeriodSummary:
    """One calendar period of a framework KPI across the call-offs that report it."""

    period: rules.Period
    values: list
    met: int
    owed: int

    @property
    def lowest(self):
        return min(self.values) if self.values else None

    @property
    def highest(self):
        return max(self.values) if self.values else None

    @property
    def average(self):
        if not self.values:
            return None
        return (sum(self.values) / len(self.values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# Up to this many call-offs a framework KPI's chart has a line for each; beyond, the lines would be
# unreadable, so it shows the lowest, average and highest value of each period instead.
MAX_LINES = 6


def framework_sections(framework, contracts, today: date | None = None) -> list[KpiSection]:
    """Each framework KPI across the call-offs, periods aligned on the calendar (a call-off's first
    period may be cut short, but it is the same month or quarter). `summaries` holds, per period, the
    values reported, how many met the target and how many call-offs owed a report."""
    today = today or timezone.localdate()
    reports = _reports(contracts)
    sections = []
    for kpi in framework.kpis.order_by("created_at", "pk"):
        rows_by_contract = [(c, kpi_rows(c, kpi, reports, today)) for c in contracts]
        keys = sorted(
            {
                rules.period_bounds(kpi.period, r.period.starts_on)
                for _, rows in rows_by_contract
                for r in rows
            }
        )
        periods = [rules.Period(s, e, kpi.period) for s, e in keys]
        labels = [p.short_label for p in periods]
        aligned = []
        for contract, rows in rows_by_contract:
            by_key = {rules.period_bounds(kpi.period, r.period.starts_on): r for r in rows}
            aligned.append((contract, [by_key.get(k) for k in keys]))
        summaries = []
        for i, period in enumerate(periods):
            cells = [row[i] for _, row in aligned if row[i] is not None]
            values = [r.report.value for r in cells if r.report]
            summaries.append(PeriodSummary(period, values, sum(1 for r in cells if r.met), len(cells)))
        all_rows = [r for _, rows in rows_by_contract for r in rows]
        if len(contracts) <= MAX_LINES:
            series = [
                Series(
                    f"{c.reference} ({c.buyer.name})",
                    [r.report.value if r and r.report else None for r in row],
                    [r.met if r else None for r in row],
                )
                for c, row in aligned
            ]
        else:
            series = [
                Series("Lowest", [p.lowest for p in summaries]),
                Series("Average", [p.average for p in summaries]),
                Series("Highest", [p.highest for p in summaries]),
            ]
        description = _describe(kpi, all_rows, f"across {len(contracts)} call-off contracts")
        if len(contracts) > MAX_LINES:
            description += " The lines show the lowest, average and highest value reported each period."
        chart = line_chart(
            title=f"{kpi.name}: {framework.reference}",
            description=description,
            labels=labels,
            series=series,
            target=kpi.target,
            unit=kpi.unit,
        )
        sections.append(
            KpiSection(
                kpi,
                all_rows,
                chart,
                contracts=list(contracts),
                summaries=summaries,
                per_contract=len(contracts) <= MAX_LINES,
            )
        )
    return sections


def ratings(contract) -> list[PerformanceRating]:
    return ratings_by_contract([contract])[contract.pk]


def ratings_by_contract(contracts) -> dict[int, list[PerformanceRating]]:
    """Each contract's ratings (by id), latest first, in one query."""
    found = {c.pk: [] for c in contracts}
    rows = PerformanceRating.objects.filter(contract__in=list(found)).select_related("rated_by")
    for row in rows.order_by("-period_end", "period_kind", "pk"):
        found[row.contract_id].append(row)
    return found


def rating_label(row: PerformanceRating) -> str:
    return rules.Period(row.period_start, row.period_end, row.period_kind).label


def assessment_due_by(contract, rows: list[PerformanceRating]) -> date:
    last = max((r.period_end for r in rows), default=None)
    return rules.assessment_due_by(contract.starts_on, last)


def rating_counts_chart(title: str, rows: list[PerformanceRating]) -> Markup:
    from tenderbox.performance.models import Rating

    labels = [label for _, label in Rating.choices if _ != Rating.OTHER] + ["Other"]
    keys = [k for k, _ in Rating.choices if k != Rating.OTHER] + [Rating.OTHER]
    counts = [sum(1 for r in rows if r.rating == k) for k in keys]
    description = ", ".join(f"{label}: {n}" for label, n in zip(labels, counts, strict=True)) + "."
    return bar_chart(
        title=title,
        description=f"Latest rating of each call-off. {description}",
        labels=labels,
        values=counts,
        unit="contracts",
        name="Call-offs",
        integer=True,
    )


CSV_HEADER = [
    "Contract",
    "Buyer",
    "Supplier",
    "KPI",
    "Set on",
    "Unit",
    "Target",
    "Better",
    "Period",
    "Period start",
    "Period end",
    "Value",
    "Target met",
    "Status",
    "Supplier comment",
    "Reported at",
]


def csv_rows(sections: list[KpiSection]):
    for section in sections:
        kpi = section.kpi
        for row in section.rows:
            report = row.report
            yield [
                row.contract.reference,
                row.contract.buyer.name,
                row.contract.supplier.name,
                kpi.name,
                "Framework" if kpi.framework_id else "Contract",
                kpi.unit,
                kpi.target,
                kpi.get_direction_display(),
                row.period.label,
                row.period.starts_on.isoformat(),
                row.period.ends_on.isoformat(),
                report.value if report else None,
                row.met_label,
                row.status,
                report.comment if report else "",
                timezone.localtime(report.reported_at).isoformat(timespec="minutes") if report else "",
            ]
