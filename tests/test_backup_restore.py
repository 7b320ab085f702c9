"""Backup and restore, as docs/operations.md tells operators to do it: `pg_dump` of the database and a
copy of the documents directory, restored into an empty database and a new directory. The restored
copy must verify its audit chain, keep the audit trail's append-only trigger, and open a sealed tender's
document with the master key (which is never in the backup)."""

import os
import shutil
import subprocess
import sys
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection

if connection.vendor != "postgresql":
    pytest.skip(
        "Backup and restore use pg_dump and pg_restore (run by .ci/run's PostgreSQL step)",
        allow_module_level=True,
    )

# pg_dump reads committed data only; the data migrations' rows are restored after the test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TENDERBOX = str(Path(sys.executable).with_name("tenderbox"))


def _pg_env(name: str) -> dict:
    db = connection.settings_dict
    env = {**os.environ, "PGHOST": db["HOST"] or "127.0.0.1", "PGPORT": str(db["PORT"] or 5432)}
    env["PGUSER"] = db["USER"] or "postgres"
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    env["PGDATABASE"] = name
    return env


def _run(*args, env):
    return subprocess.run(args, env=env, capture_output=True, text=True, check=False, timeout=120)  # noqa: S603


def test_a_dump_restored_into_an_empty_database_verifies_and_opens(
    procurement, alice, acme, helen, ian, settings, tmp_path
):
    from tenderbox.audit.models import AuditEvent
    from tenderbox.submissions import actions as sub
    from tenderbox.submissions.forms import ResponseForm
    from tests.conftest import pdf_upload, response_post

    settings.MEDIA_ROOT = tmp_path / "media"
    response = sub.start_response(procurement, acme, by=alice)
    document = sub.attach_document(response, pdf_upload("method.pdf", b"%PDF-1.4 method statement"), by=alice)
    content = sub.load_draft(response)
    form = ResponseForm(response_post(procurement), procurement=procurement, content=content)
    assert form.is_valid()
    sub.save_draft(response, form.content(content), by=alice)
    version = sub.submit(response, by=alice, idempotency_key="backup")
    with time_machine.travel(procurement.submission_deadline + timedelta(seconds=1), tick=False):
        sub.approve_opening(procurement, by=helen)
        sub.approve_opening(procurement, by=ian)
    events = AuditEvent.objects.count()

    # Back up: the database (custom format) and the documents directory.
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "tenderbox.dump"
    done = _run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", env=_pg_env(source))
    assert done.returncode == 0, done.stderr
    with tarfile.open(tmp_path / "documents.tar.gz", "w:gz") as tar:
        tar.add(settings.MEDIA_ROOT, arcname="media")

    # Restore into an empty database and a new directory.
    target = f"{source}_restored"
    admin = _pg_env("postgres")
    _run("dropdb", "--if-exists", target, env=admin)
    assert _run("createdb", target, env=admin).returncode == 0
    try:
        restored = _run(
            "pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump), env=admin
        )
        assert restored.returncode == 0, restored.stderr
        restore_dir = tmp_path / "restore"
        with tarfile.open(tmp_path / "documents.tar.gz") as tar:
            tar.extractall(restore_dir, filter="data")
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{target}",
            "MEDIA_ROOT": str(restore_dir / "media"),
            "TENDERBOX_ENV": "test",  # the same development master key as this test run
        }
        verified = _run(TENDERBOX, "audit", "verify", env=env)
        assert verified.returncode == 0, verified.stderr
        assert verified.stdout.strip() == f"Audit chain verified: {events} events."
        # The sealed tender's document opens from the restored database and directory.
        opened = _run(
            TENDERBOX,
            "shell",
            "--no-imports",
            "-c",
            "from tenderbox.submissions.models import ResponseVersion; "
            "from tenderbox.submissions.actions import read_version_document; "
            f"v = ResponseVersion.objects.get(pk='{version.pk}'); "
            f"entry, data = read_version_document(v, '{document.pk}'); "
            "print(entry['filename'], data.decode(), v.receipt_sha256)",
            env=env,
        )
        assert opened.returncode == 0, opened.stderr
        assert opened.stdout.strip() == f"method.pdf %PDF-1.4 method statement {version.receipt_sha256}"
        # The append-only trigger came back with the tables: an edited event is refused.
        edit = _run(
            "psql",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            "UPDATE audit_auditevent SET verb = 'x' WHERE seq = 1",
            env=_pg_env(target),
        )
        assert edit.returncode != 0 and "append-only" in edit.stderr.lower() + edit.stdout.lower()
        # And a tampered restore is caught: with the trigger set aside, one event's content is changed.
        tamper = _run(
            "psql",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL; "
            "UPDATE audit_auditevent SET verb = 'procurement.cancelled' WHERE seq = 2",
            env=_pg_env(target),
        )
        assert tamper.returncode == 0, tamper.stderr
        broken = _run(TENDERBOX, "audit", "verify", env=env)
        assert broken.returncode != 0
        assert "Audit chain broken at event #2: its content does not match its hash" in broken.stderr
    finally:
        _run("dropdb", "--if-exists", target, env=admin)
        shutil.rmtree(tmp_path / "restore", ignore_errors=True)
