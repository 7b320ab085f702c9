"""KPI report and chase at scale: N call-offs under one framework, K KPIs each reported monthly for two
years; time the framework report (read model and charts), its CSV, one contract's page data and the
daily chase job.

    .venv/bin/python benchmarks/performance_report.py --contracts 200 --kpis 3

Uses a fresh SQLite database in a temporary directory unless DATABASE_URL is set (then it must be
an empty database you can throw away). Nothing else is touched.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=200, help="Call-off contracts.")
    parser.add_argument("--kpis", type=int, default=3, help="Framework KPIs (monthly).")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="tenderbox-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tenderbox.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("HUEY_IMMEDIATE", "false")
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command

    from tenderbox.accounts.models import User
    from tenderbox.contracts.models import Contract
    from tenderbox.frameworks.models import Framework, FrameworkLot
    from tenderbox.lib.csvsafe import csv_bytes
    from tenderbox.organisations.models import Membership, Organisation, Role
    from tenderbox.performance import actions, reporting
    from tenderbox.performance.models import Kpi, KpiReport
    from tenderbox.tenders.rules import UK_TIME

    call_command("migrate", verbosity=0)
    user = User.objects.create_user(email="bench@example.com", password="x" * 20, full_name="Bench")
    org = dict(address_line_1="1 Road", town="Leeds", postcode="LS1 4AP", region="TLE")
    owner = Organisation.objects.create(kind="buyer", name="Owner", authority_type="local_authority", **org)
    buyer = Organisation.objects.create(kind="buyer", name="Buyer", authority_type="local_authority", **org)
    supplier = Organisation.objects.create(kind="supplier", name="Supplier", **org)
    for o in (owner, buyer, supplier):
        Membership.objects.create(user=user, organisation=o, role=Role.ADMIN)
    framework = Framework.objects.create(
        owner=owner,
        reference="FW-B",
        title="Bench",
        description="-",
        starts_on=date(2025, 1, 1),
        ends_on=date(2029, 1, 1),
        original_ends_on=date(2029, 1, 1),
        status="live",
        created_by=user,
    )
    lot = FrameworkLot.objects.create(
        framework=framework, number=1, title="L", scope="-", max_value=Decimal("1e9"), call_off_method="both"
    )
    contracts = Contract.objects.bulk_create(
        Contract(
            reference=f"CON-B-{i:06d}",
            buyer=buyer,
            supplier=supplier,
            framework=framework,
            framework_lot=lot,
            route="direct_award",
            title=f"Call-off {i}",
            description="-",
            category="services",
            value_excl_vat=Decimal("100000"),
            original_value_excl_vat=Decimal("100000"),
            starts_on=date(2026, 1, 1),
            ends_on=date(2027, 12, 31),
            original_ends_on=date(2027, 12, 31),
            delivery_postcode="LS1 4AP",
            delivery_region="TLE",
            awarded_by=user,
        )
        for i in range(args.contracts)
    )
    with time_machine.travel(datetime(2025, 12, 1, tzinfo=UK_TIME)):
        kpis = [
            Kpi.objects.create(
                framework=framework,
                name=f"KPI {k}",
                unit="%",
                target=95,
                period="monthly",
                direction="higher",
                created_by=user,
            )
            for k in range(args.kpis)
        ]
    months = [date(2026 + m // 12, m % 12 + 1, 1) for m in range(24)]
    reports = [
        KpiReport(
            kpi=k,
            contract=c,
            period_start=m,
            period_end=m,
            value=Decimal(90 + (i + n) % 10),
            reported_by=user,
        )
        for i, c in enumerate(contracts)
        for k in kpis
        for n, m in enumerate(months)
        if (i + n) % 7  # gaps
    ]
    KpiReport.objects.bulk_create(reports, batch_size=2000)
    print(f"{len(contracts)} call-offs, {len(kpis)} KPIs, {len(reports)} reports")

    with time_machine.travel(datetime(2028, 1, 15, 9, tzinfo=UK_TIME)):
        start = time.perf_counter()
        sections = reporting.framework_sections(framework, contracts)
        svg = sum(len(str(s.chart)) for s in sections)
        print(f"framework report: {time.perf_counter() - start:.2f}s ({svg // 1024} KiB of SVG)")
        start = time.perf_counter()
        text = csv_bytes(
            reporting.CSV_HEADER,
            reporting.csv_rows([s for c in contracts for s in reporting.contract_sections(c, charts=False)]),
        )
        print(f"framework CSV: {time.perf_counter() - start:.2f}s ({len(text) // 1024} KiB)")
        start = time.perf_counter()
        reporting.contract_sections(contracts[0])
        print(f"one contract's report: {(time.perf_counter() - start) * 1000:.0f}ms")
        start = time.perf_counter()
        sent = actions.chase_late_reports()
        print(f"chase: {sent} reminders in {time.perf_counter() - start:.2f}s")
        start = time.perf_counter()
        again = actions.chase_late_reports()
        print(f"chase again: {again} reminders in {time.perf_counter() - start:.2f}s")


if __name__ == "__main__":
    main()
