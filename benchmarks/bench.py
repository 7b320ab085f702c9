"""Tenderbox's speed figures, measured on this machine and printed (never asserted in tests).

    .venv/bin/python benchmarks/bench.py --size 10000          # or: make bench SIZE=10000

1. Loads the demo world and `demo --scale SIZE` into a fresh PostgreSQL database (created here and
   dropped afterwards; `--keep` keeps it) and reports how fast the generator loads.
2. Opportunity search at the database: the full query of the search page (full text + CPV subtree +
   region + value + open only, ordered, one page and its count), p50/p95/p99 over random queries.
3. End to end through gunicorn (production settings, several sync workers, the cache in Redis as in
   production, loopback only): search page, public opportunity page and a bare Django view that does
   one indexed query, each measured for latency (p50/p95/p99, sequential: first the first request for
   each address, which the page cache has not seen, then the same addresses again) and throughput
   (requests a second from concurrent clients), in the same run; the pages' throughput is reported as
   a ratio of the bare view's. `--no-page-cache` measures the pages as rendered every time.
4. Query counts of the public pages at this size (they must not grow with the data: see the tests).

Needs PostgreSQL on 127.0.0.1:5432 (trust auth, as on every machine here) unless --database-url names
another server. Requests go only to 127.0.0.1, bounded in number and time.
"""

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] * 1000

    return f"p50 {at(0.50):7.1f} ms  p95 {at(0.95):7.1f} ms  p99 {at(0.99):7.1f} ms  (n={len(ordered)})"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_database(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load(size: int) -> dict:
    from django.core.management import call_command

    from tenderbox.portal.demo import generate_scale

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter()
    call_command("demo", quiet=True)
    counts = generate_scale(size)
    loaded = time.perf_counter()
    seconds = loaded - migrated
    print(f"Migrate: {migrated - started:.1f} s")
    print(
        f"Load: {size:,} procurements, {counts['buyers']:,} buyers, {counts['suppliers']:,} suppliers, "
        f"{counts['frameworks']:,} frameworks, {counts['call_offs']:,} call-offs in {seconds:.1f} s "
        f"({size / seconds:,.0f} procurements a second)"
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def random_queries(rng: random.Random, count: int):
    from tenderbox.tenders.models import CpvCode
    from tenderbox.tenders.search import SearchQuery

    words = [w for w in CpvCode.objects.values_list("description", flat=True)[:3000] for w in w.split()]
    words = [w.strip(",.()").lower() for w in words if len(w) > 4]
    divisions = list(CpvCode.objects.filter(prefix__regex=r"^.{2,3}$").values_list("code", flat=True))
    regions = ["TLC", "TLD", "TLE", "TLF", "TLG", "TLH", "TLI", "TLJ", "TLK", "TLL", "TLM", "TLN"]
    for _ in range(count):
        yield SearchQuery(
            text=rng.choice(words),
            cpv=rng.choice(divisions),
            region=rng.choice(regions),
            value_min=rng.choice([None, 10_000, 50_000]),
            value_max=rng.choice([None, 1_000_000, 5_000_000]),
            status="open",
            sort=rng.choice(["closing", "relevance"]),
        )


def bench_search_database(rng: random.Random, count: int) -> None:
    from django.core.paginator import Paginator

    from tenderbox.tenders.search import search

    samples = []
    queries = list(random_queries(rng, count))
    for query in queries[:5]:  # warm the caches
        list(Paginator(search(query), 20).get_page(1).object_list)
    for query in queries:
        started = time.perf_counter()
        page = Paginator(search(query), 20).get_page(1)
        list(page.object_list)
        samples.append(time.perf_counter() - started)
    print(f"Search at the database (count + first page): {percentiles(samples)}")


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "benchmarks.bench_wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--log-level=warning",
        "--timeout=60",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/x", timeout=2)  # noqa: S310
            return process
        except urllib.error.HTTPError:
            return process  # it answers (404 for an unknown reference)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not start within 60 s")


def fetch(url: str) -> int:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()
        return response.status


def latency(urls: list[str]) -> list[float]:
    samples = []
    for url in urls:
        started = time.perf_counter()
        fetch(url)
        samples.append(time.perf_counter() - started)
    return samples


def throughput(urls: list[str], *, clients: int, seconds: float) -> float:
    """Requests a second served to `clients` concurrent clients for `seconds` (bounded both ways)."""
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def client(i: int) -> None:
        rng = random.Random(i)
        while time.perf_counter() < stop:
            fetch(rng.choice(urls))
            done[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started)


def bench_end_to_end(
    database_url: str, rng: random.Random, *, requests: int, seconds: float, workers: int, page_cache: bool
):
    from urllib.parse import urlencode

    from benchmarks.harness import production_env
    from tenderbox.tenders.models import Procurement

    env = production_env(database_url)
    # Shared by the workers, as in production (pages are keyed by a fresh database's row versions).
    env["CACHE_REDIS_URL"] = os.environ.get("CACHE_REDIS_URL", "redis://127.0.0.1:6379/14")
    env["PAGE_CACHE_SECONDS"] = "0" if not page_cache else os.environ.get("PAGE_CACHE_SECONDS", "300")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    references = list(
        Procurement.objects.public().filter(status="published").values_list("reference", flat=True)[:2000]
    )
    search_urls = [
        f"{base}/opportunities/?"
        + urlencode(
            {
                k: v
                for k, v in {"q": q.text, "cpv": q.cpv, "region": q.region, "value_min": q.value_min}.items()
                if v
            }
        )
        for q in random_queries(rng, requests)
    ]
    page_urls = [f"{base}/opportunities/{rng.choice(references)}/" for _ in range(requests)]
    bare_urls = [f"{base}/bench/bare/{rng.choice(references)}" for _ in range(requests)]
    process = start_gunicorn(env, port, workers)
    try:
        for url in (search_urls[0], page_urls[0], bare_urls[0]):
            fetch(url)
        cache = "page cache on" if page_cache else "page cache off"
        print(f"End to end through gunicorn ({workers} sync workers, {cache}), sequential:")
        for name, urls in (
            ("search page", search_urls),
            ("opportunity page", page_urls),
            ("bare view", bare_urls),
        ):
            first = latency(list(dict.fromkeys(urls)))  # each address once: not yet in the page cache
            again = latency(urls)
            print(f"  {name:17} first {percentiles(first)}")
            print(f"  {'':17} again {percentiles(again)}")
        clients = workers * 2
        print(f"Throughput, {clients} concurrent clients for {seconds:.0f} s each:")
        bare = throughput(bare_urls, clients=clients, seconds=seconds)
        search = throughput(search_urls, clients=clients, seconds=seconds)
        page = throughput(page_urls, clients=clients, seconds=seconds)
        print(f"  bare view         {bare:8.1f} requests/s")
        print(f"  search page       {search:8.1f} requests/s  ({search / bare:.2f} of the bare view)")
        print(f"  opportunity page  {page:8.1f} requests/s  ({page / bare:.2f} of the bare view)")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def bench_query_counts() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tenderbox.frameworks.models import Framework
    from tenderbox.tenders.models import Procurement

    client = Client(HTTP_HOST="127.0.0.1")
    reference = Procurement.objects.public().values_list("reference", flat=True).first()
    framework = Framework.objects.public().values_list("reference", flat=True).first()
    pages = [
        "/",
        "/opportunities/",
        f"/opportunities/{reference}/",
        "/frameworks/",
        f"/frameworks/{framework}/",
    ]
    print("Queries per page at this size:")
    for path in pages:
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        print(f"  {path:45} {len(queries.captured_queries):4d} queries (status {status})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="Synthetic procurements to load.")
    parser.add_argument("--requests", type=int, default=200, help="Requests per latency measurement.")
    parser.add_argument("--seconds", type=float, default=10, help="Seconds per throughput measurement.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes.")
    parser.add_argument("--database-url", default=ADMIN_URL, help="A PostgreSQL server's admin database.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database afterwards.")
    parser.add_argument(
        "--existing",
        metavar="NAME",
        help="Measure a database already loaded (say kept by --keep) on the same server, as it is: "
        "nothing is loaded, and it is not dropped.",
    )
    parser.add_argument(
        "--no-page-cache", action="store_true", help="Serve the public pages without the page cache."
    )
    args = parser.parse_args()

    name = args.existing or f"tenderbox_bench_{os.getpid()}"
    database_url = (
        args.database_url.rsplit("/", 1)[0] + "/" + name
        if args.existing
        else create_database(args.database_url, name)
    )
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tenderbox.settings")
    os.environ["DEBUG"] = "false"  # no query log growing with the run
    os.environ.setdefault("TENDERBOX_VAR_DIR", str(ROOT / "var"))
    import django

    django.setup()
    rng = random.Random(2026)
    size = "an existing database" if args.existing else f"size {args.size:,}"
    print(f"Tenderbox benchmarks: {size}, database {name}, {os.cpu_count()} cores")
    try:
        if not args.existing:
            load(args.size)
        bench_search_database(rng, args.requests)
        bench_query_counts()
        from django.db import connections

        connections.close_all()
        bench_end_to_end(
            database_url,
            rng,
            requests=args.requests,
            seconds=args.seconds,
            workers=args.workers,
            page_cache=not args.no_page_cache,
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep and not args.existing:
            drop_database(args.database_url, name)


if __name__ == "__main__":
    main()
