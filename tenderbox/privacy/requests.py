"""Data-subject requests: making, verifying, timing, refusing and answering them (UK GDPR Arts. 12-22).

Each workflow runs in one transaction with an audit event (never a personal value in it) and tells
the person (or their representative) by email from the communications archive. The deadline rules
are pure functions in privacy/rules.py; this module feeds them the stored dates. What is done for
each right lives in `fulfil_*`; the export and erasure are privacy/export.py and
privacy/subject_erasure.py.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.lib.errors import Conflict, DomainError
from tenderbox.privacy import rules
from tenderbox.privacy.models import (
    ExportDownload,
    IdentityEvidence,
    Processor,
    RecipientNotice,
    RequestPause,
    Restriction,
    SubjectRequest,
)

Status = SubjectRequest.Status
Kind = SubjectRequest.Kind

# action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "confirm_email": ({Status.AWAITING_EMAIL}, Status.AWAITING_VERIFICATION),
    "verify": ({Status.AWAITING_VERIFICATION}, Status.IN_PROGRESS),
    "complete": ({Status.IN_PROGRESS}, Status.COMPLETED),
    "refuse": ({Status.AWAITING_EMAIL, Status.AWAITING_VERIFICATION, Status.IN_PROGRESS}, Status.REFUSED),
    "withdraw": ({Status.AWAITING_EMAIL, Status.AWAITING_VERIFICATION, Status.IN_PROGRESS}, Status.WITHDRAWN),
}
CLOSING = {"complete", "refuse", "withdraw"}

DOWNLOAD_DAYS = 7  # an export link works once, for this many days
EMAIL_LINK_DAYS = 7  # the link proving control of the address


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lock(req: SubjectRequest) -> SubjectRequest:
    return SubjectRequest.objects.select_for_update().get(pk=req.pk)


def _move(req: SubjectRequest, action: str, *, by=None, request=None, fields=()) -> SubjectRequest:
    """Apply one transition: the request must be in a state the action may start from."""
    allowed, target = TRANSITIONS[action]
    if req.status not in allowed:
        done = {"confirm_email": "confirmed", "withdraw": "withdrawn"}.get(action, f"{action}d")
        raise Conflict(f"This request is {req.get_status_display().lower()}: it cannot be {done} now.")
    before = req.status
    req.status = target
    updated = ["status", *fields]
    if action in CLOSING:
        req.closed_at = timezone.now()
        req.closed_by = by
        updated += ["closed_at", "closed_by"]
    req.save(update_fields=updated)
    record(
        f"subject_request.{action}",
        actor=by,
        obj=req,
        subject=req.user,
        before={"status": before},
        after={"status": target, "kind": req.kind},
        request=request,
    )
    return req


def _officer_url(req) -> str:
    return settings.SITE_URL + reverse("privacy:officer-request", args=[req.pk])


def tell(req: SubjectRequest, subject: str, text: str, *, link: str = "", remedies: bool = False) -> None:
    """Email the person (or their representative) about their request."""
    from tenderbox.notifications.actions import send_email

    name = req.representative_name or req.subject_name
    send_email(
        to=req.reply_to,
        user=req.user if not req.representative_email else None,
        subject=f"{subject} ({req.reference})",
        template="privacy/email/request_update.txt",
        context={"name": name, "text": text, "request": req, "link": link, "remedies": remedies},
        purpose="privacy_rights",
    )


def tell_officer(req: SubjectRequest, text: str) -> None:
    """Email the privacy officer: the reference only, never the person's details (they are in the queue)."""
    from tenderbox.notifications.actions import send_email

    send_email(
        to=settings.PRIVACY_OFFICER_EMAIL,
        subject=f"Data request {req.reference}: {text}",
        template="privacy/email/request_officer.txt",
        context={"text": text, "request": req, "link": _officer_url(req)},
        purpose="privacy_rights",
    )


# The clock ------------------------------------------------------------------------------------------
def pauses_of(req: SubjectRequest) -> list[rules.Pause]:
    return [
        rules.Pause(timezone.localdate(p.started_at), timezone.localdate(p.ended_at) if p.ended_at else None)
        for p in req.pauses.all()
    ]


def due_on(req: SubjectRequest) -> date | None:
    """The deadline (rules.due_date) from the stored dates; None while the clock is stopped."""
    return rules.due_date(
        timezone.localdate(req.received_at), req.nation, pauses_of(req), req.extension_months
    )


def first_month_due(req: SubjectRequest) -> date | None:
    return rules.due_date(timezone.localdate(req.received_at), req.nation, pauses_of(req))


def _pause(req, reason: str, question: str = "") -> RequestPause:
    if req.pauses.filter(ended_at=None).exists():
        raise Conflict("The clock is already stopped for this request.")
    return RequestPause.objects.create(request=req, reason=reason, question=question.strip())


def _resume(req) -> int:
    return req.pauses.filter(ended_at=None).update(ended_at=timezone.now())


@dataclass
class QueueRow:
    request: SubjectRequest
    due: date | None
    state: rules.ClockState
    paused_for: str = ""


def queue(today: date | None = None) -> list[QueueRow]:
    """Every open request with its deadline and clock state, overdue first, then by deadline."""
    today = today or timezone.localdate()
    rows = []
    for req in SubjectRequest.objects.filter(
        status__in=[s for s in Status if s not in (Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN)]
    ).prefetch_related("pauses"):
        due = due_on(req)
        open_pause = next((p for p in req.pauses.all() if p.ended_at is None), None)
        rows.append(
            QueueRow(
                req, due, rules.clock_state(due, today), open_pause.get_reason_display() if open_pause else ""
            )
        )
    order = {
        rules.ClockState.OVERDUE: 0,
        rules.ClockState.WARNING: 1,
        rules.ClockState.DUE: 2,
        rules.ClockState.PAUSED: 3,
    }
    return sorted(rows, key=lambda r: (order[r.state], r.due or date.max, r.request.received_at))


def warn_officer(today: date | None = None) -> int:
    """The daily warning: one email to the privacy officer listing the requests due within
    rules.WARN_DAYS days or overdue, each at most once a day. Safe to run twice."""
    from tenderbox.notifications.actions import send_email

    today = today or timezone.localdate()
    with transaction.atomic():
        rows = [
            row
            for row in queue(today)
            if row.state in (rules.ClockState.WARNING, rules.ClockState.OVERDUE)
            and row.request.last_warned_on != today
        ]
        if not rows:
            return 0
        SubjectRequest.objects.filter(pk__in=[r.request.pk for r in rows]).update(last_warned_on=today)
        send_email(
            to=settings.PRIVACY_OFFICER_EMAIL,
            subject=f"{len(rows)} data request{'s' if len(rows) != 1 else ''} due soon or overdue",
            template="privacy/email/requests_due.txt",
            context={"rows": rows, "link": settings.SITE_URL + reverse("privacy:officer-queue")},
            purpose="privacy_rights",
        )
        record("subject_request.officer_warned", after={"count": len(rows)})
    return len(rows)


# Making a request -----------------------------------------------------------------------------------
def _check_kind(kind: str, objection_purpose: str, details: str) -> None:
    from tenderbox.privacy.register import PURPOSES, LegalBasis

    if kind not in Kind.values:
        raise DomainError("Choose what you would like us to do.")
    if kind == Kind.OBJECTION:
        purpose = PURPOSES.get(objection_purpose)
        if purpose is None or (
            purpose.basis != LegalBasis.LEGITIMATE_INTEREST and objection_purpose != "marketing"
        ):
            raise DomainError("Choose the use of your data you object to.")
    if kind == Kind.RECTIFICATION and not details.strip():
        raise DomainError("Tell us what is wrong and what it should say.")


def make_request(
    *,
    kind: str,
    subject_name: str,
    subject_email: str,
    nation: str = rules.Nation.ENGLAND,
    details: str = "",
    objection_purpose: str = "",
    user=None,
    representative_name: str = "",
    representative_email: str = "",
    authority=None,
    request=None,
) -> SubjectRequest:
    """Record a request. `user`: a signed-in person who has just re-entered their password, so their
    identity is verified and the clock runs at once. Otherwise (the public form) the clock stops until
    the address is proved and the officer has checked identity; a representative must send their
    authority (`authority`: a lib.uploads.CheckedFile)."""
    _check_kind(kind, objection_purpose, details)
    if nation not in rules.Nation.__members__.values():
        raise DomainError("Choose the part of the UK you live or work in.")
    acting = bool(representative_email.strip())
    if acting and authority is None:
        raise DomainError(
            "Upload your authority to act for the person: a signed letter or power of attorney."
        )
    if not subject_name.strip() or not subject_email.strip():
        raise DomainError("Enter the name and email address of the person the data is about.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        req = SubjectRequest.objects.create(
            kind=kind,
            status=Status.IN_PROGRESS if user is not None else Status.AWAITING_EMAIL,
            user=user,
            subject_name=subject_name.strip(),
            subject_email=subject_email.strip(),
            representative_name=representative_name.strip(),
            representative_email=representative_email.strip(),
            details=details.strip(),
            objection_purpose=objection_purpose,
            nation=nation,
            email_token_hash="" if user is not None else _hash(token),
        )
        screening = getattr(user, "screening", None) if user is not None else None
        if (
            kind == Kind.HUMAN_REVIEW
            and screening is not None
            and screening.review_requested_at is None
            and screening.decision == screening.Decision.HELD
        ):
            # The same review the held page asks for: staff see it in their list of held sign-ups.
            from tenderbox.accounts.actions import request_review

            request_review(screening, representations=details, request=request)
        if user is not None:
            req.verification = SubjectRequest.Verification.REAUTHENTICATED
            req.verified_at = req.received_at
            req.email_confirmed_at = req.received_at
            req.save(update_fields=["verification", "verified_at", "email_confirmed_at"])
        else:
            _pause(
                req,
                RequestPause.Reason.IDENTITY,
                "Proof of control of the email address, then an identity check.",
            )
        if authority is not None:
            IdentityEvidence.objects.create(
                request=req,
                kind=IdentityEvidence.Kind.AUTHORITY,
                file=ContentFile(authority.content, name=authority.filename),
                filename=authority.filename,
                content_type=authority.content_type,
                sha256=authority.sha256,
            )
        record(
            "subject_request.made",
            actor=user,
            obj=req,
            subject=user,
            after={"kind": kind, "status": req.status, "representative": acting},
            request=request,
        )
        if user is not None:
            tell(
                req,
                "We have your request",
                f"We have your request: {req.get_kind_display().lower()}. We will answer by "
                f"{due_on(req):%-d %B %Y} at the latest, and sooner if we can.",
                link=settings.SITE_URL + reverse("privacy:request", args=[req.reference]),
            )
            tell_officer(req, "a new request from a signed-in person")
        else:
            tell(
                req,
                "Confirm your email address",
                "Open the link below to confirm that this is your email address. We then check the "
                "request and reply. Until then the time we have to answer does not run.",
                link=settings.SITE_URL + reverse("privacy:confirm-email", args=[token]),
            )
    return req


def confirm_email(token: str, *, request=None) -> SubjectRequest:
    """The requester opened the emailed link: the address is theirs. The officer checks the rest."""
    with transaction.atomic():
        req = SubjectRequest.objects.select_for_update().filter(email_token_hash=_hash(token)).first()
        if req is None or req.received_at < timezone.now() - timedelta(days=EMAIL_LINK_DAYS):
            raise DomainError("This link does not work: it may have expired. Make the request again.")
        if req.email_confirmed_at is not None:
            return req
        req.email_confirmed_at = timezone.now()
        _move(req, "confirm_email", request=request, fields=["email_confirmed_at"])
        tell_officer(req, "an email address was confirmed: check the identity")
    return req


def _person_for(req):
    """The account the request is about, or (for someone without one) a stand-in with the address."""
    if req.user is not None:
        return req.user
    return SimpleNamespace(pk=None, email=req.subject_email, full_name=req.subject_name)


def verify(req: SubjectRequest, *, by, note: str, request=None) -> SubjectRequest:
    """The privacy officer checked the identity (and a representative's authority): the clock runs
    again and the documents sent are deleted at once (ICO: keep no more than needed)."""
    if not note.strip():
        raise DomainError("Say what you checked (never a document's number).")
    with transaction.atomic():
        req = _lock(req)
        if req.user is None:
            req.user = (
                get_user_model().objects.filter(email__iexact=req.subject_email, erased_at=None).first()
            )
        req.verification = SubjectRequest.Verification.OFFICER
        req.verified_at = timezone.now()
        req.verified_by = by
        req.verification_note = note.strip()
        _move(
            req,
            "verify",
            by=by,
            request=request,
            fields=["user", "verification", "verified_at", "verified_by", "verification_note"],
        )
        _resume(req)
        deleted = delete_evidence(req)
        record("subject_request.evidence_deleted", actor=by, obj=req, after={"documents": deleted})
        tell(
            req,
            "We have checked your request",
            f"We have checked your identity and can now deal with your request. We will answer by "
            f"{due_on(req):%-d %B %Y} at the latest. The documents you sent us have been deleted.",
        )
    return req


def delete_evidence(req) -> int:
    files = [e.file.name for e in req.evidence.all() if e.file]
    count, _ = req.evidence.all().delete()
    if files:
        storage = IdentityEvidence._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return count


def pause(req: SubjectRequest, *, reason: str, question: str, by, request=None) -> RequestPause:
    """Stop the clock to wait for a clarification or proof (Art. 12(6)); the person is asked."""
    if reason not in (RequestPause.Reason.CLARIFICATION, RequestPause.Reason.IDENTITY):
        raise DomainError("The clock stops only to wait for a clarification or proof of identity.")
    if not question.strip():
        raise DomainError("Write what you need from the person: they are asked it.")
    with transaction.atomic():
        req = _lock(req)
        if not req.is_open:
            raise Conflict("This request is closed.")
        stop = _pause(req, reason, question)
        record(
            "subject_request.paused",
            actor=by,
            obj=req,
            subject=req.user,
            after={"reason": reason},
            request=request,
        )
        tell(
            req,
            "We need something from you",
            f"{question.strip()}\n\nThe time we have to answer stops until we hear from you, and starts "
            "again from where it stopped.",
        )
    return stop


def resume(req: SubjectRequest, *, by, request=None) -> SubjectRequest:
    with transaction.atomic():
        req = _lock(req)
        if not _resume(req):
            raise Conflict("The clock of this request is running.")
        record("subject_request.resumed", actor=by, obj=req, subject=req.user, request=request)
    return req


def extend(req: SubjectRequest, *, months: int, reasons: str, by, today: date | None = None, request=None):
    """Art. 12(3): once, by one or two months, with reasons told within the first month."""
    today = today or timezone.localdate()
    with transaction.atomic():
        req = _lock(req)
        if req.status != Status.IN_PROGRESS:
            raise Conflict("Only a request in progress can be extended.")
        refusal = rules.extension_refusal(
            received=timezone.localdate(req.received_at),
            nation=req.nation,
            pauses=pauses_of(req),
            months=months,
            reasons=reasons,
            today=today,
            already_extended=req.extension_months > 0,
        )
        if refusal:
            raise DomainError(refusal)
        req.extension_months = months
        req.extension_reason = reasons.strip()
        req.extended_at = timezone.now()
        req.save(update_fields=["extension_months", "extension_reason", "extended_at"])
        record(
            "subject_request.extended",
            actor=by,
            obj=req,
            subject=req.user,
            after={"months": months},
            request=request,
        )
        tell(
            req,
            "We need more time to answer",
            f"We need more time to deal with your request: we will answer by {due_on(req):%-d %B %Y}.\n\n"
            f"Why: {req.extension_reason}",
            remedies=True,
        )
    return req


def ask_fee(req: SubjectRequest, *, ground: str, amount: Decimal, reason: str, by, request=None):
    """A reasonable fee for a manifestly unfounded or excessive request or a further copy (Art. 12(5),
    15(3)); the clock waits for payment."""
    refusal = rules.fee_refusal(ground=ground, amount=amount, reason=reason)
    if refusal:
        raise DomainError(refusal)
    with transaction.atomic():
        req = _lock(req)
        if req.status != Status.IN_PROGRESS:
            raise Conflict("A fee can be asked only for a request in progress.")
        if req.fee_amount is not None:
            raise Conflict("A fee has already been asked for this request.")
        req.fee_ground, req.fee_amount, req.fee_reason = ground, amount, reason.strip()
        req.save(update_fields=["fee_ground", "fee_amount", "fee_reason"])
        _pause(req, RequestPause.Reason.FEE, f"A fee of £{amount}")
        record(
            "subject_request.fee_asked",
            actor=by,
            obj=req,
            subject=req.user,
            after={"ground": ground, "amount": amount},
            request=request,
        )
        tell(
            req,
            "A fee for your request",
            f"{rules.FeeGround(ground).label}, so we ask a fee of £{amount} before we deal with it.\n\n"
            f"Why, and how we worked it out: {req.fee_reason}\n\nThe time we have to answer stops until "
            "the fee is paid. You may instead withdraw the request.",
            remedies=True,
        )
    return req


def fee_paid(req: SubjectRequest, *, by, request=None):
    with transaction.atomic():
        req = _lock(req)
        if req.fee_amount is None or req.fee_paid_at is not None:
            raise Conflict("No fee is waiting to be paid for this request.")
        req.fee_paid_at = timezone.now()
        req.save(update_fields=["fee_paid_at"])
        req.pauses.filter(ended_at=None, reason=RequestPause.Reason.FEE).update(ended_at=req.fee_paid_at)
        record("subject_request.fee_paid", actor=by, obj=req, subject=req.user, request=request)
    return req


REFUSAL_NOTE = "We have refused your request. Why: {reason}"


def refuse(req: SubjectRequest, *, reason: str, by, request=None) -> SubjectRequest:
    """Refuse with reasons, and tell the person their right to complain to the ICO and to a judicial
    remedy (Art. 12(4)); an objection refused for compelling grounds records them (Art. 21(1))."""
    if not reason.strip():
        raise DomainError("Give the reasons for refusing: the person is told them.")
    with transaction.atomic():
        req = _lock(req)
        req.refusal_reason = reason.strip()
        _move(req, "refuse", by=by, request=request, fields=["refusal_reason"])
        _resume(req)
        delete_evidence(req)
        if req.kind == Kind.OBJECTION and req.user is not None and req.objection_purpose != "marketing":
            from tenderbox.privacy.models import Objection

            Objection.objects.create(
                user=req.user, purpose=req.objection_purpose, overriding_grounds=req.refusal_reason
            )
        tell(
            req,
            "Your request has been refused",
            REFUSAL_NOTE.format(reason=req.refusal_reason),
            remedies=True,
        )
    return req


def withdraw(req: SubjectRequest, *, by=None, request=None) -> SubjectRequest:
    with transaction.atomic():
        req = _lock(req)
        _move(req, "withdraw", by=by, request=request)
        _resume(req)
        delete_evidence(req)
        tell(req, "Your request is withdrawn", "Your request is withdrawn: we will do nothing more with it.")
    return req


def _complete(req, *, by, outcome: str, subject: str, link: str = "", request=None):
    req.outcome = outcome
    _move(req, "complete", by=by, request=request, fields=["outcome"])
    tell(req, subject, outcome, link=link)
    return req


def _ready(req) -> None:
    if req.status != Status.IN_PROGRESS:
        raise Conflict("Only a verified request in progress can be answered.")
    if req.pauses.filter(ended_at=None).exists():
        raise Conflict("The clock is stopped: the request waits for the person.")


# Recipients (Art. 19) -------------------------------------------------------------------------------
PUBLIC_REGISTERS = "Tenderbox's published registers, notices and public pages"


def tell_recipients(req: SubjectRequest, what: str) -> list[RecipientNotice]:
    """Tell every recipient the data was disclosed to of a rectification, erasure or restriction: the
    public registers are generated from the records, so they are corrected in place at once; each
    processor is emailed. The person may ask who they are (the request page lists them)."""
    from tenderbox.notifications.actions import send_email

    notices = [
        RecipientNotice.objects.create(
            request=req,
            recipient=PUBLIC_REGISTERS,
            how=f"Corrected at once: the pages and exports are generated from the records changed ({what}).",
        )
    ]
    for processor in Processor.objects.order_by("name"):
        if processor.contact_email:
            send_email(
                to=processor.contact_email,
                subject=f"Data request {req.reference}: {what} of a person's data",
                template="privacy/email/request_officer.txt",
                context={
                    "text": f"Under UK GDPR Art. 19, please apply the {what} of request {req.reference} "
                    "to the data you process for Tenderbox and confirm to the privacy officer.",
                    "request": req,
                    "link": "",
                },
                purpose="privacy_rights",
            )
            how = f"Emailed to {processor.contact_email}, asking them to apply it and confirm."
        else:
            how = (
                "No contact address recorded: the privacy officer must tell them "
                "(see the register of processors)."
            )
        notices.append(RecipientNotice.objects.create(request=req, recipient=processor.name, how=how))
    return notices


# Doing it -------------------------------------------------------------------------------------------
def create_download(req: SubjectRequest, content: bytes) -> tuple[ExportDownload, str]:
    token = secrets.token_urlsafe(32)
    download = ExportDownload.objects.create(
        request=req,
        token_hash=_hash(token),
        size=len(content),
        expires_at=timezone.now() + timedelta(days=DOWNLOAD_DAYS),
    )
    download.file.save(f"{req.reference}.zip", ContentFile(content), save=False)
    download.save(update_fields=["file"])
    return download, token


def fulfil_access(req: SubjectRequest, *, by, request=None) -> SubjectRequest:
    """Access and portability: one zip from the privacy map, behind a single-use expiring link."""
    from tenderbox.privacy.export import build_export

    with transaction.atomic():
        req = _lock(req)
        _ready(req)
        content = build_export(_person_for(req))
        download, token = create_download(req, content)
        record(
            "subject_request.export_made",
            actor=by,
            obj=req,
            subject=req.user,
            after={"bytes": len(content)},
            request=request,
        )
        link = settings.SITE_URL + reverse("privacy:download", args=[token])
        return _complete(
            req,
            by=by,
            subject="Your data is ready",
            outcome=(
                "Your data is ready to download: a zip holding it as JSON and CSV, with a page explaining "
                f"what we hold, why, who receives it and how long we keep it. The link works once, until "
                f"{timezone.localtime(download.expires_at):%-d %B %Y}."
            ),
            link=link,
            request=request,
        )


def use_download(token: str, *, request=None) -> tuple[ExportDownload, bytes]:
    """Hand over an export once; every use and every refused use is audited (a refusal is recorded
    outside the transaction the refusal rolls back)."""
    refusal = None
    with transaction.atomic():
        download = ExportDownload.objects.select_for_update().filter(token_hash=_hash(token)).first()
        if download is None:
            refusal = (None, "unknown link", DomainError("This download link does not work."))
        elif not download.usable():
            why = "already used" if download.downloaded_at else "expired"
            said = "has already been used" if download.downloaded_at else "has expired"
            message = f"This download link {said}: ask for your data again from Your data."
            refusal = (download.request, why, Conflict(message))
        else:
            content = download.file.read()
            download.file.close()
            name = download.file.name
            download.downloaded_at = timezone.now()
            download.file = ""
            download.save(update_fields=["downloaded_at", "file"])
            storage = ExportDownload._meta.get_field("file").storage
            transaction.on_commit(lambda: storage.delete(name))
            record(
                "subject_request.downloaded",
                obj=download.request,
                subject=download.request.user,
                after={"bytes": len(content)},
                request=request,
            )
    if refusal is not None:
        obj, why, error = refusal
        record("subject_request.download_refused", obj=obj, after={"why": why}, request=request)
        raise error
    return download, content


def expire_downloads(now=None) -> int:
    """Delete the files of expired links (the daily job)."""
    now = now or timezone.now()
    count = 0
    for download in ExportDownload.objects.filter(expires_at__lte=now).exclude(file=""):
        download.file.delete(save=False)
        download.save(update_fields=["file"])
        count += 1
    return count


def fulfil_erasure(req: SubjectRequest, *, by, request=None) -> SubjectRequest:
    from tenderbox.privacy.subject_erasure import erase

    with transaction.atomic():
        req = _lock(req)
        _ready(req)
        result = erase(_person_for(req), by=by, reference=req.reference)
        tell_recipients(req, "erasure")
        return _complete(
            req, by=by, subject="What we erased and what we keep", outcome=result.statement(), request=request
        )


def fulfil_restriction(req: SubjectRequest, *, by, request=None) -> SubjectRequest:
    with transaction.atomic():
        req = _lock(req)
        _ready(req)
        if req.user is None:
            raise Conflict("There is no account to restrict: nothing is processed about this address.")
        if not Restriction.objects.filter(user=req.user, lifted_at=None).exists():
            Restriction.objects.create(user=req.user, reason=req.details or f"Requested ({req.reference})")
        record("privacy.restricted", actor=by, obj=req, subject=req.user, request=request)
        tell_recipients(req, "restriction")
        return _complete(
            req,
            by=by,
            subject="Your data is restricted",
            outcome=(
                "We now only store your data: no alerts, marketing, statistics, profiling or fraud "
                "checks use it. We will tell you before the restriction is lifted."
            ),
            request=request,
        )


def fulfil_objection(req: SubjectRequest, *, by, request=None) -> SubjectRequest:
    """Art. 21: honoured at once. Marketing is absolute and leaves a suppression entry (Art. 21(3));
    refusing an objection to another use needs compelling grounds (`refuse` records them)."""
    from tenderbox.privacy.actions import object_to, withdraw_marketing_consent
    from tenderbox.privacy.models import MarketingSuppression
    from tenderbox.privacy.register import PURPOSES

    with transaction.atomic():
        req = _lock(req)
        _ready(req)
        purpose = req.objection_purpose
        if purpose == "marketing":
            MarketingSuppression.objects.get_or_create(email=req.subject_email.strip().lower())
        if req.user is not None:
            if purpose == "marketing":
                withdraw_marketing_consent(req.user, via=f"objection {req.reference}", request=request)
            object_to(req.user, purpose, request=request)
            if purpose == "opportunity_alerts":
                req.user.alerts.filter(active=True).update(active=False)
        return _complete(
            req,
            by=by,
            subject="We have stopped",
            outcome=f"We have stopped using your data for this: {PURPOSES[purpose].use}",
            request=request,
        )


RECTIFIABLE = {"full_name", "phone", "email"}


def fulfil_rectification(req: SubjectRequest, *, by, changes: dict, note: str = "", request=None):
    """Apply a correction the person asked for (their own profile they can change themselves), then
    tell every recipient (Art. 19)."""
    changes = {k: v.strip() for k, v in changes.items() if k in RECTIFIABLE and v and v.strip()}
    if not changes and not note.strip():
        raise DomainError("Enter the corrected values, or describe the correction made.")
    with transaction.atomic():
        req = _lock(req)
        _ready(req)
        user = req.user
        if changes and user is None:
            raise Conflict("There is no account to correct.")
        if "email" in changes:
            User = get_user_model()
            if User.objects.filter(email__iexact=changes["email"]).exclude(pk=user.pk).exists():
                raise DomainError("Another account uses that email address.")
        for name, value in changes.items():
            setattr(user, name, value)
        if changes:
            user.save(update_fields=sorted(changes))
        record(
            "subject_request.rectified",
            actor=by,
            obj=req,
            subject=user,
            after={"fields": sorted(changes)},
            request=request,
        )
        tell_recipients(req, "rectification")
        done = ", ".join(sorted(changes)) if changes else ""
        outcome = "We have corrected your data" + (f" ({done})" if done else "") + "."
        if note.strip():
            outcome += f" {note.strip()}"
        return _complete(req, by=by, subject="Your data is corrected", outcome=outcome, request=request)


def fulfil_human_review(req: SubjectRequest, *, by, clear: bool, reason: str, request=None):
    """Arts. 22A-22D: a person decides on a sign-up the screening held, having seen what it saw."""
    from tenderbox.accounts.actions import decide_review

    with transaction.atomic():
        req = _lock(req)
        _ready(req)
        screening = getattr(req.user, "screening", None) if req.user else None
        if screening is None or screening.review_requested_at is None and screening.decision != "held":
            raise Conflict("There is no held sign-up to review for this person.")
        if screening.decision == screening.Decision.HELD:
            decide_review(screening, by=by, clear=clear, reason=reason, request=request)
        else:  # already decided from the list of held sign-ups: the request reports that decision
            clear, reason = screening.decision == screening.Decision.CLEARED, screening.review_reason
        decision = "cleared: you can use your account" if clear else "refused"
        return _complete(
            req,
            by=by,
            subject="The review of your account",
            outcome=(
                f"A person reviewed the automated check of your sign-up and it is {decision}. "
                f"Why: {reason.strip()}"
            ),
            request=request,
        )


# Restriction lifting (Art. 18(3)) -------------------------------------------------------------------
def give_lifting_notice(restriction: Restriction, *, by, lifts_on: date, request=None) -> Restriction:
    """Tell the person, before it happens, that their restriction will be lifted on `lifts_on`."""
    from tenderbox.notifications.actions import send_email

    today = timezone.localdate()
    if lifts_on <= today:
        raise DomainError("Choose a day after today: the person is told before the restriction is lifted.")
    with transaction.atomic():
        restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
        if restriction.lifted_at is not None:
            raise Conflict("This restriction was already lifted.")
        restriction.lifting_told_at = timezone.now()
        restriction.lifts_on = lifts_on
        restriction.save(update_fields=["lifting_told_at", "lifts_on"])
        record(
            "privacy.restriction_lifting_told",
            actor=by,
            obj=restriction,
            subject=restriction.user,
            request=request,
        )
        send_email(
            to=restriction.user.email,
            user=restriction.user,
            subject="The restriction of your data will be lifted",
            template="privacy/email/request_update.txt",
            context={
                "name": restriction.user.full_name,
                "text": f"The restriction on the use of your data will be lifted on {lifts_on:%-d %B %Y}. "
                "Reply to this email before then if you disagree.",
                "request": SimpleNamespace(reference=f"restriction #{restriction.pk}"),
                "remedies": True,
            },
            purpose="privacy_rights",
        )
    return restriction


def lift_restriction(restriction: Restriction, *, by=None, request=None) -> Restriction:
    """Lift it, only once the person was told and the day they were told has come."""
    today = timezone.localdate()
    with transaction.atomic():
        restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
        if restriction.lifted_at is not None:
            raise Conflict("This restriction was already lifted.")
        if (
            restriction.lifting_told_at is None
            or restriction.lifts_on is None
            or today < restriction.lifts_on
        ):
            raise Conflict("Tell the person first: a restriction is lifted only on the day they were told.")
        restriction.lifted_at = timezone.now()
        restriction.save(update_fields=["lifted_at"])
        record(
            "privacy.restriction_lifted", actor=by, obj=restriction, subject=restriction.user, request=request
        )
    return restriction


def lift_due_restrictions() -> int:
    count = 0
    for restriction in Restriction.objects.filter(lifted_at=None, lifts_on__lte=timezone.localdate()):
        lift_restriction(restriction)
        count += 1
    return count


def possible_repeat(req: SubjectRequest) -> bool:
    """Whether an access request follows an earlier one answered recently (rules.is_possible_repeat)."""
    if req.kind not in (Kind.ACCESS, Kind.PORTABILITY):
        return False
    earlier = SubjectRequest.objects.filter(
        subject_email__iexact=req.subject_email,
        kind__in=[Kind.ACCESS, Kind.PORTABILITY],
        status=Status.COMPLETED,
        closed_at__lt=req.received_at,
    ).values_list("closed_at", flat=True)
    return rules.is_possible_repeat(
        timezone.localdate(req.received_at), [timezone.localdate(d) for d in earlier]
    )
