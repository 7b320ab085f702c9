"""The OCDS export in flat memory: load the demo world and `--scale N` synthetic procurements (with
their spend), then export and report the Python heap (tracemalloc) every 1,000 processes and its
peak, then run `tenderbox ocds export` in a fresh process and report its peak RSS, time and
releases a second.

    .venv/bin/python benchmarks/ocds_export.py --scale 10000
    .venv/bin/python benchmarks/ocds_export.py --database-url postgres://postgres@127.0.0.1:5432/tbx_scale_1m

Uses a fresh SQLite database in a temporary directory unless DATABASE_URL is set (then it must be
an empty database you can throw away). With --database-url the database is used as it is, already
loaded (say by `tenderbox demo --scale 1000000`): nothing is written to it, and only the fresh
process's export runs unless --heap asks for the tracemalloc pass too (it doubles the time).
"""

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The child: the command as an operator runs it, timed from the first release (not Django's start),
# with its peak RSS (VmHWM of that process's own memory, which a fork's rusage would overstate).
CHILD = """
import sys, time, django
django.setup()
from django.core.management import call_command
started = time.monotonic()
call_command("ocds", "export", sys.argv[1])
seconds = time.monotonic() - started
hwm = next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]
print(seconds, hwm)
"""


def count_releases(path: Path) -> tuple[int, int]:
    """(packages, releases) in the file: each release has one initiationType."""
    packages = releases = 0
    with gzip.open(path, "rb") as f:
        for line in f:
            packages += 1
            releases += line.count(b'"initiationType"')
    return packages, releases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10_000, help="Synthetic procurements to add.")
    parser.add_argument(
        "--spend-per-procurement", type=int, default=10, help="Spend records per procurement (default 10)."
    )
    parser.add_argument("--database-url", help="An already loaded database to export from, untouched.")
    parser.add_argument("--heap", action="store_true", help="With --database-url: the tracemalloc pass too.")
    parser.add_argument(
        "--output", type=Path, help="Keep the export here (for benchmarks/ocds_validate.py); else deleted."
    )
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="tenderbox-bench-")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tenderbox.settings")
    os.environ.setdefault("DEBUG", "false")  # no query log
    import django

    django.setup()
    from django.core.management import call_command

    from tenderbox.portal import demo
    from tenderbox.publishing import export, packages

    path = args.output or Path(tmp) / "ocds.jsonl.gz"
    if not args.database_url:
        call_command("migrate", verbosity=0)
        started = time.monotonic()
        demo.load_demo()
        demo.load_demo_procurements()
        demo.load_demo_frameworks()
        made = demo.generate_scale(args.scale, spend_per_procurement=args.spend_per_procurement)
        print(
            f"data: demo world + {args.scale} procurements, {made['call_offs']} call-offs, "
            f"{made['spend']} spend records ({made['writer']}) in {time.monotonic() - started:.0f} s"
        )

    if not args.database_url or args.heap:
        samples = []
        real = packages.iter_processes

        def sampled(after=""):
            for n, item in enumerate(real(after), start=1):
                if n % 1000 == 0:
                    samples.append((n, tracemalloc.get_traced_memory()[0]))
                yield item

        packages.iter_processes = sampled
        tracemalloc.start()
        started = time.monotonic()
        count = export.export(path, uri="https://tenderbox.example/api/ocds/bulk/releases.jsonl.gz")
        seconds = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        packages.iter_processes = real
        _, releases = count_releases(path)
        for n, heap in samples[:: max(1, len(samples) // 20)]:
            print(f"  after {n:>8} processes: heap {heap / 1e6:6.1f} MB")
        print(
            f"export under tracemalloc: {count} processes, {releases} releases, "
            f"{path.stat().st_size / 1e6:.1f} MB gzipped, {seconds:.0f} s; heap peak {peak / 1e6:.1f} MB"
        )

    done = subprocess.run(  # noqa: S603 (fixed argv)
        [sys.executable, "-c", CHILD, str(path)],
        check=True,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
    )
    seconds, kilobytes = done.stdout.strip().splitlines()[-1].split()
    seconds = float(seconds)
    processes, releases = count_releases(path)
    print(
        f"`tenderbox ocds export` alone: {processes} processes, {releases} releases, "
        f"{path.stat().st_size / 1e6:.1f} MB gzipped in {seconds:.0f} s: "
        f"{releases / seconds:,.0f} releases/s, {processes / seconds:,.0f} processes/s; "
        f"peak RSS {int(kilobytes) / 1024:.0f} MB"
    )
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
