"""Framework workflows: setting one up, going live, appointing suppliers (from an award or by an
audited import), suspending and removing them, extension and expiry with warnings, and the two
call-off routes: further competition (a procurement among the lot's suppliers, PA23 s.46) and direct
award against the framework's criteria (PA23 s.47(2)). Each runs in one transaction with its audit
events; emails go out after commit."""

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.contracts.actions import end_moment, let_contract
from tenderbox.contracts.models import Contract
from tenderbox.frameworks import rules
from tenderbox.frameworks.models import (
    Appointment,
    CompetitionInvitation,
    EligibilityRule,
    ExpiryWarning,
    Framework,
    FrameworkDocument,
    FrameworkLot,
)
from tenderbox.lib import uk
from tenderbox.lib.errors import Conflict, DomainError, PermissionDenied
from tenderbox.lib.references import next_reference
from tenderbox.lib.uploads import check_upload
from tenderbox.notifications.actions import send_email
from tenderbox.organisations.models import Membership, Organisation, Role
from tenderbox.tenders.models import Procurement


def _problems(problems) -> None:
    if problems:
        raise DomainError(" ".join(p.message for p in problems))


def _require_draft(framework: Framework) -> None:
    if framework.status != Framework.Status.DRAFT:
        raise Conflict("Only a draft framework can be changed this way.")


# Setting up ---------------------------------------------------------------------------------
def create_framework(
    *,
    owner,
    by,
    title,
    description,
    starts_on,
    ends_on,
    extendable_to=None,
    fee_rate=None,
    call_off_minimum_days=rules.PROPOSED_CALL_OFF_DAYS,
    procurement=None,
    let_elsewhere_reference="",
    request=None,
) -> Framework:
    if not owner.is_buyer:
        raise DomainError("Only a contracting authority can run a framework.")
    _problems(rules.check_term(starts_on=starts_on, ends_on=ends_on, extendable_to=extendable_to))
    if procurement is not None and procurement.buyer_id != owner.pk:
        raise DomainError("A framework can only be let by its owner's own procurement.")
    with transaction.atomic():
        framework = Framework.objects.create(
            owner=owner,
            reference=next_reference(Framework, "FW", digits=4),
            title=title,
            description=description,
            starts_on=starts_on,
            ends_on=ends_on,
            original_ends_on=ends_on,
            extendable_to=extendable_to,
            fee_rate=fee_rate,
            call_off_minimum_days=call_off_minimum_days,
            procurement=procurement,
            let_elsewhere_reference=let_elsewhere_reference,
            created_by=by,
        )
        record("framework.drafted", actor=by, organisation=owner, obj=framework, request=request)
    return framework


def add_lot(
    framework: Framework,
    *,
    by,
    title,
    scope,
    max_value,
    call_off_method,
    direct_award_criteria="",
    cpv_codes=(),
    max_suppliers=1,
    request=None,
) -> FrameworkLot:
    _require_draft(framework)
    if rules.allows(call_off_method, rules.DIRECT_AWARD) and not direct_award_criteria.strip():
        raise DomainError(
            "Set out the criteria a direct award is made against: a framework may allow award without "
            "competition only on criteria it states (PA23 s.47(2))."
        )
    with transaction.atomic():
        number = (framework.lots.aggregate(m=Max("number"))["m"] or 0) + 1
        lot = FrameworkLot.objects.create(
            framework=framework,
            number=number,
            title=title,
            scope=scope,
            max_value=max_value,
            call_off_method=call_off_method,
            direct_award_criteria=direct_award_criteria.strip(),
            max_suppliers=max_suppliers,
        )
        lot.cpv_codes.set(cpv_codes)
        record("framework.lot_added", actor=by, organisation=framework.owner, obj=lot, request=request)
    return lot


def set_eligibility(framework: Framework, *, by, named=(), descriptions=(), request=None) -> None:
    """Who may use the framework: named authorities, and descriptions (authority type, region)."""
    _require_draft(framework)
    if any(not org.is_buyer for org in named):
        raise DomainError("Only contracting authorities can be named as users of a framework.")
    with transaction.atomic():
        framework.named_authorities.set(named)
        framework.eligibility_rules.all().delete()
        for kind, region in descriptions:
            EligibilityRule.objects.get_or_create(framework=framework, authority_type=kind, region=region)
        record(
            "framework.eligibility_set",
            actor=by,
            organisation=framework.owner,
            obj=framework,
            after={"named": sorted(o.pk for o in named), "descriptions": sorted(map(list, descriptions))},
            request=request,
        )


def add_document(framework: Framework, uploaded, *, title: str, by, request=None) -> FrameworkDocument:
    """A call-off terms document; may be added while the framework is live (a new order form)."""
    if framework.status == Framework.Status.EXPIRED:
        raise Conflict("This framework has expired.")
    checked = check_upload(uploaded)
    with transaction.atomic():
        document = FrameworkDocument(
            framework=framework,
            title=title.strip() or checked.filename,
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=by,
        )
        document.file.save(checked.sha256, ContentFile(checked.content), save=False)
        document.save()
        record(
            "framework.document_added", actor=by, organisation=framework.owner, obj=document, request=request
        )
    return document


def _next_check(framework: Framework, today) -> object:
    """The next moment the clock must act: the next expiry warning still to send (at once if its day
    has come, as when a framework goes live or is extended late in its term), or else the expiry."""
    for days in sorted(rules.EXPIRY_WARNING_DAYS, reverse=True):
        day = framework.ends_on - timedelta(days=days)
        if not framework.expiry_warnings.filter(ends_on=framework.ends_on, days=days).exists():
            return end_moment(max(day, today) - timedelta(days=1))  # the start of that day, UK time
    return end_moment(framework.ends_on)


def go_live(framework: Framework, *, by, request=None) -> Framework:
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        problems = []
        if not framework.lots.exists():
            problems.append("Add at least one lot.")
        if not framework.named_authorities.exists() and not framework.eligibility_rules.exists():
            problems.append(
                "Say which authorities may use the framework, by name or by description (PA23 s.45)."
            )
        if framework.ends_on < timezone.localdate():
            problems.append("The framework's term has already ended.")
        if problems:
            raise DomainError(" ".join(problems))
        before = framework.go_live(
            by=by, at=timezone.now(), next_check=_next_check(framework, timezone.localdate())
        )
        record(
            "framework.went_live",
            actor=by,
            organisation=framework.owner,
            obj=framework,
            before={"status": before},
            after={"status": framework.status},
            request=request,
        )
    return framework


# Appointing suppliers -----------------------------------------------------------------------
def _appoint(lot: FrameworkLot, supplier, *, by, source, award=None, request=None) -> Appointment:
    if not supplier.is_supplier:
        raise DomainError(f"{supplier.name} is not a supplier.")
    appointment, created = Appointment.objects.get_or_create(
        lot=lot, supplier=supplier, defaults={"source": source, "award": award, "appointed_by": by}
    )
    if not created:
        raise Conflict(f"{supplier.name} is already appointed to lot {lot.number}.")
    record(
        "framework.supplier_appointed",
        actor=by,
        organisation=lot.framework.owner,
        obj=appointment,
        after={"source": source, "supplier": supplier.pk, "lot": lot.number},
        request=request,
    )
    return appointment


def appoint_from_award(framework: Framework, *, by, request=None) -> list[Appointment]:
    """Appoint the successful suppliers of the Tenderbox procurement that let the framework: on each
    procurement lot, the highest-ranked tenders (as many as the framework lot of the same number
    appoints; suppliers tied at the last place all count) are appointed to that framework lot."""
    from tenderbox.evaluation.actions import results

    if framework.procurement_id is None:
        raise Conflict("This framework was not let by a Tenderbox procurement: import its suppliers instead.")
    procurement = Procurement.objects.get(pk=framework.procurement_id)  # its state now
    if procurement.status not in (Procurement.Status.AWARDED, Procurement.Status.CONTRACTED):
        raise Conflict("Suppliers are appointed once the procurement's award is decided.")
    lots = {lot.number: lot for lot in framework.lots.all()}
    numbers = {str(lot.pk): lot.number for lot in procurement.lots.all()}
    awards = {(str(a.lot_id) if a.lot_id else "whole"): a for a in procurement.awards.all()}
    made = []
    with transaction.atomic():
        for result in results(procurement):
            number = numbers.get(result.key, 1)
            lot = lots.get(number)
            if lot is None:
                raise Conflict(f"The framework has no lot {number} for the procurement's lot {number}.")
            award = awards.get(result.key)
            for line in result.ranked:
                if line.position > lot.max_suppliers:
                    break
                supplier = line.version.response.supplier
                if Appointment.objects.filter(lot=lot, supplier=supplier).exists():
                    continue
                won = award if award is not None and award.version_id == line.version.pk else None
                made.append(
                    _appoint(
                        lot, supplier, by=by, source=Appointment.Source.AWARD, award=won, request=request
                    )
                )
    return made


@dataclass
class RowProblem:
    line: int
    column: str
    message: str


IMPORT_COLUMNS = ("lot", "companies_house_number")


def parse_import(
    framework: Framework, data: bytes
) -> tuple[list[tuple[FrameworkLot, Organisation]], list[RowProblem]]:
    """Read an import file of appointed suppliers: a CSV with the columns `lot` (the lot number) and
    `companies_house_number` of a supplier registered on Tenderbox. Every problem is reported, by line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowProblem(1, "", "The file is not UTF-8 text: save it as CSV UTF-8.")]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        return [], [RowProblem(1, c, "This column is missing.") for c in missing]
    reader.fieldnames = header
    lots = {str(lot.number): lot for lot in framework.lots.all()}
    rows, problems, seen = [], [], set()
    for line, row in enumerate(reader, start=2):
        number = (row.get("lot") or "").strip()
        lot = lots.get(number)
        if lot is None:
            problems.append(RowProblem(line, "lot", f"There is no lot “{number}” in this framework."))
        raw = (row.get("companies_house_number") or "").strip()
        try:
            ch = uk.normalise_companies_house_number(raw)
        except Exception:  # noqa: BLE001 - a ValidationError with the format's own message
            problems.append(
                RowProblem(line, "companies_house_number", f"“{raw}” is not a Companies House number.")
            )
            continue
        supplier = Organisation.objects.filter(
            kind=Organisation.Kind.SUPPLIER, companies_house_number=ch
        ).first()
        if supplier is None:
            problems.append(
                RowProblem(
                    line,
                    "companies_house_number",
                    f"No supplier with number {ch} is registered on Tenderbox.",
                )
            )
            continue
        if lot is None:
            continue
        if (lot.pk, supplier.pk) in seen:
            problems.append(
                RowProblem(
                    line, "companies_house_number", f"{supplier.name} is listed twice for lot {number}."
                )
            )
            continue
        seen.add((lot.pk, supplier.pk))
        if Appointment.objects.filter(lot=lot, supplier=supplier).exists():
            problems.append(
                RowProblem(line, "companies_house_number", f"{supplier.name} is already on lot {number}.")
            )
            continue
        rows.append((lot, supplier))
    if not rows and not problems:
        problems.append(RowProblem(2, "", "The file has no suppliers in it."))
    return rows, problems


class ImportRefused(DomainError):
    """An import file with problems: nothing of it was saved."""

    def __init__(self, problems: list[RowProblem]):
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"The file was not imported: {count} found. Nothing was saved.")
        self.problems = problems


def import_appointments(
    framework: Framework, data: bytes, *, by, reason: str, request=None
) -> list[Appointment]:
    """Appoint suppliers of a framework let elsewhere, from a file: all or nothing, audited."""
    if framework.procurement_id is not None:
        raise Conflict("This framework was let on Tenderbox: its suppliers come from the award.")
    if framework.status == Framework.Status.EXPIRED:
        raise Conflict("This framework has expired.")
    if not reason.strip():
        raise DomainError("Say where the appointments come from (for example the award notice reference).")
    rows, problems = parse_import(framework, data)
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        made = [_appoint(lot, s, by=by, source=Appointment.Source.IMPORT, request=request) for lot, s in rows]
        record(
            "framework.suppliers_imported",
            actor=by,
            organisation=framework.owner,
            obj=framework,
            after={"count": len(made), "reason": reason.strip()[:200]},
            request=request,
        )
    return made


def _supplier_staff(supplier):
    """Who hears about a supplier's appointment and invitations: its active admins and bidders."""
    return Membership.objects.filter(
        organisation=supplier, role__in=[Role.ADMIN, Role.BIDDER], user__is_active=True
    ).select_related("user")


def _tell_supplier(appointment: Appointment, *, subject: str, text: str) -> None:
    for membership in _supplier_staff(appointment.supplier):
        send_email(
            to=membership.user.email,
            user=membership.user,
            subject=subject,
            template="frameworks/email/notice.txt",
            context={"text": text, "framework": appointment.lot.framework},
            purpose="portal_service",
        )


def change_appointment(appointment: Appointment, *, verb: str, by, reason: str, request=None) -> Appointment:
    """Suspend, reinstate or remove an appointed supplier, with the reason; the supplier is told."""
    if verb not in ("suspend", "reinstate", "remove"):
        raise DomainError("Choose suspend, reinstate or remove.")
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update().select_related("lot__framework").get(pk=appointment.pk)
        )
        if appointment.lot.framework.status == Framework.Status.EXPIRED:
            raise Conflict("This framework has expired.")
        before = getattr(appointment, verb)(by=by, at=timezone.now(), reason=reason)
        record(
            f"framework.supplier_{verb}ed" if verb != "remove" else "framework.supplier_removed",
            actor=by,
            organisation=appointment.lot.framework.owner,
            obj=appointment,
            before={"status": before},
            after={"status": appointment.status},
            request=request,
        )
        done = {"suspend": "suspended from", "reinstate": "reinstated on", "remove": "removed from"}[verb]
        _tell_supplier(
            appointment,
            subject=f"You have been {done} {appointment.lot.framework.reference}",
            text=f"{appointment.supplier.name} has been {done} lot {appointment.lot.number} "
            f"({appointment.lot.title}) of the framework {appointment.lot.framework.title}. "
            f"Reason: {appointment.status_reason}",
        )
    return appointment


# Term ---------------------------------------------------------------------------------------
def _involved_addresses(framework: Framework):
    """Everyone involved in a framework: the owner's staff, appointed suppliers' staff, and the staff
    of every authority that has called off from it."""
    orgs = {framework.owner_id}
    orgs |= set(
        Appointment.objects.filter(lot__framework=framework)
        .exclude(status=Appointment.Status.REMOVED)
        .values_list("supplier_id", flat=True)
    )
    orgs |= set(Contract.objects.filter(framework=framework).values_list("buyer_id", flat=True))
    return (
        Membership.objects.filter(
            organisation_id__in=orgs, role__in=[Role.ADMIN, Role.BUYER, Role.BIDDER], user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
        .distinct()
    )


def _tell_involved(framework: Framework, *, subject: str, text: str) -> int:
    sent = set()
    for membership in _involved_addresses(framework):
        if membership.user_id in sent:
            continue
        sent.add(membership.user_id)
        send_email(
            to=membership.user.email,
            user=membership.user,
            subject=subject,
            template="frameworks/email/notice.txt",
            context={
                "text": text,
                "framework": framework,
                "link": settings.SITE_URL + reverse("frameworks:public", args=[framework.reference]),
            },
            purpose="portal_service",
        )
    return len(sent)


def extend(framework: Framework, *, by, new_end, reason: str, request=None) -> Framework:
    if not reason.strip():
        raise DomainError("Give the reason for the extension.")
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        apply_clock(framework)
        framework.refresh_from_db()
        if framework.status != Framework.Status.LIVE or framework.ends_on < timezone.localdate():
            raise Conflict("Only a live framework can be extended, before its term ends.")
        _problems(
            rules.check_extension(
                current_end=framework.ends_on, new_end=new_end, extendable_to=framework.extendable_to
            )
        )
        old = framework.ends_on
        framework.ends_on = new_end
        framework.extend(new_end=new_end, next_check=_next_check(framework, timezone.localdate()))
        record(
            "framework.extended",
            actor=by,
            organisation=framework.owner,
            obj=framework,
            before={"ends_on": old},
            after={"ends_on": new_end},
            request=request,
        )
        _tell_involved(
            framework,
            subject=f"{framework.reference} extended to {new_end:%-d %B %Y}",
            text=f"The framework {framework.title} now ends on {new_end:%-d %B %Y} (it was to end on "
            f"{old:%-d %B %Y}). Reason: {reason.strip()}",
        )
    return framework


def apply_clock(framework: Framework, now=None) -> Framework:
    """Time-driven acts for one framework: the warnings before the end of its term (each once), and
    its expiry after the last day. Idempotent: the row is locked and the state checked again."""
    now = now or timezone.now()
    if framework.status != Framework.Status.LIVE:
        return framework
    today = timezone.localdate(now)
    with transaction.atomic():
        locked = Framework.objects.select_for_update().get(pk=framework.pk)
        if locked.status != Framework.Status.LIVE:
            return locked
        if today > locked.ends_on:
            before = locked.expire(at=now)
            record(
                "framework.expired",
                organisation=locked.owner,
                obj=locked,
                before={"status": before},
                after={"status": locked.status},
            )
            _tell_involved(
                locked,
                subject=f"{locked.reference} has expired",
                text=f"The framework {locked.title} ended on {locked.ends_on:%-d %B %Y}. Nothing more can be "
                "called off it; call-off contracts already made run on to their own end dates.",
            )
            return locked
        for days in sorted(rules.EXPIRY_WARNING_DAYS):
            if today >= locked.ends_on - timedelta(days=days):
                _, created = ExpiryWarning.objects.get_or_create(
                    framework=locked, ends_on=locked.ends_on, days=days
                )
                if created:
                    _tell_involved(
                        locked,
                        subject=f"{locked.reference} ends on {locked.ends_on:%-d %B %Y}",
                        text=f"The framework {locked.title} ends on {locked.ends_on:%-d %B %Y}, in "
                        f"{(locked.ends_on - today).days} days. Call-offs must be made by then.",
                    )
                    # A later, shorter warning is not sent as well on the same day.
                    for longer in (d for d in rules.EXPIRY_WARNING_DAYS if d > days):
                        ExpiryWarning.objects.get_or_create(
                            framework=locked, ends_on=locked.ends_on, days=longer
                        )
                break
        locked.next_transition_at = _next_check(locked, today)
        locked.save(update_fields=["next_transition_at"])
        return locked


def apply_due_transitions(now=None, *, batch: int = 200) -> int:
    now = now or timezone.now()
    acted = 0
    for framework in Framework.objects.filter(next_transition_at__lte=now).order_by("next_transition_at")[
        :batch
    ]:
        apply_clock(framework, now)
        acted += 1
    return acted


# Calling off --------------------------------------------------------------------------------
def is_eligible(framework: Framework, authority) -> bool:
    return rules.is_eligible(
        authority_id=authority.pk,
        authority_type=authority.authority_type,
        authority_region=authority.region,
        named=set(framework.named_authorities.values_list("pk", flat=True)),
        descriptions=list(framework.eligibility_rules.values_list("authority_type", "region")),
    )


def called_off_value(lot: FrameworkLot):
    return Contract.objects.filter(framework_lot=lot).aggregate(s=Sum("value_excl_vat"))["s"] or 0


def check_call_off(lot: FrameworkLot, authority, *, route: str, value=None, now=None) -> None:
    """Everything a call-off needs, decided at this moment: a live framework within its term, an
    authority it names or describes, a lot whose rules allow the route, and room under its maximum."""
    now = now or timezone.now()
    framework = apply_clock(Framework.objects.get(pk=lot.framework_id), now)  # as it is now
    today = timezone.localdate(now)
    if framework.status == Framework.Status.DRAFT:
        raise Conflict("This framework is not live yet.")
    if not framework.callable_on(today):
        raise Conflict(
            f"The framework {framework.reference} ended on {framework.ends_on:%-d %B %Y}: nothing can be "
            "called off it."
            if today > framework.ends_on
            else f"The framework's term starts on {framework.starts_on:%-d %B %Y}."
        )
    if not authority.is_buyer or not is_eligible(framework, authority):
        raise _not_eligible(authority, framework)
    if not lot.allows(route):
        raise Conflict(
            f"Lot {lot.number} allows {lot.get_call_off_method_display().lower()}: "
            f"a {'direct award' if route == rules.DIRECT_AWARD else 'further competition'} is not allowed."
        )
    if value is not None and called_off_value(lot) + value > lot.max_value:
        raise Conflict(
            f"This call-off would take lot {lot.number} past its maximum value of £{lot.max_value:,.2f} "
            f"(£{called_off_value(lot):,.2f} already called off)."
        )


def _not_eligible(authority, framework) -> PermissionDenied:
    return PermissionDenied(
        f"{authority.name} is not named or described among the authorities allowed to use "
        f"{framework.reference} (PA23 s.45)."
    )


def start_further_competition(
    lot: FrameworkLot, *, authority, by, title, description, value_excl_vat, vat, request=None
) -> Procurement:
    """A draft further competition under a lot, for an eligible authority: a procurement that runs
    with the same sealed responses, opening, evaluation and award as any other (one mechanism)."""
    from tenderbox.tenders.actions import create_draft

    check_call_off(lot, authority, route=rules.FURTHER_COMPETITION, value=value_excl_vat)
    framework = lot.framework
    main = lot.cpv_codes.order_by("code").first()
    if main is None:
        raise Conflict(f"Lot {lot.number} has no CPV code: the framework owner must add one.")
    with transaction.atomic():
        procurement = create_draft(
            buyer=authority,
            by=by,
            main_cpv=main,
            title=title,
            description=description,
            category=_category_of(lot),
            value_excl_vat=value_excl_vat,
            vat=vat,
            region=authority.region or "UK",
            procedure=Procurement.Procedure.FURTHER_COMPETITION,
            framework_lot=lot,
            request=request,
        )
        procurement.cpv_codes.add(*lot.cpv_codes.all())
        record(
            "framework.competition_started",
            actor=by,
            organisation=authority,
            obj=procurement,
            after={"framework": framework.pk, "lot": lot.number},
            request=request,
        )
    return procurement


def _category_of(lot: FrameworkLot) -> str:
    """Works for construction codes (CPV division 45), goods for divisions 03-44 and 48, else services."""
    # The lot's first code, from its CPV codes as loaded (the bulk export prefetches them).
    code = min((c.code for c in lot.cpv_codes.all()), default="")
    division = int(code[:2]) if code[:2].isdigit() else 99
    if division == 45:
        return Procurement.Category.WORKS
    if division < 45 or division == 48:
        return Procurement.Category.GOODS
    return Procurement.Category.SERVICES


def invite_for_competition(procurement: Procurement) -> int:
    """At publication: check the call-off is still allowed and invite the lot's active suppliers
    (suspended and removed ones are invited to nothing). Called inside tenders.actions.publish."""
    lot = procurement.framework_lot
    check_call_off(lot, procurement.buyer, route=rules.FURTHER_COMPETITION)
    active = list(lot.appointments.active().select_related("supplier"))
    if not active:
        raise Conflict(f"Lot {lot.number} has no active appointed supplier to invite.")
    link = settings.SITE_URL + reverse("tenders:opportunity", args=[procurement.reference])
    for appointment in active:
        CompetitionInvitation.objects.get_or_create(procurement=procurement, appointment=appointment)
        for membership in _supplier_staff(appointment.supplier):
            send_email(
                to=membership.user.email,
                user=membership.user,
                subject=f"Invitation to a further competition: {procurement.reference}",
                template="frameworks/email/invitation.txt",
                context={"procurement": procurement, "lot": lot, "link": link},
                purpose="portal_service",
            )
    return len(active)


def direct_award(
    lot: FrameworkLot,
    *,
    authority,
    supplier,
    by,
    justification: str,
    title: str,
    description: str,
    value_excl_vat,
    starts_on,
    ends_on,
    delivery_postcode: str,
    delivery_region: str,
    request=None,
) -> Contract:
    """Award a call-off without competition where the lot allows it, choosing an active appointed
    supplier against the framework's stated criteria, with the justification recorded (PA23 s.47(2))."""
    if not justification.strip():
        raise DomainError(
            "Explain why this supplier is chosen against the framework's direct-award criteria."
        )
    apply_clock(lot.framework)  # an expiry is recorded even when the call-off is then refused
    with transaction.atomic():
        check_call_off(lot, authority, route=rules.DIRECT_AWARD, value=value_excl_vat)
        appointment = Appointment.objects.filter(lot=lot, supplier=supplier).first()
        if appointment is None or appointment.status != Appointment.Status.ACTIVE:
            raise Conflict(f"{supplier.name} is not an active appointed supplier on lot {lot.number}.")
        contract = let_contract(
            buyer=authority,
            supplier=supplier,
            by=by,
            route=Contract.Route.DIRECT_AWARD,
            title=title,
            description=description,
            category=_category_of(lot),
            value_excl_vat=value_excl_vat,
            starts_on=starts_on,
            ends_on=ends_on,
            delivery_postcode=delivery_postcode,
            delivery_region=delivery_region,
            framework_lot=lot,
            justification=justification,
            request=request,
        )
        _tell_supplier(
            appointment,
            subject=f"Call-off contract {contract.reference} awarded to you",
            text=f"{authority.name} has awarded {supplier.name} the call-off contract {contract.reference} "
            f"({title}) under lot {lot.number} of {lot.framework.title}, by direct award.",
        )
    return contract
