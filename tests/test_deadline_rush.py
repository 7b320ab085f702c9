"""The last seconds before a deadline, on PostgreSQL: a few hundred suppliers submit and resubmit at
once, each with a double click, some of them too late.

Real threads, each with its own database connection, and the real clock: the deadline is set a few
seconds ahead, and every attempt records the clock just before and just after it called
`submissions.actions.submit`. Then:

- every version stored was submitted strictly before the deadline, none after;
- an attempt that began after the deadline was refused; one that was accepted was decided inside its
  own call and before the deadline; one refused as late ended after the deadline;
- a double click (the same idempotency key twice at once) made one version, and both clicks got it;
- every accepted attempt's version is stored exactly once, numbered 1, 2, ... per supplier;
- after opening, every receipt the suppliers were given matches the hash of what was sealed.
"""

import hashlib
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from tenderbox.lib.errors import Conflict
from tests.conftest import draft_procurement, make_user, response_post, supplier_details

SUPPLIERS = 200
WORKERS = 60  # PostgreSQL allows 100 connections; leave room for the test's own and any other
WINDOW = 4.0  # seconds before the deadline in which the attempts are spread
LATE = 1.0  # and seconds after it

if connection.vendor != "postgresql":
    # Skipped at collection, so the SQLite run does not pay for the serialised rollback below.
    pytest.skip(
        "Concurrency needs PostgreSQL's row locks; SQLite serialises every writer (run by .ci/run's "
        "PostgreSQL step)",
        allow_module_level=True,
    )

# Real threads need real commits; the data migrations' rows (CPV codes) are restored afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _suppliers(procurement, count):
    from tenderbox.organisations.actions import register_organisation
    from tenderbox.submissions import actions as sub
    from tenderbox.submissions.forms import ResponseForm

    out = []
    for n in range(count):
        user = make_user(f"bidder{n}@supplier{n}.example", f"Bidder {n}")
        supplier = register_organisation(by=user, **supplier_details(f"Supplier {n} Ltd", f"{n:08d}"))
        response = sub.start_response(procurement, supplier, by=user)
        content = sub.load_draft(response)
        form = ResponseForm(
            response_post(procurement, price=f"{100000 + n}.00", quality=f"Approach {n}"),
            procurement=procurement,
            content=content,
        )
        assert form.is_valid(), form.errors
        sub.save_draft(response, form.content(content), by=user)
        out.append((user, response))
    return out


def test_the_last_seconds_before_a_deadline(northshire, ian, helen):
    from tenderbox.submissions import actions as sub
    from tenderbox.submissions.models import Response, ResponseVersion
    from tenderbox.tenders import actions
    from tenderbox.tenders.models import Procurement

    procurement = actions.publish(draft_procurement(northshire, ian, lots=1), by=ian)
    bidders = _suppliers(procurement, SUPPLIERS)
    sub._procurement_key(procurement)  # made by the first submission otherwise; not what is measured

    # The deadline a few real seconds ahead; each supplier clicks "Submit" twice at once, then changes
    # its mind and submits again (twice at once), at random moments around the deadline.
    start = timezone.now() + timedelta(seconds=1)
    deadline = start + timedelta(seconds=WINDOW)
    Procurement.objects.filter(pk=procurement.pk).update(submission_deadline=deadline)
    rng = random.Random(9)
    plan = []
    for user, response in bidders:
        first = rng.uniform(0, WINDOW + LATE)
        second = first + rng.uniform(0, WINDOW + LATE - first)
        for at, key in ((first, uuid.uuid4().hex), (second, uuid.uuid4().hex)):
            plan += [(at, user, response, key), (at + rng.uniform(0, 0.05), user, response, key)]
    plan.sort(key=lambda p: p[0])

    results, lock = [], threading.Lock()

    def attempt(at, user, response, key):
        try:
            delay = (start + timedelta(seconds=at) - timezone.now()).total_seconds()
            if delay > 0:
                time.sleep(delay)
            began = timezone.now()
            try:
                # Loaded afresh, as each request would.
                fresh = Response.objects.select_related("procurement").get(pk=response.pk)
                outcome = sub.submit(fresh, by=user, idempotency_key=key)
            except Conflict as exc:
                outcome = exc
            ended = timezone.now()
            with lock:
                results.append((response.pk, key, began, ended, outcome))
        finally:
            connections.close_all()  # this thread's connection

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for future in [pool.submit(attempt, *p) for p in plan]:
            future.result()

    assert len(results) == len(plan) == SUPPLIERS * 4
    stored = {v.pk: v for v in ResponseVersion.objects.select_related("response")}
    accepted = [r for r in results if isinstance(r[4], ResponseVersion)]
    refused = [r for r in results if not isinstance(r[4], ResponseVersion)]
    # Some of each, or the timing did not test the deadline.
    assert accepted and refused
    for *_, ended, outcome in refused:
        assert "deadline" in outcome.message
        assert ended >= deadline  # refused as late only when the call ended after the deadline
    for response_id, key, began, ended, version in accepted:
        # An attempt begun after the deadline is never accepted, except as the repeat of a double click
        # whose first click was sealed in time: it gets that version back, made before it began.
        assert began < deadline or version.submitted_at < began
        # Decided before this call ended (a double click's second click gets the first click's version).
        assert version.submitted_at <= ended and version.submitted_at < deadline
        row = stored[version.pk]  # kept, and exactly as the supplier was told
        assert (row.response_id, row.idempotency_key, row.receipt_sha256) == (
            response_id,
            key,
            version.receipt_sha256,
        )
    # None after the deadline; one version per idempotency key, numbered 1, 2, ... per supplier.
    assert all(v.submitted_at < deadline for v in stored.values())
    keys = [(v.response_id, v.idempotency_key) for v in stored.values()]
    assert len(keys) == len(set(keys))
    assert {(r[0], r[1]) for r in accepted} == set(keys)
    by_response = {}
    for v in stored.values():
        by_response.setdefault(v.response_id, []).append(v.number)
    assert all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in by_response.values())
    # Both clicks of a double click got the same version.
    clicks = {}
    for response_id, key, _, _, version in accepted:
        clicks.setdefault((response_id, key), set()).add(version.pk)
    assert all(len(pks) == 1 for pks in clicks.values())
    # ... and the version was decided inside the first of those clicks.
    for (response_id, key), (pk,) in clicks.items():
        first_began = min(r[2] for r in accepted if (r[0], r[1]) == (response_id, key))
        assert first_began <= stored[pk].submitted_at

    # After the deadline two buyers open the tenders; every receipt matches what was sealed.
    procurement.refresh_from_db()
    sub.approve_opening(procurement, by=helen)
    sub.approve_opening(procurement, by=ian)
    procurement.refresh_from_db()
    for version in ResponseVersion.objects.select_related("response__procurement"):
        content = sub.read_version(version)
        receipt_view = {
            **content,
            "documents": [{k: v for k, v in d.items() if k != "key"} for d in content["documents"]],
        }
        assert hashlib.sha256(sub.canonical(receipt_view)).hexdigest() == version.receipt_sha256
        assert content["submitted_at"] == version.submitted_at.isoformat()
    print(f"\n{len(accepted)} accepted, {len(refused)} refused as late, {len(stored)} versions stored")
