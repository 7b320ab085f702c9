"""The deadline rush, end to end: N suppliers each attach a document and submit their sealed tender
through the JSON API in the last seconds before a procurement's deadline; then none may be lost.

    .venv/bin/python benchmarks/deadline_rush.py --suppliers 1000 --window 60 --document-mb 1

Target (issue 10): 1,000 submissions, each with a 1 MB document, in the last 60 seconds; p99 under
1 s; none lost.

1. A fresh PostgreSQL database (dropped afterwards; `--keep` keeps it), production settings, and
   gunicorn with several sync workers on loopback (benchmarks/harness.py, benchmarks/bench.py).
2. A buyer (two staff, each with an API token) creates and publishes a procurement through the API;
   N suppliers (an account, an organisation and a write token each: made in the process, as the
   sign-up pages would, without hashing passwords) save a complete draft through the API
   (`PUT .../response`), before the rush (reported, not part of the target).
3. The rush: the deadline is moved to `--window` seconds (plus `--grace`) ahead, and each supplier,
   at a random moment of the window (uniform, or `--arrivals rising`: the rate rising to twice the
   average at the deadline), uploads its own document (`POST .../response/documents`, multipart, a
   distinct PDF of `--document-mb`) and submits (`POST .../response/submit`). Open loop: a supplier
   starts on time whatever the server's state (`--clients` threads at most in flight; how late the
   starts were is reported). Figures: p50/p95/p99 of each request and of the pair, throughput,
   errors by kind.
4. After the deadline the two buyers approve the opening through the API and list the tenders
   (`GET .../tenders`). None lost means: every supplier's tender is there, exactly one version each,
   sealed before the deadline; its receipt is the one the supplier was given and is the SHA-256 of
   what was opened; its document is listed with the uploaded file's hash, and the stored file, decrypted
   with the key inside the sealed tender, is byte for byte the uploaded file; one audit event per
   submission and the audit chain verifies.

Needs PostgreSQL on 127.0.0.1:5432 (trust auth) unless --database-url names another server, and
Redis for the task queue (the receipts' email), as bench.py does. Requests go only to 127.0.0.1.
"""

import argparse
import base64
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench import ADMIN_URL, percentiles  # noqa: E402
from benchmarks.harness import fresh_database, gunicorn, load_average, production_env  # noqa: E402

HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
TIMEOUT = 60


# HTTP ---------------------------------------------------------------------------------------------
@dataclass
class Answer:
    status: int  # 0: no answer (connection refused, reset, timed out)
    body: dict
    seconds: float
    error: str = ""


def call(method: str, url: str, token: str, *, json_body=None, data: bytes = b"", content_type: str = ""):
    headers = {**HEADERS, "Authorization": f"Bearer {token}"}
    if json_body is not None:
        data, content_type = json.dumps(json_body).encode(), "application/json"
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data or None, method=method, headers=headers)  # noqa: S310
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except OSError as exc:
        return Answer(0, {}, time.perf_counter() - started, type(exc).__name__)
    seconds = time.perf_counter() - started
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        body = {"detail": raw[:200].decode(errors="replace")}
    return Answer(status, body, seconds)


def multipart(filename: str, content: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def expect(answer: Answer, status: int, what: str) -> dict:
    if answer.status != status:
        raise SystemExit(f"{what}: expected {status}, got {answer.status} {answer.error} {answer.body}")
    return answer.body


def warm(base: str, token: str, *, workers: int) -> None:
    """Each worker's first requests import the views and build the URL resolver (a second or more):
    spend that before anything is measured."""
    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(pool.map(lambda _: call("GET", f"{base}/api/v1/me", token), range(workers * 8)))


# The world ----------------------------------------------------------------------------------------
@dataclass
class Supplier:
    n: int
    name: str
    token: str
    document: bytes = b""
    receipt: dict = field(default_factory=dict)


def build_people(count: int):
    """The buyer's two staff and `count` suppliers, each with a write token (in the process: account
    sign-up is a page with a password and an emailed link, not an API)."""
    from django.utils import timezone

    from tenderbox.accounts.models import User
    from tenderbox.api.actions import create_token
    from tenderbox.organisations.actions import register_organisation
    from tenderbox.organisations.models import Membership, Organisation, Role

    now = timezone.now()

    def person(email, name):
        # No password: these people use tokens (and hashing a thousand Argon2 passwords takes minutes).
        return User.objects.create_user(
            email=email,
            full_name=name,
            email_verified_at=now,
            adult_declared_at=now,
            privacy_notice_version="bench",
        )

    address = {"address_line_1": "1 High Street", "town": "Leeds", "postcode": "LS1 4AP", "region": "TLE"}
    helen = person("helen@northshire.example", "Helen Ward")
    northshire = register_organisation(
        by=helen,
        kind=Organisation.Kind.BUYER,
        name="Northshire County Council",
        authority_type=Organisation.AuthorityType.LOCAL,
        **address,
    )
    ian = person("ian@northshire.example", "Ian Price")
    Membership.objects.create(user=ian, organisation=northshire, role=Role.BUYER)
    buyers = [create_token(northshire, by=u, name="Bench", scope="write", days=1)[1] for u in (ian, helen)]
    suppliers = []
    for n in range(count):
        user = person(f"bidder{n}@supplier{n}.example", f"Bidder {n}")
        name = f"Supplier {n:05d} Ltd"
        org = register_organisation(
            by=user,
            kind=Organisation.Kind.SUPPLIER,
            name=name,
            companies_house_number=f"{n:08d}",
            size=Organisation.Size.SME,
            **address,
        )
        suppliers.append(Supplier(n, name, create_token(org, by=user, name="Bid", scope="write", days=1)[1]))
    return buyers, suppliers


def publish_procurement(base: str, token: str, *, lots: int) -> dict:
    """Created and published by the buyer through the API, as a buyer's system would."""
    from django.utils import timezone

    now = timezone.now()
    created = call(
        "POST",
        f"{base}/api/v1/procurements",
        token,
        json_body={
            "title": "Grounds maintenance for county parks",
            "description": "Mowing, planting and tree care across 40 parks in Northshire.",
            "category": "services",
            "main_cpv": "77310000-6",
            "value_excl_vat": "400000",
            "vat": "80000",
            "region": "TLE",
            "procedure": "open",
            "clarification_deadline": (now + timedelta(days=20)).isoformat(),
            "submission_deadline": (now + timedelta(days=30)).isoformat(),
            "expected_award_date": (now + timedelta(days=45)).date().isoformat(),
        },
    )
    pid = expect(created, 201, "Creating the procurement")["id"]
    parts = [("lots", {"title": f"Area {n}", "value_excl_vat": "200000"}) for n in range(1, lots + 1)]
    parts += [
        ("criteria", {"kind": "quality", "name": "Approach to delivery", "weight": 60}),
        ("criteria", {"kind": "price", "name": "Price", "weight": 40}),
        ("declarations", {}),
    ]
    for path, body in parts:
        expect(call("POST", f"{base}/api/v1/procurements/{pid}/{path}", token, json_body=body), 201, path)
    spec = b"%PDF-1.4\n% Specification\n%%EOF\n"
    data, content_type = multipart("specification.pdf", spec, "application/pdf")
    # The tender document: the same multipart field plus a title.
    boundary = content_type.split("=", 1)[1]
    data = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nSpecification\r\n'
    ).encode() + data
    expect(
        call(
            "POST", f"{base}/api/v1/procurements/{pid}/documents", token, data=data, content_type=content_type
        ),
        201,
        "Adding the specification",
    )
    return expect(call("POST", f"{base}/api/v1/procurements/{pid}/publish", token), 200, "Publishing")


def draft_body(procurement) -> dict:
    lots = list(procurement.lots.order_by("number"))
    return {
        "lots": [lot.pk for lot in lots],
        "prices": {str(lot.pk): "150000.00" for lot in lots} or {"whole": "150000.00"},
        "selection": {str(q.pk): "yes" for q in procurement.selection_questions.all()},
        "quality": {
            str(c.pk): "Our crews work year-round." for c in procurement.criteria.filter(kind="quality")
        },
        "declaration": True,
    }


def document_for(supplier: Supplier, block: bytes) -> bytes:
    """A distinct, incompressible PDF per supplier: its own first line, then random bytes."""
    return b"%PDF-1.4\n% " + supplier.name.encode() + b"\n" + block + b"\n%%EOF\n"


# The rush -----------------------------------------------------------------------------------------
@dataclass
class Attempt:
    supplier: Supplier
    late_start: float = 0.0
    upload: Answer | None = None
    submit: Answer | None = None
    began: float = 0.0
    ended: float = 0.0


def rush(base, reference, suppliers, *, block, window, arrivals, clients, seed) -> list[Attempt]:
    rng = random.Random(seed)
    # Uniform: every moment of the window alike. Rising: density proportional to the time elapsed,
    # so the last seconds see twice the average rate (offset = window * sqrt(u)).
    offsets = sorted(
        window * (rng.random() if arrivals == "uniform" else rng.random() ** 0.5) for _ in suppliers
    )
    order = suppliers[:]
    rng.shuffle(order)
    start = time.perf_counter() + 1.0
    attempts = [Attempt(s) for s in order]

    def one(attempt: Attempt, offset: float) -> None:
        due = start + offset
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        attempt.began = time.perf_counter()
        attempt.late_start = attempt.began - due
        supplier = attempt.supplier
        supplier.document = document_for(supplier, block)
        data, content_type = multipart(f"method-{supplier.n}.pdf", supplier.document, "application/pdf")
        url = f"{base}/api/v1/opportunities/{reference}/response"
        attempt.upload = call(
            "POST", f"{url}/documents", supplier.token, data=data, content_type=content_type
        )
        if attempt.upload.status == 201:
            attempt.submit = call(
                "POST", f"{url}/submit", supplier.token, json_body={"idempotency_key": uuid.uuid4().hex}
            )
            if attempt.submit.status == 201:
                supplier.receipt = attempt.submit.body
        attempt.ended = time.perf_counter()

    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(one, a, o) for a, o in zip(attempts, offsets, strict=True)]:
            future.result()
    return attempts


def spread(samples: list[float]) -> str:
    return percentiles(samples) if samples else "none"


def report(attempts: list[Attempt], *, window: float, document_mb: float) -> int:
    uploads = [a.upload for a in attempts if a.upload is not None]
    submits = [a.submit for a in attempts if a.submit is not None]
    ok = [a for a in attempts if a.submit is not None and a.submit.status == 201]
    print(f"  upload (POST .../documents) {spread([u.seconds for u in uploads if u.status == 201])}")
    print(f"  submit (POST .../submit)    {spread([s.seconds for s in submits if s.status == 201])}")
    print(f"  both, one supplier          {spread([a.ended - a.began for a in ok])}")
    span = max(a.ended for a in attempts) - min(a.began for a in attempts)
    print(
        f"  {len(ok):,} of {len(attempts):,} submitted in {span:.1f} s: {len(ok) / span:.1f} submissions/s, "
        f"{len(ok) * document_mb / span:.1f} MB/s of documents (window {window:.0f} s)"
    )
    late = sorted(a.late_start for a in attempts)
    p99 = late[int(0.99 * (len(late) - 1))]
    print(f"  client: starts late by at most {late[-1] * 1000:.0f} ms (p99 {p99 * 1000:.0f} ms)")
    errors: dict[str, int] = {}
    for a in attempts:
        for what, answer in (("upload", a.upload), ("submit", a.submit)):
            if answer is not None and answer.status not in (201,):
                key = f"{what} {answer.status or answer.error}: {str(answer.body.get('detail', ''))[:80]}"
                errors[key] = errors.get(key, 0) + 1
    print(
        f"  errors: {sum(errors.values())}" + "".join(f"\n    {n} x {k}" for k, n in sorted(errors.items()))
    )
    return len(attempts) - len(ok)


def verify(base, pid, buyers, suppliers, *, deadline, block) -> list[str]:
    """Open the tenders through the API and check that none is lost (see the module's docstring)."""
    from tenderbox.audit.chain import verify as verify_chain
    from tenderbox.audit.models import AuditEvent
    from tenderbox.submissions import actions as sub
    from tenderbox.submissions.models import ResponseVersion

    problems = []
    for token in buyers[::-1]:  # Helen, then Ian: four eyes
        expect(call("POST", f"{base}/api/v1/procurements/{pid}/opening-approvals", token), 201, "Opening")
    started = time.perf_counter()
    listed = call("GET", f"{base}/api/v1/procurements/{pid}/tenders", buyers[0])
    tenders = expect(listed, 200, "Listing the tenders")
    seconds = time.perf_counter() - started
    print(f"  opened and listed {len(tenders):,} tenders through the API in {seconds:.1f} s")
    by_name = {t["supplier"]: t for t in tenders}
    if len(by_name) != len(tenders):
        problems.append("a supplier has two counting tenders")
    unanswered = 0
    for s in suppliers:
        tender = by_name.get(s.name)
        if not s.receipt:
            # Refused or failed, and the supplier was told so (or its request timed out: then a
            # retry with the same idempotency key gets the version back, if one was made).
            unanswered += tender is not None
            continue
        if tender is None:
            problems.append(f"{s.name}: given a receipt, but its tender is missing")
            continue
        content = tender["content"]
        recomputed = hashlib.sha256(sub.canonical(content)).hexdigest()
        if not (tender["receipt_sha256"] == s.receipt["receipt_sha256"] == recomputed):
            problems.append(f"{s.name}: the receipt does not match what was opened")
        if tender["id"] != s.receipt["id"] or tender["number"] != 1:
            problems.append(f"{s.name}: not the version the supplier was told of")
        documents = content["documents"]
        expected = hashlib.sha256(document_for(s, block)).hexdigest()
        if [(d["sha256"], d["size"]) for d in documents] != [(expected, len(document_for(s, block)))]:
            problems.append(f"{s.name}: its document is not the one uploaded")
    # Byte for byte: each stored file, decrypted with the key sealed inside its tender.
    started = time.perf_counter()
    versions = list(ResponseVersion.objects.select_related("response__procurement", "response__supplier"))
    expected = {s.name: hashlib.sha256(document_for(s, block)).hexdigest() for s in suppliers}
    for version in versions:
        if version.submitted_at >= deadline:
            problems.append(f"version {version.pk} sealed at {version.submitted_at}, after the deadline")
        content = sub.read_version(version)
        for entry in content["documents"]:
            _, data = sub.read_version_document(version, entry["id"])
            if hashlib.sha256(data).hexdigest() != expected.get(version.response.supplier.name):
                problems.append(f"version {version.pk}: its stored document differs from the upload")
    seconds = time.perf_counter() - started
    print(f"  decrypted and compared {len(versions):,} stored documents in {seconds:.1f} s")
    receipts = sum(1 for s in suppliers if s.receipt)
    if len(versions) != receipts + unanswered:
        problems.append(f"{len(versions)} versions stored for {receipts} receipts given")
    if unanswered:
        print(f"  {unanswered} stored without the supplier seeing its receipt (a timed-out request)")
    events = AuditEvent.objects.filter(verb="response.submitted").count()
    if events != len(versions):
        problems.append(f"{events} submission audit events for {len(versions)} versions")
    chain = verify_chain()
    if not chain.ok:
        problems.append(f"the audit chain does not verify at #{chain.broken_seq}: {chain.reason}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=1000, help="Suppliers, one submission each.")
    parser.add_argument(
        "--window", type=float, default=60, help="Seconds before the deadline they arrive in."
    )
    parser.add_argument("--grace", type=float, default=3, help="Seconds between the window and the deadline.")
    parser.add_argument("--document-mb", type=float, default=1.0, help="Each supplier's document, in MB.")
    parser.add_argument("--arrivals", choices=("uniform", "rising"), default="uniform")
    parser.add_argument("--lots", type=int, default=1, help="Lots of the procurement (each bid for all).")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync worker processes.")
    parser.add_argument(
        "--clients", type=int, default=200, help="Client threads (requests in flight at most)."
    )
    parser.add_argument("--database-url", default=ADMIN_URL, help="A PostgreSQL server's admin database.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database afterwards.")
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="tenderbox-rush-")  # the documents' store: 1 GB at the full size
    os.environ["TENDERBOX_VAR_DIR"] = var
    os.environ["TENDERBOX_MASTER_KEY"] = base64.b64encode(os.urandom(32)).decode()  # shared with gunicorn
    block = os.urandom(max(1, int(args.document_mb * 2**20) - 64))
    print(
        f"Deadline rush: {args.suppliers:,} suppliers, a {args.document_mb:g} MB document each, "
        f"{args.window:g} s window ({args.arrivals}), {args.workers} gunicorn workers, {os.cpu_count()} cores"
    )
    try:
        with fresh_database("tenderbox_rush", admin_url=args.database_url, keep=args.keep) as (url, _):
            from django.db import connections
            from django.utils import timezone

            from tenderbox.tenders.models import Procurement

            started = time.perf_counter()
            buyers, suppliers = build_people(args.suppliers)
            seconds = time.perf_counter() - started
            print(f"Setup: {args.suppliers:,} suppliers with accounts and tokens in {seconds:.1f} s")
            connections.close_all()
            env = production_env(url)
            with gunicorn(env, workers=args.workers) as base:
                warm(base, buyers[0], workers=args.workers)
                published = publish_procurement(base, buyers[0], lots=args.lots)
                procurement = Procurement.objects.get(pk=published["id"])
                body = draft_body(procurement)
                started = time.perf_counter()
                with ThreadPoolExecutor(max_workers=args.workers * 2) as pool:
                    drafts = list(
                        pool.map(
                            lambda s: call(
                                "PUT",
                                f"{base}/api/v1/opportunities/{procurement.reference}/response",
                                s.token,
                                json_body=body,
                            ),
                            suppliers,
                        )
                    )
                bad = [d for d in drafts if d.status != 200 or d.body.get("problems")]
                if bad:
                    raise SystemExit(f"{len(bad)} drafts were not saved complete: {bad[0]}")
                print(
                    f"Drafts saved before the rush (PUT .../response, {args.workers * 2} clients): "
                    f"{percentiles([d.seconds for d in drafts])}, {time.perf_counter() - started:.1f} s"
                )
                # The deadline a real window ahead: the server's own clock decides (a test would
                # travel in time; separate processes cannot).
                deadline = timezone.now() + timedelta(seconds=1 + args.window + args.grace)
                Procurement.objects.filter(pk=procurement.pk).update(
                    submission_deadline=deadline, next_transition_at=deadline
                )
                connections.close_all()
                print(f"The rush ({args.clients} client threads at most; {load_average()} before it):")
                attempts = rush(
                    base,
                    procurement.reference,
                    suppliers,
                    block=block,
                    window=args.window,
                    arrivals=args.arrivals,
                    clients=args.clients,
                    seed=2026,
                )
                failed = report(attempts, window=args.window, document_mb=args.document_mb)
                print(f"  {load_average()} after it")
                wait = (deadline - timezone.now()).total_seconds() + 0.5
                if wait > 0:
                    time.sleep(wait)
                print("After the deadline:")
                problems = verify(base, procurement.pk, buyers, suppliers, deadline=deadline, block=block)
            print(f"  none lost: {'yes' if not problems else 'NO'} ({failed} refused or failed)")
            for problem in problems[:20]:
                print(f"    {problem}")
            if problems:
                raise SystemExit(1)
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
