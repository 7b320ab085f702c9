"""The retention sweep at scale and in flat memory: the daily run of `tenderbox retention` over N
accounts of every kind (and, optionally, M old audit events), dry run then real, with seconds, rows a
second and memory as the run goes.

    .venv/bin/python benchmarks/retention_memory.py --users 1000000            # PostgreSQL
    .venv/bin/python benchmarks/retention_memory.py --sqlite --events 1000000 --accounts 5000

Target (issue 10): a retention sweep over 1M users in under 10 minutes, in flat memory.

The population (`--users`, loaded with PostgreSQL's COPY through psycopg 3) mixes the kinds the rules
treat differently (shares of N):

    55%  active: signed in within the last 10 months                    not looked at
    10%  new: registered within 11 months, never signed in              not looked at
    12%  never used for over 12 months, not told yet                    warned (30 days' notice)
    10%  never used, told over 30 days ago                              anonymised
     3%  never used, told 10 days ago                                   kept while the notice runs
     6%  lapsed: last signed in over 12 months ago, told over 30 days   anonymised
     3%  lapsed, not told yet                                           warned
     0.5% never used and told, but under a legal hold                   held
     0.5% never used and told, but processing restricted (Art. 18)      kept

Then three runs, each timed, with the resident set sampled after every batch: a dry run (counts,
writes nothing), the real run (warns, anonymises, audits each), and the same run again (what every
later day costs: the rows kept are looked at again). `--accounts` and `--events` add the earlier
figure's populations: unused accounts already told (anonymised) and old audit events (blanked).

Uses a fresh PostgreSQL database (dropped afterwards; `--keep` keeps it) on 127.0.0.1:5432 unless
--database-url names another server; `--sqlite` uses a fresh SQLite file in a temporary directory.
"""

import argparse
import contextlib
import os
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench import ADMIN_URL  # noqa: E402
from benchmarks.harness import fresh_database, load_average, peak_rss_mb, rss_mb  # noqa: E402

UNUSABLE = "!"  # what set_unusable_password stores, without hashing a million times

# (kind, share of --users): see the module's docstring.
MIX = (
    ("active", 0.55),
    ("new", 0.10),
    ("never_used_untold", 0.12),
    ("never_used_told", 0.10),
    ("never_used_notice_running", 0.03),
    ("lapsed_told", 0.06),
    ("lapsed_untold", 0.03),
    ("held", 0.005),
    ("restricted", 0.005),
)


def _copy(table: str, columns: tuple[str, ...], rows) -> int:
    """COPY rows into a table through psycopg 3 (PostgreSQL only)."""
    from django.db import connection

    n = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def load_population(users: int, *, seed: int = 10) -> dict[str, int]:
    """N accounts of the kinds in MIX, with their notices, holds and restrictions (COPY)."""
    from django.db import connection
    from django.utils import timezone

    from tenderbox.accounts.models import User

    now = timezone.now()
    rng = random.Random(seed)
    staff = User.objects.create_user(email="pat@tenderbox.example", full_name="Pat Officer", is_staff=True)
    first = staff.pk + 1
    kinds = [kind for kind, share in MIX for _ in range(round(share * users))][:users]
    kinds += ["active"] * (users - len(kinds))
    rng.shuffle(kinds)
    day = timedelta(days=1)
    notices, holds, restrictions = [], [], []

    def account(n: int, kind: str) -> tuple:
        pk = first + n
        old = now - rng.uniform(400, 1100) * day  # over 12 months (and the 30 days) ago
        joined, last_login = old, None
        if kind == "active":
            joined, last_login = now - rng.uniform(300, 3000) * day, now - rng.uniform(0, 300) * day
        elif kind == "new":
            joined = now - rng.uniform(0, 330) * day
        elif kind == "never_used_notice_running":
            joined = now - rng.uniform(400, 1100) * day
            notices.append((pk, joined, now - 10 * day, (now + 20 * day).date()))
        elif kind.startswith("lapsed"):
            joined, last_login = old - 300 * day, old
        if kind in ("never_used_told", "lapsed_told", "held", "restricted"):
            notices.append((pk, last_login or joined, now - 40 * day, (now - 10 * day).date()))
        if kind == "held":
            holds.append((pk, "Claim 2026/14", now, staff.pk))
        if kind == "restricted":
            restrictions.append((pk, "Accuracy contested (Art. 18(1)(a))", now))
        return (
            pk,
            UNUSABLE,
            last_login,
            False,
            f"person{n}@example.com",
            f"Person {n}",
            "",
            False,
            True,
            joined,
            joined,
            joined,
            "2025-01-01",
        )

    user_columns = (
        "id",
        "password",
        "last_login",
        "is_superuser",
        "email",
        "full_name",
        "phone",
        "is_staff",
        "is_active",
        "date_joined",
        "email_verified_at",
        "adult_declared_at",
        "privacy_notice_version",
    )
    _copy("accounts_user", user_columns, (account(n, kind) for n, kind in enumerate(kinds)))
    _copy("privacy_retentionnotice", ("user_id", "activity_at", "warned_at", "removal_on"), notices)
    _copy("privacy_legalhold", ("user_id", "reason", "placed_at", "placed_by_id"), holds)
    _copy("privacy_restriction", ("user_id", "reason", "started_at"), restrictions)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), %s)", [first + users])
        cursor.execute("ANALYZE")
    return {kind: kinds.count(kind) for kind, _ in MIX}


def load_earlier(events: int, accounts: int) -> None:
    """The earlier figure's populations (any database): old audit events to blank and unused
    accounts already told, to anonymise."""
    from django.utils import timezone

    from tenderbox.accounts.models import User
    from tenderbox.audit.models import AuditChainHead, AuditEvent
    from tenderbox.privacy.models import RetentionNotice

    old = timezone.now() - timedelta(days=800)
    chunk = 20_000
    head = AuditChainHead.objects.get_or_create(pk=1)[0]
    for first in range(head.last_seq + 1, head.last_seq + events + 1, chunk):
        AuditEvent.objects.bulk_create(
            AuditEvent(
                seq=seq,
                created_at=old,
                verb="bench.signed_in",
                personal_digest="0" * 64,
                prev_hash="0" * 64,
                hash=f"{seq:064x}",
                actor_label=f"person{seq}@example.com",
                ip_address="203.0.113.9",
                personal_salt="s" * 32,
            )
            for seq in range(first, min(first + chunk, head.last_seq + events + 1))
        )
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"last_seq": head.last_seq + events, "last_hash": "f" * 64}
    )
    for first in range(0, accounts, chunk):
        users = User.objects.bulk_create(
            User(email=f"unused{n}@example.com", full_name=f"Unused {n}", password=UNUSABLE, date_joined=old)
            for n in range(first, min(first + chunk, accounts))
        )
        RetentionNotice.objects.bulk_create(
            RetentionNotice(user=u, activity_at=old, warned_at=old, removal_on=old.date()) for u in users
        )


def measure(title: str, *, dry_run: bool, batch: int, heap: bool, quiet: bool):
    """One run of the engine: seconds, rows a second, and memory after every batch."""
    from django.db import connection

    from tenderbox.privacy import retention_engine

    samples = []  # (population, rows so far, RSS MB, heap MB or None)
    done = {"rows": 0, "batches": 0}

    def progress(policy, n):
        done["rows"] += n
        done["batches"] += 1
        current = tracemalloc.get_traced_memory()[0] / 2**20 if heap else None
        samples.append((policy.key, done["rows"], rss_mb(), current))

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    if heap:
        tracemalloc.start()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        result = retention_engine.run(dry_run=dry_run, batch=batch, progress=progress)
    seconds = time.perf_counter() - started
    peak_heap = tracemalloc.get_traced_memory()[1] / 2**20 if heap else None
    if heap:
        tracemalloc.stop()
    rows = done["rows"]
    print(
        f"{title}: {seconds:.1f} s for {rows:,} rows looked at in {done['batches']:,} batches "
        f"({rows / seconds if seconds else 0:,.0f} rows/s), {queries[0]:,} queries; {load_average()}"
    )
    if samples:
        settled = [s[2] for s in samples[len(samples) // 10 :]] or [samples[-1][2]]
        print(
            f"  resident set: {samples[0][2]:.0f} MB after the first batch, "
            f"{min(settled):.0f}-{max(settled):.0f} MB from the first tenth of the run to its end, "
            f"process peak {peak_rss_mb():.0f} MB"
            + (f"; Python heap peak {peak_heap:.1f} MB" if heap else "")
        )
    if not quiet and samples:
        step = max(1, len(samples) // 8)
        print(
            f"  {'population':<28} {'rows so far':>12} {'RSS MB':>7}" + (f" {'heap MB':>8}" if heap else "")
        )
        for key, so_far, rss, current in samples[::step] + samples[-1:]:
            print(f"  {key:<28} {so_far:>12,} {rss:>7.0f}" + (f" {current:>8.1f}" if heap else ""))
    for p in result.populations:
        t = p.tally
        if t.applied or t.warned or t.notice_running or t.held or t.kept or t.kept_by_floor:
            print(
                f"  {p.policy.key:<28} {p.policy.verb} {t.applied:,}, warned {t.warned:,}, notice running "
                f"{t.notice_running:,}, held {t.held:,}, kept {t.kept + t.kept_by_floor:,}"
            )
    print(f"  (connection {connection.vendor})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=0, help="Accounts of every kind (PostgreSQL, COPY).")
    parser.add_argument("--events", type=int, default=0, help="Old audit events to blank.")
    parser.add_argument("--accounts", type=int, default=0, help="Unused accounts already told, to anonymise.")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--heap", action="store_true", help="Also trace the Python heap (slower).")
    parser.add_argument("--sqlite", action="store_true", help="A fresh SQLite database instead.")
    parser.add_argument(
        "--huey-redis-url",
        default="redis://127.0.0.1:6379/13",
        help="Where the warning emails' deliveries are queued (emptied afterwards); empty: a SQLite queue.",
    )
    parser.add_argument("--database-url", default=ADMIN_URL, help="A PostgreSQL server's admin database.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database afterwards.")
    args = parser.parse_args()
    if args.users and args.sqlite:
        parser.error("--users loads with PostgreSQL's COPY: leave out --sqlite")

    tmp = tempfile.mkdtemp(prefix="tenderbox-retention-")
    os.environ["TENDERBOX_VAR_DIR"] = tmp
    os.environ.setdefault("HUEY_IMMEDIATE", "false")
    # The warning emails' deliveries are queued as in production (Redis), in a database of their own
    # that nothing consumes, emptied at the end.
    if args.huey_redis_url and not args.sqlite:
        os.environ["HUEY_REDIS_URL"] = args.huey_redis_url
    try:
        with _database(args, tmp):
            started = time.perf_counter()
            if args.users:
                counts = load_population(args.users)
                print(
                    f"Loaded {args.users:,} accounts in {time.perf_counter() - started:.1f} s: "
                    + ", ".join(f"{kind} {n:,}" for kind, n in counts.items())
                )
            if args.events or args.accounts:
                started = time.perf_counter()
                load_earlier(args.events, args.accounts)
                print(
                    f"Loaded {args.events:,} old audit events and {args.accounts:,} unused accounts in "
                    f"{time.perf_counter() - started:.1f} s"
                )
            from tenderbox.accounts.models import User

            measure("Dry run", dry_run=True, batch=args.batch, heap=args.heap, quiet=False)
            measure("Real run", dry_run=False, batch=args.batch, heap=args.heap, quiet=False)
            measure(
                "The same run again (every later day)",
                dry_run=False,
                batch=args.batch,
                heap=False,
                quiet=True,
            )
            erased = User.objects.exclude(erased_at=None).count()
            print(f"Accounts anonymised in all: {erased:,}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if os.environ.get("HUEY_REDIS_URL") == args.huey_redis_url:
            _empty_queue()


def _empty_queue() -> None:
    from django.conf import settings

    if "huey" in sys.modules and settings.configured:
        from huey.contrib.djhuey import HUEY

        print(f"Dropped {HUEY.pending_count():,} queued deliveries of the warning emails")
        HUEY.flush()


@contextlib.contextmanager
def _database(args, tmp):
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tenderbox.settings")
        os.environ["DEBUG"] = "false"  # no query log
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print("Database: SQLite")
        yield
        return
    with fresh_database("tenderbox_retention", admin_url=args.database_url, keep=args.keep) as (_, name):
        print(f"Database: PostgreSQL ({name}), {os.cpu_count()} cores")
        yield


if __name__ == "__main__":
    main()
