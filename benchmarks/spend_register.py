"""The public spend register at scale: N spend records under the call-offs of a generated portal
(buyer records and MI return lines, a tenth of the returns superseded by corrections); for each kind
of filter, the query plan of the first page, the time of the first page, of the capped count and of
the last page the count reaches, then the time and peak memory of streaming the whole register as
CSV.

    createdb -h 127.0.0.1 -U postgres tbx_spend_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tbx_spend_bench \\
        .venv/bin/python benchmarks/spend_register.py --rows 200000

Needs an empty database you can throw away (PostgreSQL for the plans; SQLite works without them).
Nothing else is touched. For 10 million rows, make 200,000 as above, copy each 49 more times in SQL
(quicker than Python by far), then measure what is there:

    psql -h 127.0.0.1 -U postgres tbx_spend_bench -c "SET session_replication_role = replica;
      INSERT INTO spend_spendrecord (source, line_number, period, invoice_date, paid_on,
        transaction_number, description, category, amount_excl_vat, vat, recorded_at, contract_id,
        mi_return_id, recorded_by_id)
      SELECT source, line_number, period, invoice_date, paid_on, transaction_number || '-' || g,
        description, category, round(amount_excl_vat * (1 + (g % 7) / 10.0), 2), vat, recorded_at,
        contract_id, mi_return_id, recorded_by_id
      FROM spend_spendrecord, generate_series(1, 49) g; ANALYZE spend_spendrecord;"
    DATABASE_URL=… .venv/bin/python benchmarks/spend_register.py --existing --csv-rows 100000
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CATEGORIES = [
    "Facilities",
    "Grounds maintenance",
    "Cleaning",
    "Security",
    "ICT",
    "Catering",
    "Waste",
    "Highways",
    "Legal services",
    "Consultancy",
    "90910000-9",
    "77310000-6",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="Spend records to create.")
    parser.add_argument("--procurements", type=int, default=2000, help="Generated portal size.")
    parser.add_argument(
        "--existing", action="store_true", help="Measure the data already in the database: make none."
    )
    parser.add_argument("--csv-rows", type=int, default=0, help="Stream only this many rows (0: all).")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="tenderbox-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tenderbox.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("HUEY_IMMEDIATE", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tenderbox.accounts.models import User
    from tenderbox.contracts.models import Contract
    from tenderbox.portal import demo
    from tenderbox.publishing import registers
    from tenderbox.spend.models import MIReturn, SpendRecord

    started = time.monotonic()
    if not args.existing:
        call_command("migrate", verbosity=0)
        demo.generate_scale(args.procurements, seed=6)
    contracts = list(Contract.objects.select_related("supplier", "buyer", "framework").order_by("pk"))
    if args.existing:
        made = SpendRecord.objects.count()
    else:
        user = User.objects.create_user(email="bench@example.com", password="x" * 20, full_name="Bench")
        made = _spend(args.rows, contracts, user, random.Random(6), MIReturn, SpendRecord)
    if connection.vendor == "postgresql" and not args.existing:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{made} spend records on {len(contracts)} contracts "
        f"({SpendRecord.objects.public().count()} published) in {time.monotonic() - started:.0f} s "
        f"[{connection.vendor}]"
    )

    register = registers.REGISTERS["spend"]
    framework = contracts[0].framework.reference
    supplier = contracts[len(contracts) // 2].supplier.name
    cases = {
        "no filter": {},
        "date range (one month)": {"dated_from": date(2026, 3, 1), "dated_to": date(2026, 3, 31)},
        "authority": {"authority": contracts[0].buyer.name},
        "supplier": {"supplier": supplier},
        "framework": {"framework": framework},
        "category": {"category": "legal SERVICES"},
        "amount over £40,000": {"amount_min": Decimal("40000")},
        "framework + category + amount": {
            "framework": framework,
            "category": "cleaning",
            "amount_min": Decimal("1000"),
            "amount_max": Decimal("5000"),
        },
    }
    for name, filters in cases.items():
        rows = register.rows(filters)
        print(f"\n== {name}")
        if connection.vendor == "postgresql":
            print(rows[:50].explain(analyze=True))
            # The capped count reads at most limit + 1 rows, in no order: the scans it uses.
            plan = rows.order_by()[: register.paginator.limit + 1].explain(analyze=True).splitlines()
            scans = [
                line.strip().removeprefix("->  ") for line in plan if "Scan" in line or "Execution" in line
            ]
            print("count:", *scans, sep="\n  ")
        paginator = register.paginator(rows, 50)
        t = time.monotonic()
        count = paginator.count
        count_ms = (time.monotonic() - t) * 1000
        t = time.monotonic()
        first = list(paginator.page(1).object_list)
        page_ms = (time.monotonic() - t) * 1000
        t = time.monotonic()
        last = list(paginator.page(paginator.num_pages).object_list)
        last_ms = (time.monotonic() - t) * 1000
        shown = f"more than {paginator.limit}" if paginator.capped else str(count)
        print(
            f"first page {len(first)} rows {page_ms:.1f} ms; count {shown} {count_ms:.1f} ms; "
            f"last page ({paginator.num_pages}) {len(last)} rows {last_ms:.1f} ms"
        )

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    rows = register.rows({})
    if args.csv_rows:
        rows = rows[: args.csv_rows]
    t = time.monotonic()
    size = lines = 0
    for line in registers.csv_lines(register, rows):
        size += len(line)
        lines += 1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"\nCSV of {f'the first {args.csv_rows} rows of the' if args.csv_rows else 'the whole'} register: "
        f"{lines - 1} rows, {size / 1e6:.1f} MB in {time.monotonic() - t:.1f} s; peak RSS of the process "
        f"{before} MB before streaming, {peak} MB after"
    )


def _spend(n, contracts, user, rng, MIReturn, SpendRecord) -> int:
    """n records over 2024-2027: 30% recorded by the buyer, the rest lines of monthly MI returns (one
    return per contract and month, a tenth of them corrected: the old lines stay, superseded)."""
    months = [date(2024 + m // 12, m % 12 + 1, 1) for m in range(48)]
    batch, made, number = [], 0, 0

    def flush():
        SpendRecord.objects.bulk_create(batch, batch_size=5000)
        batch.clear()

    while made < n:
        contract = rng.choice(contracts)
        period = rng.choice(months)
        if rng.random() < 0.3:
            lines, mi_return, source = 1, None, SpendRecord.Source.BUYER
        else:
            lines, source = rng.randint(5, 40), SpendRecord.Source.MI_RETURN
            if MIReturn.objects.filter(contract=contract, period=period).exists():
                continue
            mi_return = MIReturn.objects.create(
                supplier=contract.supplier, contract=contract, period=period, uploaded_by=user
            )
            if rng.random() < 0.1:  # corrected: the first return's lines stay as history
                old = mi_return
                old.supersede(at=old.uploaded_at)
                mi_return = MIReturn.objects.create(
                    supplier=contract.supplier, contract=contract, period=period, uploaded_by=user
                )
                old.superseded_by = mi_return
                old.save(update_fields=["superseded_by"])
                batch += _lines(old, contract, period, lines, rng, user, SpendRecord, number)
                number += lines
                made += lines
        for _ in range(lines):
            number += 1
            amount = Decimal(rng.lognormvariate(7, 1.5)).quantize(Decimal("0.01"))
            batch.append(
                SpendRecord(
                    contract=contract,
                    source=source,
                    mi_return=mi_return,
                    period=period,
                    invoice_date=period + timedelta(days=rng.randint(0, 27)),
                    transaction_number=f"INV-{number:08d}",
                    description=f"{rng.choice(CATEGORIES)} for {period:%B %Y}",
                    category=rng.choice(CATEGORIES),
                    amount_excl_vat=amount,
                    vat=(amount * Decimal("0.2")).quantize(Decimal("0.01")),
                    recorded_by=user,
                )
            )
        made += lines
        if len(batch) >= 5000:
            flush()
    flush()
    return made


def _lines(mi_return, contract, period, count, rng, user, SpendRecord, start) -> list:
    return [
        SpendRecord(
            contract=contract,
            source=SpendRecord.Source.MI_RETURN,
            mi_return=mi_return,
            period=period,
            invoice_date=period + timedelta(days=rng.randint(0, 27)),
            transaction_number=f"OLD-{start + i:08d}",
            description="Superseded line",
            category=rng.choice(CATEGORIES),
            amount_excl_vat=Decimal("100.00"),
            vat=Decimal("20.00"),
            recorded_by=user,
        )
        for i in range(count)
    ]


if __name__ == "__main__":
    main()
