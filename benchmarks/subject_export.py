"""Subject-access export for a heavy user: one person with N records across the apps; time the
access export (`tenderbox privacy export`) and report its peak memory.

    .venv/bin/python benchmarks/subject_export.py --records 10000

Target (issue 10): a heavy user (10,000 records across apps) exported in under 5 s.

The person is Sam, a sole trader who has bid for years: for each of P procurements Sam registered
interest, asked a question (answered by the buyer), bid (a response with its encrypted draft, a sealed
version and an encrypted document) and was emailed a receipt and an alert; Sam's audit trail holds
the events of all that and of the sign-ins; Sam has alerts, sign-in records (django-axes), a few
sessions among `--other-sessions` other people's, and nil MI returns under a framework call-off.
One procurement, the framework and the call-off are made through the real actions; the rest are
copies written in bulk with the same crypto and the audit chain computed as `audit.chain.record`
computes it (the chain verifies afterwards), so building 10,000 records takes seconds.

Measured three ways: `build_export` in this process (seconds, and the Python heap's peak by
tracemalloc in a second run), and the command itself in a new process (wall time including Django's
start, and that process's peak resident set).

Uses a fresh PostgreSQL database (dropped afterwards; `--keep` keeps it) on 127.0.0.1:5432 unless
--database-url names another server.
"""

import argparse
import base64
import hashlib
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
import zipfile
from datetime import UTC, date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench import ADMIN_URL  # noqa: E402
from benchmarks.harness import ROOT, fresh_database, load_average  # noqa: E402

SAM_EMAIL = "sam.jones@gardener.example"
PDF = b"%PDF-1.4\n% Method statement\n%%EOF\n"


def _people():
    from django.utils import timezone

    from tenderbox.accounts.models import User
    from tenderbox.organisations.actions import register_organisation
    from tenderbox.organisations.models import Membership, Organisation, Role

    now = timezone.now()

    def person(email, name, **extra):
        return User.objects.create_user(
            email=email, full_name=name, email_verified_at=now, adult_declared_at=now, **extra
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
    sam = person(SAM_EMAIL, "Sam Jones", phone="07700 900123")
    gardening = register_organisation(
        by=sam,
        kind=Organisation.Kind.SUPPLIER,
        name="Sam Jones Gardening",
        is_sole_trader=True,
        contact_email=SAM_EMAIL,
        size=Organisation.Size.MICRO,
        **address,
    )
    return ian, northshire, sam, gardening


def _template_procurement(northshire, ian):
    """One procurement through the real actions; the others are its copies."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from tenderbox.tenders import actions
    from tenderbox.tenders.models import CpvCode

    now = timezone.now()
    procurement = actions.create_draft(
        buyer=northshire,
        by=ian,
        main_cpv=CpvCode.objects.get(code="77310000-6"),
        title="Grounds maintenance for county parks",
        description="Mowing, planting and tree care across 40 parks in Northshire.",
        category="services",
        value_excl_vat=Decimal("400000.00"),
        vat=Decimal("80000.00"),
        region="TLE",
        procedure="open",
        clarification_deadline=now + timedelta(days=20),
        submission_deadline=now + timedelta(days=30),
        expected_award_date=(now + timedelta(days=50)).date(),
    )
    actions.add_lot(
        procurement, by=ian, title="Area 1", description="Parks", value_excl_vat=Decimal("200000")
    )
    actions.add_criterion(procurement, by=ian, kind="quality", name="Approach to delivery", weight=60)
    actions.add_criterion(procurement, by=ian, kind="price", name="Price", weight=40)
    actions.add_standard_declarations(procurement, by=ian)
    spec = SimpleUploadedFile("specification.pdf", PDF, content_type="application/pdf")
    actions.add_document(procurement, spec, title="Specification", by=ian)
    return actions.publish(procurement, by=ian)


class Chain:
    """Audit events appended in bulk exactly as audit.chain.record appends them one at a time."""

    def __init__(self):
        from tenderbox.audit.models import AuditChainHead

        self.head = AuditChainHead.objects.get_or_create(pk=1)[0]
        self.pending = []

    def add(self, verb, *, at, actor=None, organisation=None, obj=None, subject=None, after=None, ip=None):
        import secrets

        from tenderbox.audit.models import AuditEvent, normalise_state

        event = AuditEvent(
            seq=self.head.last_seq + 1,
            created_at=at.astimezone(UTC),
            verb=verb,
            actor_id=getattr(actor, "pk", None),
            organisation_id=getattr(organisation, "pk", None),
            subject_user_id=getattr(subject, "pk", None),
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            before=None,
            after=normalise_state(after),
            prev_hash=self.head.last_hash,
            actor_label=getattr(actor, "email", ""),
            ip_address=ip,
            personal_salt=secrets.token_hex(16),
        )
        event.personal_digest = event.compute_personal_digest()
        event.hash = event.compute_hash()
        self.head.last_seq, self.head.last_hash = event.seq, event.hash
        self.pending.append(event)
        if len(self.pending) >= 5000:
            self.flush()

    def flush(self):
        from tenderbox.audit.models import AuditEvent

        AuditEvent.objects.bulk_create(self.pending)
        self.pending = []
        self.head.save(update_fields=["last_seq", "last_hash"])


def build_heavy_user(records: int, other_sessions: int) -> dict:
    """Sam with about `records` records; returns the person and the counts written."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from tenderbox.notifications.models import AlertDelivery, AlertSubscription, Message
    from tenderbox.submissions import actions as sub
    from tenderbox.submissions import crypto
    from tenderbox.submissions.models import ProcurementKey, Response, ResponseDocument, ResponseVersion
    from tenderbox.tenders.models import Clarification, Interest, Procurement

    ian, northshire, sam, gardening = _people()
    template = _template_procurement(northshire, ian)
    chain = Chain()
    # Per procurement: interest, question, response, version, document, two messages, an alert
    # delivery and six audit events (14); the rest (below) adds about 10%.
    count = max(1, int(records * 0.9) // 14)
    now = timezone.now()
    start = now - timedelta(days=2 * 365)
    fields = {
        f.attname: getattr(template, f.attname)
        for f in Procurement._meta.concrete_fields
        if f.attname not in ("id", "reference")
    }
    procurements = Procurement.objects.bulk_create(
        Procurement(**fields, reference=f"TBX-2025-{n + 100:06d}") for n in range(count)
    )
    keys = ProcurementKey.objects.bulk_create(
        ProcurementKey(procurement=p, public_key=pub, wrapped_private_key=wrapped)
        for p in procurements
        for pub, wrapped in [crypto.new_procurement_keypair(p.pk)]
    )
    public = {k.procurement_id: bytes(k.public_key) for k in keys}
    moments = [start + (now - start) * n / count for n in range(count)]
    Interest.objects.bulk_create(
        Interest(procurement=p, supplier=gardening, registered_by=sam, registered_at=at)
        for p, at in zip(procurements, moments, strict=True)
    )
    Clarification.objects.bulk_create(
        Clarification(
            procurement=p,
            asked_by_supplier=gardening,
            asked_by=sam,
            question=f"Can a sole trader bid for one park only? ({p.reference})",
            asked_at=at,
            answer="Yes, for any lot.",
            answered_at=at + timedelta(days=1),
            answered_by=ian,
        )
        for p, at in zip(procurements, moments, strict=True)
    )
    responses = Response.objects.bulk_create(
        Response(
            procurement=p,
            supplier=gardening,
            status=Response.Status.SUBMITTED,
            created_by=sam,
            created_at=at,
            updated_at=at,
            submitted_at=at + timedelta(days=2),
        )
        for p, at in zip(procurements, moments, strict=True)
    )
    storage = ResponseDocument._meta.get_field("file").storage
    documents, versions = [], []
    for response, procurement in zip(responses, procurements, strict=True):
        content = {
            "lots": [],
            "prices": {"whole": "140000.00"},
            "selection": {},
            "quality": {"1": f"Our approach for {procurement.reference}: mowing in the mornings."},
            "company": sub.company_snapshot(gardening),
            "declaration": True,
        }
        response.draft = crypto.draft_encrypt(response.pk, sub.canonical(content))
        document = ResponseDocument(
            response=response,
            content_type="application/pdf",
            size=len(PDF),
            sha256=hashlib.sha256(PDF).hexdigest(),
            uploaded_by=sam,
            uploaded_at=response.created_at,
        )
        key = crypto.new_file_key()
        doc_id = str(document.pk)
        document.wrapped_key = crypto.wrap_file_key(key, document_id=doc_id)
        document.filename_sealed = crypto.file_encrypt(
            key, b"method-statement.pdf", document_id=doc_id + ":name"
        )
        name = f"responses/{procurement.pk}/{doc_id}"
        document.file.name = storage.save(
            name, ContentFile(crypto.file_encrypt(key, PDF, document_id=doc_id))
        )
        documents.append(document)
        version = ResponseVersion(
            response=response,
            number=1,
            submitted_at=response.submitted_at,
            submitted_by=sam,
            idempotency_key=uuid.uuid4().hex,
        )
        sealed = {
            **content,
            "documents": [{"id": doc_id, "filename": "method-statement.pdf", "sha256": document.sha256}],
            "supplier_id": gardening.pk,
            "procurement": procurement.reference,
            "version": 1,
            "submitted_at": version.submitted_at.isoformat(),
        }
        version.receipt_sha256 = hashlib.sha256(sub.canonical(sealed)).hexdigest()
        version.sealed = crypto.seal(
            public[procurement.pk],
            sub.canonical(sealed),
            procurement_id=procurement.pk,
            version_id=str(version.pk),
        )
        versions.append(version)
    Response.objects.bulk_update(responses, ["draft"], batch_size=2000)
    ResponseDocument.objects.bulk_create(documents, batch_size=2000)
    ResponseVersion.objects.bulk_create(versions, batch_size=2000)

    alerts = [
        AlertSubscription(user=sam, name=f"Parks {n}", regions="TLE", keywords="parks", created_at=start)
        for n in range(max(1, count // 50))
    ]
    alerts = AlertSubscription.objects.bulk_create(alerts)
    messages = []
    for procurement, version in zip(procurements, versions, strict=True):
        messages.append(
            Message(
                recipient=sam,
                to_email=SAM_EMAIL,
                subject=f"Receipt: your tender for {procurement.reference}",
                body=f"We received your tender. Receipt {version.receipt_sha256}.",
                purpose="portal_service",
                status=Message.Status.SENT,
                created_at=version.submitted_at,
                sent_at=version.submitted_at,
            )
        )
        messages.append(
            Message(
                recipient=sam,
                to_email=SAM_EMAIL,
                subject="New opportunities for you",
                body=f"{procurement.reference}: {procurement.title}",
                purpose="opportunity_alerts",
                status=Message.Status.SENT,
                created_at=version.submitted_at - timedelta(days=3),
            )
        )
    messages = Message.objects.bulk_create(messages, batch_size=2000)
    AlertDelivery.objects.bulk_create(
        AlertDelivery(subscription=alerts[n % len(alerts)], procurement=p, message=messages[2 * n + 1])
        for n, p in enumerate(procurements)
    )
    ip = "203.0.113.77"
    for procurement, response, document, version, at in zip(
        procurements, responses, documents, versions, moments, strict=True
    ):
        kw = {"actor": sam, "organisation": gardening, "ip": ip}
        chain.add("user.signed_in", at=at, actor=sam, subject=sam, ip=ip)
        chain.add("interest.registered", at=at, obj=procurement, **kw)
        chain.add("clarification.asked", at=at, obj=procurement, **kw)
        chain.add("response.started", at=at, obj=response, **kw)
        chain.add("response.document_attached", at=at, obj=document, after={"size": document.size}, **kw)
        chain.add("response.submitted", at=version.submitted_at, obj=version, after={"version": 1}, **kw)
    chain.flush()

    extra = _sign_ins_and_returns(sam, gardening, ian, northshire, rows=max(1, int(records * 0.1)))
    # Sessions: Sam's few among many other people's (the export decodes every session to find them).
    store = SessionStore()
    expiry = now + timedelta(hours=8)
    Session.objects.bulk_create(
        (
            Session(
                session_key=uuid.uuid4().hex,
                session_data=store.encode({"_auth_user_id": str(sam.pk if n < 3 else 10_000_000 + n)}),
                expire_date=expiry,
            )
            for n in range(other_sessions + 3)
        ),
        batch_size=5000,
    )
    return {"sam": sam, "procurements": count, **extra}


def _sign_ins_and_returns(sam, gardening, ian, northshire, *, rows: int) -> dict:
    """django-axes sign-in records (as axes writes them) and nil MI returns under a call-off."""
    from axes.models import AccessLog
    from django.utils import timezone

    from tenderbox.contracts.actions import let_contract
    from tenderbox.frameworks.models import Appointment, Framework, FrameworkLot
    from tenderbox.spend.models import MIReturn

    now = timezone.now()
    logs = AccessLog.objects.bulk_create(
        AccessLog(
            user_agent="Firefox",
            ip_address="203.0.113.77",
            username=SAM_EMAIL,
            http_accept="*/*",
            path_info="/account/sign-in",
            attempt_time=now - timedelta(hours=n),
            session_hash=f"{n:032x}",
        )
        for n in range(rows // 2)
    )
    framework = Framework.objects.create(
        owner=northshire,
        reference="FW-2025-0001",
        title="Grounds maintenance",
        description="Grounds maintenance for public bodies.",
        starts_on=date(2020, 1, 1),
        ends_on=date(2030, 12, 31),
        original_ends_on=date(2030, 12, 31),
        status=Framework.Status.LIVE,
        created_by=ian,
        went_live_at=now,
        went_live_by=ian,
    )
    lot = FrameworkLot.objects.create(
        framework=framework,
        number=1,
        title="Parks",
        scope="Parks and verges",
        max_value=Decimal("5000000.00"),
        call_off_method=FrameworkLot.CallOff.BOTH,
        direct_award_criteria="Lowest price on the rate card",
    )
    Appointment.objects.create(
        lot=lot, supplier=gardening, source=Appointment.Source.IMPORT, appointed_by=ian
    )
    months = rows - len(logs)
    contracts = [
        let_contract(
            buyer=northshire,
            supplier=gardening,
            by=ian,
            route="direct_award",
            title=f"Parks maintenance, area {n + 1}",
            description="Mowing and planting.",
            category="services",
            value_excl_vat=Decimal("100000.00"),
            starts_on=date(2020, 1, 1),
            ends_on=date(2030, 12, 31),
            delivery_postcode="DL7 8AD",
            delivery_region="TLE",
            framework_lot=lot,
            justification="Lowest price on the rate card.",
        )
        for n in range(max(1, -(-months // 120)))
    ]
    returns = MIReturn.objects.bulk_create(
        MIReturn(
            supplier=gardening,
            contract=contracts[n // 120],
            period=date(2020 + (n % 120) // 12, (n % 120) % 12 + 1, 1),
            is_nil=True,
            uploaded_by=sam,
        )
        for n in range(months)
    )
    return {"sign_in_logs": len(logs), "mi_returns": len(returns)}


def load_others(rows: int) -> None:
    """Other people's rows in the tables the export searches by address: their messages and their
    sign-in records (COPY), so that a lookup that reads a whole table shows."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    with connection.cursor() as cursor:
        columns = (
            "to_email, subject, body, purpose, status, created_at, attempts, last_error, unsubscribe_url"
        )
        with cursor.cursor.copy(f"COPY notifications_message ({columns}) FROM STDIN") as copy:
            for n in range(rows):
                copy.write_row(
                    (
                        f"person{n}@example.com",
                        "New opportunities",
                        "…",
                        "opportunity_alerts",
                        "sent",
                        now,
                        1,
                        "",
                        "",
                    )
                )
        columns = "user_agent, ip_address, username, http_accept, path_info, attempt_time, session_hash"
        with cursor.cursor.copy(f"COPY axes_accesslog ({columns}) FROM STDIN") as copy:
            for n in range(rows):
                copy.write_row(
                    ("Firefox", "198.51.100.7", f"person{n}@example.com", "*/*", "/account/sign-in", now, "")
                )
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000, help="About how many records the person has.")
    parser.add_argument("--other-sessions", type=int, default=10_000, help="Other people's live sessions.")
    parser.add_argument(
        "--others", type=int, default=1_000_000, help="Other people's messages, and sign-in records."
    )
    parser.add_argument("--database-url", default=ADMIN_URL, help="A PostgreSQL server's admin database.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database afterwards.")
    parser.add_argument(
        "--profile", action="store_true", help="Profile one export (pyinstrument, from PyPI)."
    )
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="tenderbox-export-")
    os.environ["TENDERBOX_VAR_DIR"] = var
    os.environ["TENDERBOX_MASTER_KEY"] = base64.b64encode(os.urandom(32)).decode()
    print(f"Subject-access export: about {args.records:,} records, {os.cpu_count()} cores")
    try:
        with fresh_database("tenderbox_export", admin_url=args.database_url, keep=args.keep) as (url, _):
            from tenderbox.audit.chain import verify
            from tenderbox.privacy.export import build_export
            from tenderbox.privacy.subject import find

            started = time.perf_counter()
            load_others(args.others)
            built = build_heavy_user(args.records, args.other_sessions)
            sam = built["sam"]
            seconds = time.perf_counter() - started
            print(
                f"Built the person and {args.others:,} messages and sign-in records of others in "
                f"{seconds:.1f} s; the audit chain verifies: {verify().ok}"
            )
            found = find(sam)
            total = sum(len(f.pks) for f in found.values())
            print(f"Sam's records, as the export finds them: {total:,} in {len(found)} kinds")
            for label, f in sorted(found.items(), key=lambda kv: -len(kv[1].pks)):
                print(f"  {label:32} {len(f.pks):>7,}")

            build_export(sam)  # warm: templates, the privacy map, the database's caches
            print(f"Timing ({load_average()})")
            started = time.perf_counter()
            content = build_export(sam)
            seconds = time.perf_counter() - started
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                unpacked = sum(i.file_size for i in archive.infolist())
            print(
                f"build_export in this process: {seconds:.2f} s, {total / seconds:,.0f} records/s, "
                f"zip {len(content) / 2**20:.1f} MB ({unpacked / 2**20:.1f} MB unpacked)"
            )
            if args.profile:
                from pyinstrument import Profiler

                with Profiler() as profiler:
                    build_export(sam)
                print(profiler.output_text(show_all=False, color=False))
            tracemalloc.start()
            build_export(sam)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"  Python heap at its peak (tracemalloc, a second run): {peak / 2**20:.0f} MB")

            output = Path(var) / "sam.zip"
            env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
            started = time.perf_counter()
            subprocess.run(
                [str(ROOT / ".venv" / "bin" / "tenderbox"), "privacy", "export", SAM_EMAIL, str(output)],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            wall = time.perf_counter() - started
            peak_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(
                f"`tenderbox privacy export` in a new process: {wall:.2f} s wall (Django's start included), "
                f"peak RSS {peak_rss:.0f} MB, {output.stat().st_size / 2**20:.1f} MB written"
            )
    finally:
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
