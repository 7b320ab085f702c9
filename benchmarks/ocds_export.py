"""The OCDS export in flat memory: load the demo world and `--scale N` synthetic procurements, then
export and report the Python heap (tracemalloc) every 1,000 processes and its peak, then run
`tenderbox ocds export` in a fresh process and report its peak RSS and time.

    .venv/bin/python benchmarks/ocds_export.py --scale 10000

Uses a fresh SQLite database in a temporary directory unless DATABASE_URL is set (then it must be
an empty database you can throw away). Nothing else is touched.
"""

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10_000, help="Synthetic procurements to add.")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="tenderbox-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tenderbox.settings")
    os.environ.setdefault("DEBUG", "false")  # no query log
    import django

    django.setup()
    from django.core.management import call_command

    from tenderbox.portal import demo
    from tenderbox.publishing import export, packages

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    demo.load_demo()
    demo.load_demo_procurements()
    demo.load_demo_frameworks()
    demo.generate_scale(args.scale)
    print(f"data: demo world + {args.scale} procurements in {time.monotonic() - started:.0f} s")

    samples = []
    real = packages.iter_processes

    def sampled(after=""):
        for n, item in enumerate(real(after), start=1):
            if n % 1000 == 0:
                samples.append((n, tracemalloc.get_traced_memory()[0]))
            yield item

    packages.iter_processes = sampled
    path = Path(tmp) / "ocds.jsonl.gz"
    tracemalloc.start()
    started = time.monotonic()
    count = export.export(path, uri="https://tenderbox.example/api/ocds/bulk/releases.jsonl.gz")
    seconds = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with gzip.open(path, "rb") as f:
        releases = sum(line.count(b'"initiationType"') for line in f)
    for n, heap in samples:
        print(f"  after {n:>6} processes: heap {heap / 1e6:6.1f} MB")
    print(
        f"export: {count} processes, {releases} releases, {path.stat().st_size / 1e6:.1f} MB gzipped, "
        f"{seconds:.0f} s; heap peak {peak / 1e6:.1f} MB"
    )
    # The command on its own, in a fresh process: its peak RSS (VmHWM of that process's own memory,
    # which a fork's rusage would overstate) is the export's, not the data load's.
    child = (
        "import django, sys; django.setup(); from django.core.management import call_command; "
        "call_command('ocds', 'export', sys.argv[1]); "
        "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
    )
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 (fixed argv)
        [sys.executable, "-c", child, str(path)],
        check=True,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
    )
    kilobytes = int(done.stdout.strip().splitlines()[-1])
    seconds = time.monotonic() - started
    print(f"`tenderbox ocds export` alone: {seconds:.0f} s, peak RSS {kilobytes / 1024:.0f} MB")


if __name__ == "__main__":
    main()
