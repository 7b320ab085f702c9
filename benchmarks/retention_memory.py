"""Retention in flat memory: blank N old audit events and anonymise M unused accounts, and report the
Python heap as the run goes (tracemalloc), batch after batch.

    .venv/bin/python benchmarks/retention_memory.py --events 1000000 --accounts 5000

Uses a fresh SQLite database in a temporary directory unless DATABASE_URL is set (then it must be
an empty database you can throw away). Nothing else is touched.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="Old audit events to blank.")
    parser.add_argument("--accounts", type=int, default=5_000, help="Unused accounts to anonymise.")
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="tenderbox-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tenderbox.settings")
    os.environ.setdefault("DEBUG", "false")  # no query log
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from tenderbox.accounts.models import User
    from tenderbox.audit.models import AuditChainHead, AuditEvent
    from tenderbox.privacy import retention_engine
    from tenderbox.privacy.models import RetentionNotice

    unusable = "!"  # what set_unusable_password stores, without hashing a million times
    call_command("migrate", verbosity=0)
    old = timezone.now() - timedelta(days=800)
    started = time.monotonic()
    chunk = 20_000
    for first in range(1, args.events + 1, chunk):
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
            for seq in range(first, min(first + chunk, args.events + 1))
        )
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_seq": args.events, "last_hash": "f" * 64})
    for first in range(0, args.accounts, chunk):
        users = User.objects.bulk_create(
            User(email=f"unused{n}@example.com", full_name=f"Unused {n}", password=unusable, date_joined=old)
            for n in range(first, min(first + chunk, args.accounts))
        )
        RetentionNotice.objects.bulk_create(
            RetentionNotice(user=u, activity_at=old, warned_at=old, removal_on=old.date()) for u in users
        )
    loaded = time.monotonic() - started
    print(f"Loaded {args.events:,} events and {args.accounts:,} accounts in {loaded:.0f}s")

    tracemalloc.start()
    done = {"rows": 0, "batches": 0}
    samples = []

    def progress(policy, n):
        done["rows"] += n
        done["batches"] += 1
        if done["batches"] % 200 == 0:
            current, peak = tracemalloc.get_traced_memory()
            samples.append((policy.key, done["rows"], current, peak))
            tracemalloc.reset_peak()

    started = time.monotonic()
    result = retention_engine.run(batch=args.batch, progress=progress)
    elapsed = time.monotonic() - started
    print(f"Run took {elapsed:.0f}s")
    print(f"{'population':<28} {'rows so far':>12} {'heap MB':>8} {'peak MB':>8}")
    for key, rows, current, peak in samples:
        print(f"{key:<28} {rows:>12,} {current / 2**20:>8.1f} {peak / 2**20:>8.1f}")
    for p in result.populations:
        if p.tally.applied:
            print(f"{p.policy.key}: {p.tally.applied:,} {p.policy.verb}")


if __name__ == "__main__":
    main()
