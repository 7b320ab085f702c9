"""A statistics release at scale, on PostgreSQL: the time each measure takes and the peak memory.

    .venv/bin/python benchmarks/statistics_release.py --procurements 1000000 --payments 10000000

1. A fresh database (created here, dropped afterwards; `--keep` keeps it) with the demo world and
   `demo --scale 2000` (frameworks, lots and their CPV codes), then volume made by SQL on the
   server (`generate_series`), which is much faster than the ORM: buyers and suppliers (one per 50
   and per 10 procurements; 5% of suppliers sole traders), procurements past opening (most of them
   awarded) with 0-10 tenders each, contracts (half let by those procurements, half call-offs) and
   payments against them over two years.
2. `publishing.statistics.make_release()`, timed per measure (facts table, then every level), with
   the number of cells stored and the process's peak RSS.

Needs PostgreSQL on 127.0.0.1:5432 (trust auth) unless --database-url names another server.
"""

import argparse
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench import ADMIN_URL, create_database, drop_database  # noqa: E402

AUTHORITIES = ["central_government", "local_authority", "nhs", "education", "devolved", "other_public"]
REGIONS = ["TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLI", "TLJ", "TLK", "TLL", "TLM", "TLN"]


def _array(values) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]"


def _copy(cursor, model, *, template_id: int, count: int, overrides: dict) -> None:
    """count copies of one row, each column the template's unless overridden by an SQL expression
    of g (1..count) and t (the template)."""
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    values = [overrides.get(c, f"t.{c}") for c in columns]
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "  # noqa: S608
        f"FROM {table} t, generate_series(1::bigint, {count}::bigint) g WHERE t.id = {template_id}"
    )


def generate(procurements: int, payments: int) -> dict:
    from django.db import connection

    from tenderbox.contracts.models import Contract
    from tenderbox.frameworks.models import FrameworkLot
    from tenderbox.organisations.models import Organisation
    from tenderbox.tenders.models import CpvCode, Procurement

    buyers, suppliers = max(20, procurements // 50), max(100, procurements // 10)
    contracts = procurements
    codes = list(CpvCode.objects.filter(prefix__regex=r"^.{2,3}$").values_list("code", flat=True))
    lots = list(FrameworkLot.objects.values_list("pk", flat=True))
    template_buyer = Organisation.objects.filter(kind="buyer").order_by("pk").first().pk
    template_supplier = Organisation.objects.filter(kind="supplier").order_by("pk").first().pk
    template_procurement = Procurement.objects.exclude(status="draft").order_by("pk").first().pk
    template_contract = Contract.objects.filter(route="direct_award").order_by("pk").first().pk
    timings = {}
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM organisations_organisation")
        first_org = cursor.fetchone()[0] + 1
        _copy(
            cursor,
            Organisation,
            template_id=template_buyer,
            count=buyers,
            overrides={
                "name": "'Bench buyer ' || g",
                "authority_type": f"({_array(AUTHORITIES)})[1 + g % 6]",
                "region": f"({_array(REGIONS)})[1 + g % 12]",
                "companies_house_number": "''",
            },
        )
        first_supplier = first_org + buyers
        _copy(
            cursor,
            Organisation,
            template_id=template_supplier,
            count=suppliers,
            overrides={
                "name": "'Bench supplier ' || g",
                "size": "(ARRAY['micro', 'sme', 'sme', 'large', ''])[1 + g % 5]",
                "is_sole_trader": "g % 20 = 0",
                "region": f"({_array(REGIONS)})[1 + g % 12]",
                "companies_house_number": "''",
            },
        )
        timings["organisations"] = time.perf_counter() - started

        started = time.perf_counter()
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM tenders_procurement")
        first_procurement = cursor.fetchone()[0] + 1
        day = "(timestamp with time zone '2025-01-01 09:00+00' + (g * 37 % 700) * interval '1 day')"
        _copy(
            cursor,
            Procurement,
            template_id=template_procurement,
            count=procurements,
            overrides={
                "buyer_id": f"{first_org} + g % {buyers}",
                "reference": "'BEN-' || g",
                "main_cpv_id": f"({_array(codes)})[1 + g % {len(codes)}]",
                "framework_lot_id": "NULL",
                "procedure": "(ARRAY['open', 'open', 'competitive_flexible', 'quick_quote'])[1 + g % 4]",
                "status": "(ARRAY['opened', 'awarded', 'contracted', 'contracted', 'cancelled'])[1 + g % 5]",
                "published_at": day,
                "closed_at": f"{day} + interval '30 days'",
                "opened_at": f"{day} + interval '31 days'",
                "awarded_at": f"CASE WHEN g % 5 = 0 THEN NULL ELSE {day} + (40 + g % 90) * interval '1 day' "
                "END",
                "next_transition_at": "NULL",
            },
        )
        cursor.execute(
            "INSERT INTO submissions_response (procurement_id, supplier_id, status, draft, created_at, "
            "updated_at, submitted_at) "
            f"SELECT {first_procurement} + g - 1, {first_supplier} + (g * 7919 + j * 104729) % {suppliers}, "
            "'submitted', '', now(), now(), now() "
            f"FROM generate_series(1::bigint, {procurements}::bigint) g, generate_series(1, 10) j "
            "WHERE j <= g % 11"
        )
        cursor.execute(
            f"SELECT COUNT(*) FROM submissions_response WHERE procurement_id >= {first_procurement}"
        )
        tenders = cursor.fetchone()[0]
        timings["procurements and tenders"] = time.perf_counter() - started

        started = time.perf_counter()
        lot_of_g = f"({_array(lots)}::int[])[1 + g % {len(lots)}]"
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM contracts_contract")
        first_contract = cursor.fetchone()[0] + 1
        _copy(
            cursor,
            Contract,
            template_id=template_contract,
            count=contracts,
            overrides={
                "reference": "'BENC-' || g",
                "buyer_id": f"{first_org} + g % {buyers}",
                "supplier_id": f"{first_supplier} + (g * 31) % {suppliers}",
                "route": "CASE WHEN g % 2 = 0 THEN 'procurement' ELSE 'direct_award' END",
                "procurement_id": f"CASE WHEN g % 2 = 0 THEN {first_procurement} + g - 1 ELSE NULL END",
                "framework_id": "CASE WHEN g % 2 = 0 THEN NULL ELSE (SELECT l.framework_id FROM "
                f"frameworks_frameworklot l WHERE l.id = ({lot_of_g})) END",
                "framework_lot_id": f"CASE WHEN g % 2 = 0 THEN NULL ELSE {lot_of_g} END",
                "award_id": "NULL",
                "awarded_at": day,
                "value_excl_vat": "10000 + (g * 7919) % 2000000",
                "original_value_excl_vat": "10000 + (g * 7919) % 2000000",
                "starts_on": "date '2025-01-01'",
                "ends_on": "date '2027-12-31'",
                "original_ends_on": "date '2027-12-31'",
            },
        )
        timings["contracts"] = time.perf_counter() - started

        started = time.perf_counter()
        batch = 1_000_000
        for start in range(0, payments, batch):
            size = min(batch, payments - start)
            cursor.execute(
                "INSERT INTO spend_spendrecord (contract_id, source, mi_return_id, line_number, period, "
                "invoice_date, paid_on, transaction_number, description, category, amount_excl_vat, vat, "
                "recorded_at, recorded_by_id) "
                f"SELECT {first_contract} + (g * 7919) % {contracts}, 'buyer', NULL, NULL, "
                "date_trunc('month', d)::date, d, d, 'B' || g, 'Bench payment', '', a, a / 5, now(), NULL "
                f"FROM (SELECT g, date '2025-01-01' + (g * 37 % 700)::int AS d, "
                "(100 + (g * 104729) % 50000)::numeric(14,2) AS a "
                f"FROM generate_series({start + 1}::bigint, {start + size}::bigint) g) s"
            )
        timings["payments"] = time.perf_counter() - started
        cursor.execute("ANALYZE")
    for name, seconds in timings.items():
        print(f"generate {name}: {seconds:.1f} s")
    return {
        "buyers": buyers,
        "suppliers": suppliers,
        "procurements": procurements,
        "tenders": tenders,
        "contracts": contracts,
        "payments": payments,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procurements", type=int, default=1_000_000)
    parser.add_argument("--payments", type=int, default=10_000_000)
    parser.add_argument("--database-url", default=ADMIN_URL, help="An admin URL of the server to use.")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()

    name = f"tbx_bench_statistics_{os.getpid()}"
    os.environ["DATABASE_URL"] = create_database(args.database_url, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tenderbox.settings")
    os.environ.setdefault("DEBUG", "false")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from tenderbox.portal.demo import generate_scale
        from tenderbox.publishing import statistics

        call_command("migrate", verbosity=0, interactive=False)
        call_command("demo", quiet=True)
        generate_scale(2000)
        counts = generate(args.procurements, args.payments)
        print("data: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))

        timed = {}
        real = statistics.compute_measure

        def compute(spec, through):
            started = time.perf_counter()
            try:
                return real(spec, through)
            finally:
                timed[spec.code] = time.perf_counter() - started

        statistics.compute_measure = compute
        started = time.perf_counter()
        release = statistics.make_release(covers_through=date(2026, 9, 30))
        total = time.perf_counter() - started
        for code, seconds in timed.items():
            cells = release.cells.filter(measure=code)
            print(
                f"release {code}: {seconds:.1f} s, {cells.count():,} cells stored "
                f"({cells.filter(shown=True).count():,} shown), "
                f"{release.levels.filter(measure=code, hidden=True).count()} of "
                f"{release.levels.filter(measure=code).count()} cross-tables hidden whole"
            )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"release in all: {total:.1f} s; peak RSS of this process {peak:.0f} MB")
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.database_url, name)


if __name__ == "__main__":
    main()
