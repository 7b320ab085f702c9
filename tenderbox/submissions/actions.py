"""Responses: drafting, attaching documents, sealed submission, withdrawal, and the four-eyes opening."""

import base64
import hashlib
import json

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.lib.errors import Conflict, DomainError, PermissionDenied
from tenderbox.lib.uploads import check_upload
from tenderbox.notifications.actions import send_email
from tenderbox.submissions import crypto
from tenderbox.submissions.models import (
    OpeningApproval,
    ProcurementKey,
    ProfileDocument,
    Response,
    ResponseDocument,
    ResponseVersion,
    SupplierProfile,
)
from tenderbox.tenders.actions import apply_clock, register_interest
from tenderbox.tenders.models import Procurement

MAX_RESPONSE_DOCUMENTS = 20


def canonical(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def profile_for(supplier) -> SupplierProfile:
    return SupplierProfile.objects.get_or_create(supplier=supplier)[0]


def company_snapshot(supplier) -> dict:
    """Company details and profile answers, prefilled into every response."""
    profile = profile_for(supplier)
    data = {
        "name": supplier.name,
        "trading_name": supplier.trading_name,
        "companies_house_number": supplier.companies_house_number,
        "vat_number": supplier.vat_number,
        "address": ", ".join(
            x
            for x in (supplier.address_line_1, supplier.address_line_2, supplier.town, supplier.postcode)
            if x
        ),
        "size": supplier.size,
        "is_vcse": supplier.is_vcse,
    }
    for name in SupplierProfile.PREFILL_FIELDS:
        value = getattr(profile, name)
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def empty_content(procurement: Procurement, supplier) -> dict:
    """A new response, prefilled from the supplier's profile: company details, insurance,
    accreditations, turnover, and the standard exclusion declarations if the profile confirms them."""
    profile = profile_for(supplier)
    selection = {}
    if profile.declarations_confirmed_at is not None:
        selection = {
            str(q.pk): {"answer": "yes"}
            for q in procurement.selection_questions.filter(is_exclusion_ground=True)
        }
    return {
        "lots": [],
        "prices": {},
        "selection": selection,
        "quality": {},
        "company": company_snapshot(supplier),
        "declaration": False,
    }


def _ensure_open(procurement: Procurement, supplier, now=None) -> None:
    """Decided by the server's clock at this moment, whatever the page showed; and, for a further
    competition, by the supplier's invitation and its appointment being active at this moment."""
    procurement = apply_clock(procurement, now)
    if not procurement.invites(supplier):
        raise PermissionDenied(
            "Your organisation is not invited to this further competition, or its appointment to the "
            "framework lot is suspended."
        )
    if not procurement.accepts_tenders(now):
        raise Conflict("The deadline for tenders has passed. Late tenders cannot be accepted.")


def start_response(procurement: Procurement, supplier, *, by, request=None) -> Response:
    """Begin a response, prefilled from the supplier's profile (answers and certificates)."""
    _ensure_open(procurement, supplier)
    with transaction.atomic():
        register_interest(procurement, supplier, by=by, request=request)
        response, created = Response.objects.get_or_create(
            procurement=procurement, supplier=supplier, defaults={"created_by": by}
        )
        if created:
            response.draft = crypto.draft_encrypt(
                response.pk, canonical(empty_content(procurement, supplier))
            )
            response.save(update_fields=["draft"])
            for document in ProfileDocument.objects.filter(supplier=supplier):
                _attach_content(
                    response,
                    profile_document_content(document),
                    filename=document.filename,
                    content_type=document.content_type,
                    sha256=document.sha256,
                    by=by,
                )
            record("response.started", actor=by, organisation=supplier, obj=response, request=request)
    return response


def load_draft(response: Response) -> dict:
    if not response.draft:
        return empty_content(response.procurement, response.supplier)
    return json.loads(crypto.draft_decrypt(response.pk, bytes(response.draft)))


def save_draft(response: Response, content: dict, *, by, update_profile: bool = False) -> None:
    _ensure_open(response.procurement, response.supplier)
    with transaction.atomic():
        response.draft = crypto.draft_encrypt(response.pk, canonical(content))
        response.updated_at = timezone.now()
        response.save(update_fields=["draft", "updated_at"])
        if update_profile:
            _update_profile(response.supplier, content.get("company", {}), by=by)


def _update_profile(supplier, company: dict, *, by) -> None:
    """Save a response's profile answers back to the profile, when the supplier asks."""
    from datetime import date

    data = {name: company.get(name, "") for name in SupplierProfile.PREFILL_FIELDS}
    expiry = data["insurance_expiry"]
    data["insurance_expiry"] = date.fromisoformat(expiry) if expiry else None
    save_profile(supplier, data, by=by)


def save_profile(
    supplier, data: dict, *, by, declarations: bool | None = None, request=None
) -> SupplierProfile:
    """Save profile answers; `declarations` (when given) confirms or withdraws the standard exclusion
    declarations, recording when they were confirmed."""
    with transaction.atomic():
        profile = profile_for(supplier)
        for name in SupplierProfile.PREFILL_FIELDS:
            setattr(profile, name, data.get(name) or (None if name == "insurance_expiry" else ""))
        if declarations and profile.declarations_confirmed_at is None:
            profile.declarations_confirmed_at = timezone.now()
        elif declarations is False:
            profile.declarations_confirmed_at = None
        profile.updated_at = timezone.now()
        profile.updated_by = by
        profile.save()
        record("supplier_profile.updated", actor=by, organisation=supplier, obj=profile, request=request)
    return profile


def profile_document_content(document: ProfileDocument) -> bytes:
    doc_id = f"profile:{document.pk}"
    key = crypto.unwrap_file_key(bytes(document.wrapped_key), document_id=doc_id)
    with document.file.open("rb") as fh:
        return crypto.file_decrypt(key, fh.read(), document_id=doc_id)


def add_profile_document(supplier, uploaded, *, kind: str, by, request=None) -> ProfileDocument:
    checked = check_upload(uploaded)
    with transaction.atomic():
        document = ProfileDocument(
            supplier=supplier,
            kind=kind,
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=by,
        )
        key = crypto.new_file_key()
        doc_id = f"profile:{document.pk}"
        document.wrapped_key = crypto.wrap_file_key(key, document_id=doc_id)
        sealed = crypto.file_encrypt(key, checked.content, document_id=doc_id)
        document.file.save(str(document.pk), ContentFile(sealed), save=False)
        document.save()
        record(
            "supplier_profile.document_added", actor=by, organisation=supplier, obj=document, request=request
        )
    return document


def remove_profile_document(document: ProfileDocument, *, by, request=None) -> None:
    with transaction.atomic():
        record(
            "supplier_profile.document_removed",
            actor=by,
            organisation=document.supplier,
            obj=document,
            request=request,
        )
        document.file.delete(save=False)
        document.delete()


def attach_document(response: Response, uploaded, *, by, request=None) -> ResponseDocument:
    _ensure_open(response.procurement, response.supplier)
    if response.documents.filter(in_draft=True).count() >= MAX_RESPONSE_DOCUMENTS:
        raise DomainError(f"A response can have at most {MAX_RESPONSE_DOCUMENTS} documents.")
    checked = check_upload(uploaded)
    with transaction.atomic():
        document = _attach_content(
            response,
            checked.content,
            filename=checked.filename,
            content_type=checked.content_type,
            sha256=checked.sha256,
            by=by,
        )
        record(
            "response.document_attached",
            actor=by,
            organisation=response.supplier,
            obj=document,
            after={"size": checked.size},
            request=request,
        )
    return document


def _attach_content(response, content: bytes, *, filename, content_type, sha256, by) -> ResponseDocument:
    """Encrypt a file under a fresh key and attach it to the draft."""
    document = ResponseDocument(
        response=response, content_type=content_type, size=len(content), sha256=sha256, uploaded_by=by
    )
    key = crypto.new_file_key()
    doc_id = str(document.pk)
    document.wrapped_key = crypto.wrap_file_key(key, document_id=doc_id)
    document.filename_sealed = crypto.file_encrypt(key, filename.encode(), document_id=doc_id + ":name")
    document.file.save(doc_id, ContentFile(crypto.file_encrypt(key, content, document_id=doc_id)), save=False)
    document.save()
    return document


def draft_document_name(document: ResponseDocument) -> str:
    key = crypto.unwrap_file_key(bytes(document.wrapped_key), document_id=str(document.pk))
    return crypto.file_decrypt(
        key, bytes(document.filename_sealed), document_id=f"{document.pk}:name"
    ).decode()


def draft_document_content(document: ResponseDocument) -> bytes:
    key = crypto.unwrap_file_key(bytes(document.wrapped_key), document_id=str(document.pk))
    with document.file.open("rb") as fh:
        return crypto.file_decrypt(key, fh.read(), document_id=str(document.pk))


def detach_document(document: ResponseDocument, *, by) -> None:
    _ensure_open(document.response.procurement, document.response.supplier)
    document.in_draft = False
    document.save(update_fields=["in_draft"])


def response_problems(procurement: Procurement, content: dict) -> list[str]:
    """What is missing before a response can be submitted."""
    problems = []
    lots = list(procurement.lots.all())
    chosen = [str(x) for x in content.get("lots", [])]
    if lots and not chosen:
        problems.append("Choose at least one lot to bid for.")
    for lot_key in chosen if lots else ["whole"]:
        price = content.get("prices", {}).get(lot_key, "")
        if not price:
            name = next((f"lot {lot.number}" for lot in lots if str(lot.pk) == lot_key), "the contract")
            problems.append(f"Enter your price for {name}.")
    for question in procurement.selection_questions.all():
        if content.get("selection", {}).get(str(question.pk), {}).get("answer") not in {"yes", "no"}:
            problems.append(f"Answer pass or fail question {question.number}.")
    for criterion in procurement.criteria.filter(kind="quality"):
        if not content.get("quality", {}).get(str(criterion.pk), "").strip():
            problems.append(f"Answer the question on {criterion.name.lower()}.")
    if not content.get("declaration"):
        problems.append("Confirm the declaration that the response is true and complete.")
    return problems


def _procurement_key(procurement: Procurement) -> ProcurementKey:
    key = ProcurementKey.objects.filter(procurement=procurement).first()
    if key is not None:
        return key
    public, wrapped = crypto.new_procurement_keypair(procurement.pk)
    try:
        with transaction.atomic():
            return ProcurementKey.objects.create(
                procurement=procurement, public_key=public, wrapped_private_key=wrapped
            )
    except IntegrityError:  # another submission created it first: use theirs
        return ProcurementKey.objects.get(procurement=procurement)


def submit(response: Response, *, by, idempotency_key: str, request=None) -> ResponseVersion:
    """Seal the current draft as a new version, before the deadline by the server's clock.

    A repeated request with the same idempotency key (a double click) returns the version it made.
    """
    if not idempotency_key or len(idempotency_key) > 64:
        raise DomainError("The form has expired. Reload the page and submit again.")
    procurement = response.procurement
    key = _procurement_key(procurement)
    with transaction.atomic():
        response = Response.objects.select_for_update().get(pk=response.pk)
        existing = response.versions.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        now = timezone.now()
        _ensure_open(procurement, response.supplier, now)
        content = load_draft(response)
        problems = response_problems(procurement, content)
        if problems:
            raise DomainError(" ".join(problems))
        documents = [
            {
                "id": str(d.pk),
                "filename": draft_document_name(d),
                "sha256": d.sha256,
                "size": d.size,
                "content_type": d.content_type,
                "key": base64.b64encode(
                    crypto.unwrap_file_key(bytes(d.wrapped_key), document_id=str(d.pk))
                ).decode(),
            }
            for d in response.documents.filter(in_draft=True).order_by("uploaded_at")
        ]
        number = (response.versions.aggregate(m=Max("number"))["m"] or 0) + 1
        version = ResponseVersion(
            response=response,
            number=number,
            submitted_at=now,
            submitted_by=by,
            idempotency_key=idempotency_key,
        )
        sealed_content = {
            **content,
            "documents": documents,
            "supplier_id": response.supplier_id,
            "procurement": procurement.reference,
            "version": number,
            "submitted_at": now.isoformat(),
        }
        # The receipt covers everything but the document keys: the supplier can recompute it.
        receipt_view = {
            **sealed_content,
            "documents": [{k: v for k, v in d.items() if k != "key"} for d in documents],
        }
        version.receipt_sha256 = hashlib.sha256(canonical(receipt_view)).hexdigest()
        version.sealed = crypto.seal(
            bytes(key.public_key),
            canonical(sealed_content),
            procurement_id=procurement.pk,
            version_id=str(version.pk),
        )
        version.save(force_insert=True)
        before = response.move(Response.Status.SUBMITTED, at=now)
        send_email(
            to=by.email,
            user=by,
            subject=f"Receipt: your tender for {procurement.reference}",
            template="submissions/email/receipt.txt",
            context={"procurement": procurement, "version": version, "supplier": response.supplier},
            purpose="portal_service",
        )
        # Last: the audit chain's head stays locked from here to the commit, and every submission
        # in a deadline rush waits for it in turn.
        record(
            "response.submitted",
            actor=by,
            organisation=response.supplier,
            obj=version,
            before={"status": before},
            after={"status": response.status, "version": number},
            request=request,
        )
    return version


def withdraw(response: Response, *, by, request=None) -> Response:
    with transaction.atomic():
        response = Response.objects.select_for_update().get(pk=response.pk)
        _ensure_open(response.procurement, response.supplier)
        before = response.move(Response.Status.WITHDRAWN, at=timezone.now())
        record(
            "response.withdrawn",
            actor=by,
            organisation=response.supplier,
            obj=response,
            before={"status": before},
            after={"status": response.status},
            request=request,
        )
    return response


# Opening ------------------------------------------------------------------------------------
def approve_opening(procurement: Procurement, *, by, request=None) -> Procurement:
    """Record one buyer's approval; the second, by a different person, opens the tenders (four eyes)."""
    procurement = apply_clock(procurement)
    with transaction.atomic():
        procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
        if procurement.status == Procurement.Status.PUBLISHED:
            raise Conflict("Tenders cannot be opened before the deadline.")
        if procurement.status != Procurement.Status.CLOSED:
            raise Conflict(
                "The tenders have already been opened."
                if procurement.opened_at
                else "This procurement has no sealed tenders to open."
            )
        if OpeningApproval.objects.filter(procurement=procurement, approved_by=by).exists():
            raise Conflict(
                "You have already approved the opening: a second, different buyer must approve it."
            )
        OpeningApproval.objects.create(procurement=procurement, approved_by=by)
        record(
            "procurement.opening_approved",
            actor=by,
            organisation=procurement.buyer,
            obj=procurement,
            request=request,
        )
        if OpeningApproval.objects.filter(procurement=procurement).count() >= 2:
            before = procurement.open_tenders(at=timezone.now())
            record(
                "procurement.opened",
                actor=by,
                organisation=procurement.buyer,
                obj=procurement,
                before={"status": before},
                after={"status": procurement.status},
                request=request,
            )
    return procurement


def is_opened(procurement: Procurement) -> bool:
    return procurement.opened_at is not None and procurement.status in {
        Procurement.Status.OPENED,
        Procurement.Status.AWARDED,
        Procurement.Status.CONTRACTED,
    }


def read_version(version: ResponseVersion) -> dict:
    """The plaintext of a sealed version: only once the procurement's tenders are opened."""
    procurement = version.response.procurement
    if not is_opened(procurement):
        raise crypto.SealedError("Tenders stay sealed until they are opened after the deadline.")
    if not version.sealed:
        # The retention job purged the content; the record (times, receipt hash) stays.
        raise Conflict("This tender's content was deleted at the end of its retention period.")
    key = ProcurementKey.objects.get(procurement=procurement)
    plaintext = crypto.open_sealed(
        bytes(key.wrapped_private_key),
        bytes(version.sealed),
        procurement_id=procurement.pk,
        version_id=str(version.pk),
        opened=is_opened(procurement),
    )
    return json.loads(plaintext)


def read_version_document(version: ResponseVersion, document_id: str) -> tuple[dict, bytes]:
    content = read_version(version)
    entry = next((d for d in content["documents"] if d["id"] == document_id), None)
    if entry is None:
        raise DomainError("No such document in this tender.")
    document = ResponseDocument.objects.get(pk=document_id, response=version.response)
    with document.file.open("rb") as fh:
        data = crypto.file_decrypt(base64.b64decode(entry["key"]), fh.read(), document_id=document_id)
    return entry, data


def counting_versions(procurement: Procurement):
    """The version that counts for each supplier: the latest of every submitted response."""
    responses = Response.objects.filter(procurement=procurement, status=Response.Status.SUBMITTED)
    return [r.current_version() for r in responses.select_related("supplier").order_by("supplier__name")]
