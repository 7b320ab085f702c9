"""Workflows over procurements: drafting, publishing, amending, cancelling, interest, clarifications,
and the clock. Each runs in one transaction with its audit events; emails go out after commit."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.lib.errors import Conflict, DomainError, PermissionDenied
from tenderbox.lib.references import next_reference
from tenderbox.lib.uploads import check_upload
from tenderbox.notifications.actions import send_email
from tenderbox.tenders import rules
from tenderbox.tenders.models import (
    STANDARD_EXCLUSION_DECLARATIONS,
    Amendment,
    AwardCriterion,
    Clarification,
    CpvCode,
    Document,
    Interest,
    Lot,
    Notice,
    Procurement,
    SelectionQuestion,
)


def _state(p: Procurement) -> dict:
    return {"status": p.status}


def create_draft(*, buyer, by, main_cpv: CpvCode, request=None, **fields) -> Procurement:
    if not buyer.is_buyer:
        raise DomainError("Only a contracting authority can run a procurement.")
    with transaction.atomic():
        procurement = Procurement.objects.create(
            buyer=buyer,
            created_by=by,
            main_cpv=main_cpv,
            reference=next_reference(Procurement, "TBX", digits=6),
            **fields,
        )
        procurement.cpv_codes.add(main_cpv)
        record(
            "procurement.drafted",
            actor=by,
            organisation=buyer,
            obj=procurement,
            after=_state(procurement),
            request=request,
        )
    return procurement


def _require_draft(procurement: Procurement) -> None:
    if procurement.status != Procurement.Status.DRAFT:
        raise Conflict("Only a draft can be changed this way. Published procurements change by amendment.")


def update_draft(procurement: Procurement, form, *, by, request=None) -> Procurement:
    _require_draft(procurement)
    with transaction.atomic():
        changed = sorted(form.changed_data)
        if changed:
            form.save()
            record(
                "procurement.draft_updated",
                actor=by,
                organisation=procurement.buyer,
                obj=procurement,
                after={"fields": changed},
                request=request,
            )
    return procurement


def add_cpv(procurement: Procurement, code: CpvCode, *, by, main: bool = False) -> None:
    _require_draft(procurement)
    with transaction.atomic():
        procurement.cpv_codes.add(code)
        if main:
            procurement.main_cpv = code
            procurement.save(update_fields=["main_cpv"])


def remove_cpv(procurement: Procurement, code: CpvCode, *, by) -> None:
    _require_draft(procurement)
    if code.pk == procurement.main_cpv_id:
        raise Conflict("The main CPV code cannot be removed: make another code the main one first.")
    procurement.cpv_codes.remove(code)


def add_lot(
    procurement: Procurement, *, by, title: str, description: str, value_excl_vat, cpv_codes=()
) -> Lot:
    _require_draft(procurement)
    with transaction.atomic():
        number = (procurement.lots.aggregate(m=Max("number"))["m"] or 0) + 1
        lot = Lot.objects.create(
            procurement=procurement,
            number=number,
            title=title,
            description=description,
            value_excl_vat=value_excl_vat,
        )
        lot.cpv_codes.set(cpv_codes)
    return lot


def remove_lot(lot: Lot, *, by) -> None:
    _require_draft(lot.procurement)
    lot.delete()


def add_criterion(
    procurement: Procurement, *, by, kind: str, name: str, weight: int, guidance: str = "", max_score: int = 5
) -> AwardCriterion:
    _require_draft(procurement)
    if kind == AwardCriterion.Kind.PRICE and procurement.criteria.filter(kind=kind).exists():
        raise Conflict("A procurement has one price criterion; give it the whole weight of price.")
    number = (procurement.criteria.aggregate(m=Max("number"))["m"] or 0) + 1
    return AwardCriterion.objects.create(
        procurement=procurement,
        number=number,
        kind=kind,
        name=name,
        weight=weight,
        guidance=guidance,
        max_score=max_score,
    )


def remove_criterion(criterion: AwardCriterion, *, by) -> None:
    _require_draft(criterion.procurement)
    criterion.delete()


def add_selection_question(procurement: Procurement, *, by, text: str, exclusion: bool = False):
    _require_draft(procurement)
    number = (procurement.selection_questions.aggregate(m=Max("number"))["m"] or 0) + 1
    return SelectionQuestion.objects.create(
        procurement=procurement, number=number, text=text, is_exclusion_ground=exclusion
    )


def add_standard_declarations(procurement: Procurement, *, by) -> int:
    """Add the standard exclusion-ground declarations (PA23 Schedules 6-7, s.62) not yet asked."""
    _require_draft(procurement)
    existing = set(procurement.selection_questions.values_list("text", flat=True))
    added = 0
    with transaction.atomic():
        for text in STANDARD_EXCLUSION_DECLARATIONS:
            if text not in existing:
                add_selection_question(procurement, by=by, text=text, exclusion=True)
                added += 1
    return added


def remove_selection_question(question: SelectionQuestion, *, by) -> None:
    _require_draft(question.procurement)
    question.delete()


def add_document(
    procurement: Procurement, uploaded, *, title: str, by, request=None, amending: bool = False
) -> Document:
    """Add a tender document to a draft; once published, only through an amendment (`amend`)."""
    if not amending:
        _require_draft(procurement)
    checked = check_upload(uploaded)
    with transaction.atomic():
        document = Document(
            procurement=procurement,
            title=title,
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=by,
        )
        document.file.save(checked.sha256, ContentFile(checked.content), save=False)
        document.save()
        record(
            "procurement.document_added",
            actor=by,
            organisation=procurement.buyer,
            obj=document,
            after={"sha256": checked.sha256, "size": checked.size},
            request=request,
        )
    return document


def publication_problems(procurement: Procurement, at) -> list[rules.Problem]:
    problems = procurement.timetable_problems(at)
    weights = list(procurement.criteria.values_list("weight", flat=True))
    problems += rules.check_weights(weights)
    if weights and not procurement.criteria.filter(kind=AwardCriterion.Kind.PRICE).exists():
        problems.append(
            rules.Problem("criteria", "Add a price criterion: tenders are assessed on price and quality.")
        )
    if not procurement.documents.exists():
        problems.append(rules.Problem("documents", "Add the tender documents before publishing."))
    if (
        procurement.procedure == Procurement.Procedure.FURTHER_COMPETITION
    ) != procurement.is_further_competition:
        problems.append(
            rules.Problem(
                "procedure", "A further competition is started from a framework lot, and only there."
            )
        )
    return problems


def publish(procurement: Procurement, *, by, request=None) -> Procurement:
    """Publish the tender notice: the opportunity becomes public, searchable and open for tenders."""
    with transaction.atomic():
        procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
        now = timezone.now()
        if procurement.status != Procurement.Status.DRAFT:
            raise Conflict("This procurement has already been published.")
        problems = publication_problems(procurement, now)
        if problems:
            raise DomainError(" ".join(p.message for p in problems))
        if procurement.is_further_competition:
            # Only the lot's active appointed suppliers are invited (PA23 s.46); nothing is advertised.
            from tenderbox.frameworks.actions import invite_for_competition

            invite_for_competition(procurement)
        before = procurement.publish(by=by, at=now)
        Notice.objects.create(
            procurement=procurement,
            kind=Notice.Kind.TENDER,
            published_at=now,
            summary=f"{procurement.title}. Tenders by "
            f"{timezone.localtime(procurement.submission_deadline):%-d %B %Y %H:%M}.",
        )
        if not procurement.is_further_competition:
            from tenderbox.notifications.tasks import send_instant_alerts

            send_instant_alerts.enqueue(procurement.pk)  # queued when this transaction commits
        record(
            "procurement.published",
            actor=by,
            organisation=procurement.buyer,
            obj=procurement,
            before={"status": before},
            after=_state(procurement),
            request=request,
        )
    return procurement


def _interested_addresses(procurement: Procurement):
    from tenderbox.organisations.models import Membership, Role

    return (
        Membership.objects.filter(
            organisation__interests__procurement=procurement,
            role__in=[Role.ADMIN, Role.BIDDER],
            user__is_active=True,
        )
        .select_related("user")
        .distinct()
    )


def _tell_interested(procurement: Procurement, *, subject: str, template: str, context: dict) -> int:
    link = settings.SITE_URL + reverse("tenders:opportunity", args=[procurement.reference])
    sent = 0
    for membership in _interested_addresses(procurement):
        send_email(
            to=membership.user.email,
            user=membership.user,
            subject=subject,
            template=template,
            context={"procurement": procurement, "link": link, **context},
            purpose="portal_service",
        )
        sent += 1
    return sent


def amend(
    procurement: Procurement,
    *,
    by,
    reason: str,
    summary: str,
    new_deadline=None,
    uploaded=None,
    document_title: str = "",
    request=None,
) -> Amendment:
    """Change a published procurement with a recorded reason (PA23 s.31); tell every interested supplier.
    A deadline may only move later, and documents may be added."""
    if not reason.strip():
        raise DomainError("Give the reason for the change: suppliers are told it.")
    with transaction.atomic():
        procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
        if not procurement.accepts_tenders():
            raise Conflict("Only a procurement that is open for tenders can be amended.")
        old = procurement.submission_deadline
        if new_deadline is not None:
            if new_deadline <= old:
                raise DomainError("A changed deadline must be later than the current one.")
            procurement.submission_deadline = new_deadline
            procurement.next_transition_at = new_deadline
            procurement.save(update_fields=["submission_deadline", "next_transition_at"])
        if uploaded is not None:
            add_document(
                procurement,
                uploaded,
                title=document_title or "Additional document",
                by=by,
                request=request,
                amending=True,
            )
        amendment = Amendment.objects.create(
            procurement=procurement,
            reason=reason.strip(),
            summary=summary.strip(),
            old_deadline=old if new_deadline else None,
            new_deadline=new_deadline,
            created_by=by,
        )
        Notice.objects.create(
            procurement=procurement, kind=Notice.Kind.CHANGE, summary=summary.strip() or reason.strip()
        )
        record(
            "procurement.amended",
            actor=by,
            organisation=procurement.buyer,
            obj=procurement,
            after={"amendment": amendment.pk, "deadline_moved": new_deadline is not None},
            request=request,
        )
        _tell_interested(
            procurement,
            subject=f"Change to {procurement.reference}: {procurement.title}",
            template="tenders/email/amended.txt",
            context={"amendment": amendment},
        )
    return amendment


def cancel(procurement: Procurement, *, by, reason: str, request=None) -> Procurement:
    with transaction.atomic():
        procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
        was_public = procurement.is_public
        before = procurement.cancel(at=timezone.now(), reason=reason)
        if was_public:
            Notice.objects.create(
                procurement=procurement, kind=Notice.Kind.TERMINATION, summary=reason.strip()
            )
        record(
            "procurement.cancelled",
            actor=by,
            organisation=procurement.buyer,
            obj=procurement,
            before={"status": before},
            after=_state(procurement),
            request=request,
        )
        if was_public:
            _tell_interested(
                procurement,
                subject=f"Cancelled: {procurement.reference} {procurement.title}",
                template="tenders/email/cancelled.txt",
                context={},
            )
    return procurement


def register_interest(procurement: Procurement, supplier, *, by, request=None) -> Interest:
    if not supplier.is_supplier:
        raise DomainError("Only a supplier can register interest.")
    if not procurement.invites(supplier):
        raise PermissionDenied(
            f"{supplier.name} is not invited: only the framework lot's active appointed suppliers may "
            "take part in a further competition."
        )
    if not procurement.accepts_tenders():
        raise Conflict("This opportunity is closed.")
    with transaction.atomic():
        interest, created = Interest.objects.get_or_create(
            procurement=procurement, supplier=supplier, defaults={"registered_by": by}
        )
        if created:
            record(
                "procurement.interest_registered",
                actor=by,
                organisation=supplier,
                obj=interest,
                request=request,
            )
    return interest


def ask_question(procurement: Procurement, supplier, *, by, question: str, request=None) -> Clarification:
    """A supplier asks before the clarification deadline, by the server's clock."""
    if not question.strip():
        raise DomainError("Enter your question.")
    if not procurement.accepts_questions():
        raise Conflict("The deadline for questions has passed.")
    with transaction.atomic():
        register_interest(procurement, supplier, by=by, request=request)
        clarification = Clarification.objects.create(
            procurement=procurement, asked_by_supplier=supplier, asked_by=by, question=question.strip()
        )
        record("clarification.asked", actor=by, organisation=supplier, obj=clarification, request=request)
    return clarification


def answer_question(
    clarification: Clarification, *, by, answer: str, question: str | None = None, request=None
) -> Clarification:
    """Publish the answer to every interested supplier without naming the asker; tell the asker privately."""
    if not answer.strip():
        raise DomainError("Enter the answer.")
    procurement = clarification.procurement
    if procurement.status != Procurement.Status.PUBLISHED:
        raise Conflict("Clarifications can only be published while the procurement is open for tenders.")
    with transaction.atomic():
        clarification = Clarification.objects.select_for_update().get(pk=clarification.pk)
        if clarification.is_published:
            raise Conflict("This question has already been answered.")
        if question is not None and question.strip():
            clarification.question = question.strip()  # the buyer may remove what identifies the asker
        clarification.answer = answer.strip()
        clarification.answered_at = timezone.now()
        clarification.answered_by = by
        clarification.save(update_fields=["question", "answer", "answered_at", "answered_by"])
        record(
            "clarification.answered",
            actor=by,
            organisation=procurement.buyer,
            obj=clarification,
            request=request,
        )
        _tell_interested(
            procurement,
            subject=f"New clarification for {procurement.reference}",
            template="tenders/email/clarification.txt",
            context={"clarification": clarification},
        )
    return clarification


def publish_clarification(procurement: Procurement, *, by, question: str, answer: str, request=None):
    """A clarification the buyer publishes of its own accord."""
    if procurement.status != Procurement.Status.PUBLISHED:
        raise Conflict("Clarifications can only be published while the procurement is open for tenders.")
    with transaction.atomic():
        clarification = Clarification.objects.create(
            procurement=procurement, question=question.strip() or "Clarification"
        )
        return answer_question(clarification, by=by, answer=answer, request=request)


def apply_clock(procurement: Procurement, now=None) -> Procurement:
    """Time-driven moves for one procurement, at request time: close it once its deadline passes;
    record the end of standstill. Idempotent and safe beside the scheduler: the row is locked and its
    state checked again."""
    now = now or timezone.now()
    if not rules.clock_moves(
        status=procurement.status,
        submission_deadline=procurement.submission_deadline,
        next_transition_at=procurement.next_transition_at,
        now=now,
    ):
        return procurement
    with transaction.atomic():
        locked = Procurement.objects.select_for_update().get(pk=procurement.pk)
        if locked.status == Procurement.Status.PUBLISHED and now >= locked.submission_deadline:
            before = locked.close(at=now)
            record(
                "procurement.closed",
                organisation=locked.buyer,
                obj=locked,
                before={"status": before},
                after=_state(locked),
            )
        elif (
            locked.status == Procurement.Status.AWARDED
            and locked.next_transition_at is not None
            and now >= locked.next_transition_at
        ):
            # Standstill is over (PA23 s.51): the contract may now be entered into.
            locked.next_transition_at = None
            locked.save(update_fields=["next_transition_at"])
            record(
                "procurement.standstill_ended", organisation=locked.buyer, obj=locked, after=_state(locked)
            )
        return locked


def apply_due_transitions(now=None, *, batch: int = 200) -> int:
    """The scheduler's catch-up: every procurement whose clock has run out is moved, in batches."""
    now = now or timezone.now()
    moved = 0
    due = Procurement.objects.filter(next_transition_at__lte=now).order_by("next_transition_at")
    for procurement in due[:batch]:
        before = procurement.status
        after = apply_clock(procurement, now)
        moved += after.status != before
    return moved
