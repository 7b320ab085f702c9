"""The performance app as a metric source (publishing/sources.py): each KPI that applies to a
contract (its own, and its framework's for a call-off) becomes one of the contract's agreed metrics
with its target, and each value the supplier reported for a period an observation of it. Registered
in PublishingConfig.ready() when the performance app is installed.

Nothing of the performance app was public before this, so only what the law has the authority
publish about KPIs is read: the KPI's name, how it is measured, its unit, target, how often it is
reported and which way is better (the KPIs set under PA23 s.52 are published with the contract's
details), and the value reported for each period with when it was reported (performance against them
is published under s.71). Never read: the supplier's comment on a value (free text that may name
people), who set a KPI or reported a value (accounts), the late-report chases, and the buyer's
ratings and written feedback: the rating belongs in the buyer's contract performance notice (s.71),
which Tenderbox does not publish, and the feedback may name the supplier's staff or a sole trader.
"""

from tenderbox.publishing.sources import Metric, Observation

EACH = {
    "monthly": "each month",
    "quarterly": "each quarter",
    "annual": "each financial year (April to March)",
}


def _description(kpi) -> str:
    bound = "at least" if kpi.direction == "higher" else "at most"
    how = f"Reported {EACH[kpi.period]}; the target is {bound} {kpi.show(kpi.target)} in every period."
    return f"{kpi.description.strip()} {how}" if kpi.description.strip() else how


def kpi_metrics(contracts) -> dict[int, list[Metric]]:
    """For each contract, its KPIs, oldest first, each with its reported values by period: the
    contract's own KPIs and, for a call-off, its framework's (`Kpi.objects.for_contract`). A KPI set
    before the contract was entered into (on its framework) applies from the contract's award. Two
    queries for all the contracts."""
    from tenderbox.performance.models import Kpi, KpiReport

    ids = [c.pk for c in contracts]
    kpis = list(Kpi.objects.for_contracts(contracts).order_by("created_at", "pk"))
    if not kpis:
        return {}
    reports = {}
    for report in (
        KpiReport.objects.filter(contract_id__in=ids)
        .only("contract_id", "kpi_id", "period_start", "period_end", "value", "reported_at", "corrections")
        .order_by("period_start", "pk")
    ):
        reports.setdefault((report.contract_id, report.kpi_id), []).append(report)
    found = {}
    for contract in contracts:
        for kpi in kpis:
            if not kpi.applies_to(contract):
                continue
            found.setdefault(contract.pk, []).append(
                Metric(
                    id=f"kpi-{kpi.pk}",
                    title=kpi.name,
                    description=_description(kpi),
                    unit=kpi.unit,
                    target=kpi.target,
                    applies_from=max(kpi.created_at, contract.awarded_at),
                    observations=tuple(
                        Observation(
                            id=report.period_start.isoformat(),
                            starts_on=report.period_start,
                            ends_on=report.period_end,
                            measure=report.value,
                            reported_at=report.reported_at,
                            revision=report.corrections,
                        )
                        for report in reports.get((contract.pk, kpi.pk), ())
                    ),
                )
            )
    return found
