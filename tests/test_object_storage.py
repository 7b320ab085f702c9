"""Documents in S3-compatible object storage (settings: S3_BUCKET): nothing lands on the web process's
own disk, every read goes through Tenderbox's views and actions, sealed documents stay ciphertext in
the bucket, and erasure deletes the object. The S3 server is moto's, in-process, so this runs offline.

Ian publishes Northshire's procurement with its specification; Alice (Acme) downloads it and submits a
tender with a pricing document; after the deadline Helen and Ian open the tenders and read it.
"""

import socket
from datetime import timedelta

import boto3
import pytest
import time_machine
from django.core.files.storage import storages

from tenderbox.submissions import actions
from tests.conftest import PDF, pdf_upload, submit_tender

BUCKET = "tenderbox-documents"
MARKER = b"PRICING-SECRET-4410"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    client = boto3.client("s3", endpoint_url=s3_server, region_name="eu-west-2", **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "eu-west-2",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": None,
                "file_overwrite": False,
                "object_parameters": {"ServerSideEncryption": "AES256"},
            },
        },
    }
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_documents_live_in_the_bucket_and_nothing_on_local_disk(bucket, client, northshire, ian, tmp_path):
    from tenderbox.tenders import actions as tenders
    from tests.conftest import draft_procurement

    assert type(storages["default"]).__name__ == "S3Storage"
    procurement = tenders.publish(draft_procurement(northshire, ian), by=ian)
    document = procurement.documents.get()
    assert keys(bucket) == [document.file.name]
    head = bucket.head_object(Bucket=BUCKET, Key=document.file.name)
    assert head["ServerSideEncryption"] == "AES256"

    page = client.get(f"/opportunities/{procurement.reference}/documents/{document.pk}")
    assert page.status_code == 200
    assert b"".join(page.streaming_content) == PDF
    assert not (tmp_path / "media").exists()  # no local-disk state in the web process

    health = client.get("/health")
    assert health.status_code == 200  # the health check asks the object store too


def test_a_sealed_document_is_ciphertext_in_the_bucket_until_opened(
    bucket, procurement, alice, acme, helen, ian
):
    response = actions.start_response(procurement, acme, by=alice)
    actions.attach_document(response, pdf_upload("pricing.pdf", PDF + b"% " + MARKER + b"\n"), by=alice)
    version = submit_tender(procurement, acme, alice)
    stored = [k for k in keys(bucket) if k.startswith("responses/")]
    assert len(stored) == 1
    body = bucket.get_object(Bucket=BUCKET, Key=stored[0])["Body"].read()
    assert MARKER not in body and len(body) > len(PDF)

    with time_machine.travel(procurement.submission_deadline + timedelta(seconds=1), tick=False):
        actions.approve_opening(procurement, by=helen)
        actions.approve_opening(procurement, by=ian)
    version.refresh_from_db()
    entry = actions.read_version(version)["documents"][0]
    _, data = actions.read_version_document(version, entry["id"])
    assert data == PDF + b"% " + MARKER + b"\n"


def test_the_retention_purge_deletes_the_object(bucket, procurement, alice, acme, ian, commit):
    from tenderbox.lib.dates import add_months
    from tenderbox.privacy import retention_engine as engine
    from tenderbox.tenders import actions as tenders
    from tests.test_retention import run_on, submit_with_document

    version = submit_with_document(procurement, acme, alice)
    tenders.cancel(procurement, by=ian, reason="Budget withdrawn")
    assert len([k for k in keys(bucket) if k.startswith("responses/")]) == 1
    with commit():
        run_on(add_months(version.submitted_at.date(), 84), policies=[engine.policy("tender_submissions")])
    assert [k for k in keys(bucket) if k.startswith("responses/")] == []


def test_the_deployment_checks_name_what_keeps_state_in_one_process(settings):
    from tenderbox.portal.system_checks import document_storage, shared_cache, shared_queue

    settings.PRODUCTION = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    assert [m.id for m in shared_cache(None)] == ["tenderbox.W001"]
    assert [m.id for m in document_storage(None)] == ["tenderbox.I001"]
    settings.HUEY = {**settings.HUEY, "huey_class": "huey.SqliteHuey"}
    assert [m.id for m in shared_queue(None)] == ["tenderbox.W002"]
    settings.HUEY = {**settings.HUEY, "huey_class": "huey.RedisHuey"}
    assert shared_queue(None) == []
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}
    }
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    assert shared_cache(None) == [] and document_storage(None) == []
