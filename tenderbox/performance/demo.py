"""Demo KPIs for the demo world's call-off (portal/demo.py's facilities framework): a framework KPI set
by Riverside, two contract KPIs set by Northshire, Brightside's reports for the months and quarters
that have ended (complaints for the latest month left unreported, so it shows as due or late), and a
rating once a quarter has ended. Built through the actions; idempotent."""

from decimal import Decimal

from django.utils import timezone

from tenderbox.accounts.models import User
from tenderbox.contracts.models import Contract
from tenderbox.performance import actions
from tenderbox.performance.models import Kpi


def load_demo_performance() -> int:
    contract = Contract.objects.filter(title="Cleaning of County Hall").select_related("framework").first()
    if contract is None or Kpi.objects.for_contract(contract).exists():
        return 0
    kamal = User.objects.get(email="kamal.shah@riverside-nhs.example")
    ian = User.objects.get(email="ian.price@northshire.example")
    carla = User.objects.get(email="carla.diaz@brightside.example")
    audit = actions.define_kpi(
        by=kamal,
        framework=contract.framework,
        name="Cleaning audit score",
        description="Share of audited rooms passing the framework's cleanliness standard.",
        unit="%",
        target=Decimal("90"),
        period="quarterly",
        direction="higher",
    )
    visits = actions.define_kpi(
        by=ian,
        contract=contract,
        name="Scheduled cleans completed",
        unit="%",
        target=Decimal("98"),
        period="monthly",
        direction="higher",
    )
    complaints = actions.define_kpi(
        by=ian,
        contract=contract,
        name="Complaints upheld",
        unit="complaints",
        target=Decimal("2"),
        period="monthly",
        direction="lower",
    )
    today = timezone.localdate()
    for kpi, values in (
        (visits, ["96.5", "98.4", "99.1", "97.2", "99.6"]),
        (complaints, ["3", "1", "0", "2", "1"]),
        (audit, ["87", "92.5", "94"]),
    ):
        periods = actions.reportable_periods(kpi, contract, today)
        if kpi is complaints:
            periods = periods[:-1]  # the latest month is still to be reported: it shows as due or late
        for period, value in zip(periods, values, strict=False):
            comment = "Two cleaners off sick in the first week." if value in ("96.5", "3") else ""
            actions.report_kpi(
                contract, kpi, period_start=period.starts_on, value=Decimal(value), comment=comment, by=carla
            )
    quarters = [p for p in actions.rating_periods(contract, today) if p.kind == "quarterly"]
    if quarters:
        actions.rate_performance(
            contract,
            period_kind="quarterly",
            period_start=quarters[0].starts_on,
            rating="approaching_target",
            feedback="Missed the schedule in the first month; much better since. Keep the audit score "
            "above 90%.",
            by=ian,
        )
    return 1
