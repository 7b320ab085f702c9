"""What the benchmark scripts share, beside the helpers they import from benchmarks/bench.py
(`create_database`, `start_gunicorn`, `percentiles`...): a throwaway PostgreSQL database with Django
set up and migrated on it, the environment of the production settings gunicorn runs under, gunicorn
as a context manager, and memory figures (resident set now and at its peak).
"""

import base64
import contextlib
import os
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@contextlib.contextmanager
def fresh_database(prefix: str, *, admin_url: str, keep: bool = False):
    """A new PostgreSQL database named `<prefix>_<pid>` with every migration applied, and Django set
    up on it (no query log); dropped afterwards unless `keep`. Yields (database URL, name).

    Migrating takes 20 s of CPU, so the database is copied (CREATE DATABASE ... TEMPLATE, about a
    second) from `tenderbox_bench_template_<digest>`, migrated once for this set of migrations and
    kept for the next run (drop them with `DROP DATABASE` when you like: each is made again on use).
    """
    from benchmarks.bench import create_database, drop_database

    name = f"{prefix}_{os.getpid()}"
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    # Stopped with SIGTERM (kill, a timeout), the database is still dropped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tenderbox.settings")
    os.environ["DEBUG"] = "false"  # no query log growing with the run
    import django

    django.setup()
    template = _migrated_template(admin_url)
    if template is None:
        create_database(admin_url, name)
    else:
        _copy_database(admin_url, template, name)
    from django.core.management import call_command
    from django.db import connections

    try:
        call_command("migrate", verbosity=0, interactive=False)  # nothing left to do after a copy
        yield url, name
    finally:
        connections.close_all()
        if keep:
            print(f"Kept the database {name}")
        else:
            drop_database(admin_url, name)


def _migrations_digest() -> str:
    """Names every migration on disk (ours and the installed packages'), and the text of ours."""
    import hashlib

    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256()
    for app, migration in sorted(MigrationLoader(None, ignore_no_migrations=True).disk_migrations):
        digest.update(f"{app}.{migration}\n".encode())
    for path in sorted((ROOT / "tenderbox").glob("*/migrations/*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _migrated_template(admin_url: str) -> str | None:
    """The template database for the current migrations, made (and migrated, in a new process)
    if it does not exist yet; one process makes it while others wait (an advisory lock)."""
    import psycopg

    template = f"tenderbox_bench_template_{_migrations_digest()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext('tenderbox_bench_template'))")
        try:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
                return template
            conn.execute(f'CREATE DATABASE "{template}"')
            env = {**os.environ, "DATABASE_URL": admin_url.rsplit("/", 1)[0] + "/" + template}
            env.pop("PYTEST_VERSION", None)
            done = subprocess.run(
                [str(ROOT / ".venv" / "bin" / "tenderbox"), "migrate", "--no-input", "-v", "0"],
                cwd=ROOT,
                env=env,
            )
            if done.returncode != 0:
                conn.execute(f'DROP DATABASE IF EXISTS "{template}"')
                return None
            return template
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext('tenderbox_bench_template'))")


def _copy_database(admin_url: str, template: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def production_env(database_url: str) -> dict:
    """The environment of a production process on `database_url`: production settings (with the
    benchmarks' bare view mounted), loopback only, and static files collected as a release has them.
    The master key is the caller's TENDERBOX_MASTER_KEY when set (so the benchmark can read what the
    server sealed), else a new one; the var directory is the caller's TENDERBOX_VAR_DIR when set."""
    env = {
        **os.environ,
        "TENDERBOX_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "TENDERBOX_MASTER_KEY": os.environ.get("TENDERBOX_MASTER_KEY")
        or base64.b64encode(os.urandom(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "HUEY_REDIS_URL": os.environ.get("HUEY_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "EMAIL_URL": "console://",
        "OCDS_PREFIX": os.environ.get("OCDS_PREFIX", "ocds-tbx000"),  # the demo's placeholder prefix
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("PYTEST_VERSION", None)
    # Production serves hashed static files from the manifest, as an installed release would.
    env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="tenderbox-bench-static-")
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "tenderbox"), "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return env


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int):
    """gunicorn with `workers` sync workers on a free loopback port; yields its base URL."""
    from benchmarks.bench import free_port, start_gunicorn

    port = free_port()
    process = start_gunicorn(env, port, workers)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def rss_mb() -> float:
    """This process's resident set now, in MB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    """This process's largest resident set so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> str:
    """The machine's load, printed beside figures: on 2 cores other work moves them a lot."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f})"
