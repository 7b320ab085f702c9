"""Evaluation workflows: assigning evaluators, declarations, selection marks, scores, moderation,
results, the award decision with assessment summaries and standstill, and entering the contract."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tenderbox.audit.chain import record
from tenderbox.evaluation import rules
from tenderbox.evaluation.models import (
    AssessmentSummary,
    Assignment,
    Award,
    ModeratedScore,
    Score,
    SelectionMark,
)
from tenderbox.lib.errors import Conflict, DomainError
from tenderbox.notifications.actions import send_email
from tenderbox.organisations.models import Membership, Role
from tenderbox.submissions.actions import counting_versions, is_opened, read_version
from tenderbox.tenders.models import AwardCriterion, Notice, Procurement

OPEN_FOR_EVALUATION = {Procurement.Status.PUBLISHED, Procurement.Status.CLOSED, Procurement.Status.OPENED}


def assign(procurement: Procurement, evaluator, *, by, request=None) -> Assignment:
    if procurement.status not in OPEN_FOR_EVALUATION:
        raise Conflict("Evaluators can only be assigned before the award.")
    if not Membership.objects.filter(user=evaluator, organisation=procurement.buyer).exists():
        raise DomainError("Only members of the authority can evaluate its procurements.")
    with transaction.atomic():
        assignment, created = Assignment.objects.get_or_create(
            procurement=procurement, evaluator=evaluator, defaults={"assigned_by": by}
        )
        if not created:
            raise Conflict(f"{evaluator.full_name} is already an evaluator.")
        record(
            "evaluation.evaluator_assigned",
            actor=by,
            organisation=procurement.buyer,
            obj=assignment,
            subject=evaluator,
            request=request,
        )
        link = settings.SITE_URL + reverse("evaluation:assignment", args=[assignment.pk])
        send_email(
            to=evaluator.email,
            user=evaluator,
            subject=f"You are an evaluator for {procurement.reference}",
            template="evaluation/email/assigned.txt",
            context={"procurement": procurement, "link": link},
            purpose="portal_service",
        )
    return assignment


def declare(assignment: Assignment, *, by, conflict: bool, text: str = "", request=None) -> Assignment:
    """PA23 s.81-83: each evaluator declares any conflict before seeing a tender; a conflict removes them."""
    if by.pk != assignment.evaluator_id:
        raise DomainError("Only the evaluator can make their own declaration.")
    if conflict and not text.strip():
        raise DomainError("Describe the conflict of interest.")
    with transaction.atomic():
        before = assignment.declare(conflict=conflict, text=text, at=timezone.now())
        record(
            "evaluation.conflict_declared",
            actor=by,
            organisation=assignment.procurement.buyer,
            obj=assignment,
            before={"status": before},
            after={"status": assignment.status},
            request=request,
        )
    return assignment


def _require_evaluating(procurement: Procurement) -> None:
    if procurement.status != Procurement.Status.OPENED:
        raise Conflict("Marks can only be given while the tenders are open for evaluation, before the award.")


def mark_selection(version, question, *, passed: bool, reason: str, by, request=None) -> SelectionMark:
    procurement = version.response.procurement
    _require_evaluating(procurement)
    if not passed and not reason.strip():
        raise DomainError("Give the reason for the fail: it is recorded as the reason for exclusion.")
    with transaction.atomic():
        mark, _ = SelectionMark.objects.update_or_create(
            version=version,
            question=question,
            defaults={
                "passed": passed,
                "reason": reason.strip(),
                "marked_by": by,
                "marked_at": timezone.now(),
            },
        )
        record(
            "evaluation.selection_marked",
            actor=by,
            organisation=procurement.buyer,
            obj=mark,
            after={"passed": passed},
            request=request,
        )
    return mark


def score(
    assignment: Assignment,
    version,
    criterion: AwardCriterion,
    *,
    value: int,
    justification: str,
    request=None,
) -> Score:
    """An evaluator's own score; changeable until the criterion is moderated for that tender."""
    procurement = assignment.procurement
    _require_evaluating(procurement)
    if assignment.status != Assignment.Status.CLEARED:
        raise Conflict("Declare any conflict of interest before scoring.")
    if criterion.procurement_id != procurement.pk or criterion.kind != AwardCriterion.Kind.QUALITY:
        raise DomainError("Score only this procurement's quality criteria.")
    if not 0 <= value <= criterion.max_score:
        raise DomainError(f"The score must be between 0 and {criterion.max_score}.")
    if not justification.strip():
        raise DomainError("Justify the score: it is the basis of the assessment summary.")
    if ModeratedScore.objects.filter(version=version, criterion=criterion).exists():
        raise Conflict("This criterion has been moderated for this tender: scores can no longer change.")
    with transaction.atomic():
        result, _ = Score.objects.update_or_create(
            assignment=assignment,
            version=version,
            criterion=criterion,
            defaults={"score": value, "justification": justification.strip(), "scored_at": timezone.now()},
        )
        record(
            "evaluation.scored",
            actor=assignment.evaluator,
            organisation=procurement.buyer,
            obj=result,
            request=request,
        )
    return result


def cleared_assignments(procurement: Procurement):
    return Assignment.objects.filter(procurement=procurement, status=Assignment.Status.CLEARED)


def moderate(
    version, criterion: AwardCriterion, *, value: int, reason: str, by, request=None
) -> ModeratedScore:
    procurement = version.response.procurement
    _require_evaluating(procurement)
    evaluators = cleared_assignments(procurement)
    if not evaluators.exists():
        raise Conflict("Assign at least one evaluator who has declared no conflict.")
    scored = Score.objects.filter(version=version, criterion=criterion, assignment__in=evaluators).count()
    if scored < evaluators.count():
        raise Conflict("Every evaluator must score this criterion before it is moderated.")
    if not 0 <= value <= criterion.max_score:
        raise DomainError(f"The score must be between 0 and {criterion.max_score}.")
    if not reason.strip():
        raise DomainError("Give the reason for the agreed score: the supplier is told it.")
    with transaction.atomic():
        moderated, _ = ModeratedScore.objects.update_or_create(
            version=version,
            criterion=criterion,
            defaults={
                "score": value,
                "reason": reason.strip(),
                "moderated_by": by,
                "moderated_at": timezone.now(),
            },
        )
        record(
            "evaluation.moderated",
            actor=by,
            organisation=procurement.buyer,
            obj=moderated,
            after={"score": value},
            request=request,
        )
    return moderated


# Results ------------------------------------------------------------------------------------
@dataclass
class Line:
    """One supplier's result for one lot (or the whole contract)."""

    version: object
    price: Decimal
    quality: dict = field(default_factory=dict)  # criterion id -> (score, points, reason)
    price_points: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    excluded: str = ""
    complete: bool = True
    position: int = 0


@dataclass
class LotResult:
    key: str
    title: str
    lines: list
    tied: list

    @property
    def ranked(self):
        return sorted([x for x in self.lines if not x.excluded and x.complete], key=lambda x: x.position)


def results(procurement: Procurement) -> list[LotResult]:
    """Weighted totals per lot, ranked, with exclusions and ties reported."""
    if not is_opened(procurement):
        raise Conflict("Tenders stay sealed until they are opened.")
    criteria = list(procurement.criteria.all())
    quality = [c for c in criteria if c.kind == AwardCriterion.Kind.QUALITY]
    price_criterion = next((c for c in criteria if c.kind == AwardCriterion.Kind.PRICE), None)
    versions = [v for v in counting_versions(procurement) if v is not None]
    contents = {v.pk: read_version(v) for v in versions}
    moderated = {
        (m.version_id, m.criterion_id): m for m in ModeratedScore.objects.filter(version__in=versions)
    }
    fails = {}
    for mark in SelectionMark.objects.filter(version__in=versions, passed=False).select_related("question"):
        fails.setdefault(mark.version_id, []).append(f"Failed question {mark.question.number}: {mark.reason}")
    lots = list(procurement.lots.all()) or [None]
    out = []
    for lot in lots:
        key = str(lot.pk) if lot else "whole"
        lines = []
        for v in versions:
            content = contents[v.pk]
            if lot is not None and lot.pk not in content.get("lots", []):
                continue
            line = Line(version=v, price=Decimal(content["prices"][key]))
            line.excluded = " ".join(fails.get(v.pk, []))
            for c in quality:
                m = moderated.get((v.pk, c.pk))
                if m is None:
                    line.complete = False
                    continue
                line.quality[c.pk] = (m.score, rules.quality_points(m.score, c.max_score, c.weight), m.reason)
            lines.append(line)
        eligible = [x for x in lines if not x.excluded and x.complete]
        points = rules.price_points(
            {str(x.version.pk): x.price for x in eligible}, price_criterion.weight if price_criterion else 0
        )
        for x in eligible:
            x.price_points = points[str(x.version.pk)]
            x.total = x.price_points + sum((q[1] for q in x.quality.values()), Decimal(0))
        ranked = rules.rank({str(x.version.pk): x.total for x in eligible})
        positions = {r.key: r.position for r in ranked}
        for x in eligible:
            x.position = positions[str(x.version.pk)]
        # Ranked first, by position; excluded and unfinished tenders after them.
        lines.sort(key=lambda x: (x.position or 10**6, x.version.response.supplier.name))
        out.append(
            LotResult(
                key=key,
                title=f"Lot {lot.number}: {lot.title}" if lot else "The contract",
                lines=lines,
                tied=rules.tied_at_top(ranked),
            )
        )
    return out


def award(
    procurement: Procurement, *, by, winners: dict[str, str], tie_break_reason: str = "", request=None
) -> Procurement:
    """Decide the award: a winner per lot (the top-ranked tender; a tie needs a recorded reason),
    assessment summaries for every assessed supplier (PA23 s.50), the contract award notice (UK6),
    and the standstill period (PA23 s.51)."""
    procurement = Procurement.objects.get(pk=procurement.pk)
    _require_evaluating(procurement)
    lot_results = results(procurement)
    with transaction.atomic():
        procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
        now = timezone.now()
        chosen = {}
        for result in lot_results:
            incomplete = [x for x in result.lines if not x.excluded and not x.complete]
            if incomplete:
                raise Conflict(f"{result.title}: every tender must be moderated on every criterion first.")
            if not result.ranked:
                raise Conflict(f"{result.title}: no tender can be awarded.")
            winner_id = winners.get(result.key) or (result.ranked[0].version.pk if not result.tied else None)
            line = next((x for x in result.ranked if str(x.version.pk) == str(winner_id)), None)
            if line is None:
                raise DomainError(f"{result.title}: choose the winning tender.")
            if line.position != 1:
                raise DomainError(f"{result.title}: only the highest-scoring tender can win.")
            if result.tied and not tie_break_reason.strip():
                raise DomainError(
                    f"{result.title}: tenders are tied at the top. Record how the tie was decided."
                )
            chosen[result.key] = line
            Award.objects.create(
                procurement=procurement,
                lot_id=None if result.key == "whole" else int(result.key),
                version=line.version,
                total=line.total,
                tie_break_reason=tie_break_reason.strip() if result.tied else "",
                decided_by=by,
            )
        _write_summaries(procurement, lot_results, chosen, now)
        ends = rules.standstill_ends_at(now)
        before = procurement.award(at=now, standstill_ends_at=ends)
        procurement.next_transition_at = ends
        procurement.save(update_fields=["next_transition_at"])
        Notice.objects.create(
            procurement=procurement,
            kind=Notice.Kind.AWARD,
            published_at=now,
            summary="; ".join(
                f"{r.title}: {chosen[r.key].version.response.supplier.name}" for r in lot_results
            ),
        )
        record(
            "procurement.awarded",
            actor=by,
            organisation=procurement.buyer,
            obj=procurement,
            before={"status": before},
            after={"status": procurement.status, "standstill_ends_at": ends},
            request=request,
        )
    return procurement


def _write_summaries(procurement, lot_results, chosen, now) -> None:
    criteria = list(procurement.criteria.all())
    suppliers = {}
    for result in lot_results:
        for line in result.lines:
            suppliers.setdefault(line.version.response.supplier, []).append((result, line))
    for supplier, entries in suppliers.items():
        context = {
            "procurement": procurement,
            "supplier": supplier,
            "criteria": criteria,
            "entries": [(r, line, chosen[r.key]) for r, line in entries],
            "site_url": settings.SITE_URL,
        }
        text = render_to_string("evaluation/email/summary.txt", context, using="django")
        AssessmentSummary.objects.create(
            procurement=procurement, supplier=supplier, text=text, created_at=now
        )
        for membership in Membership.objects.filter(
            organisation=supplier, role__in=[Role.ADMIN, Role.BIDDER]
        ):
            send_email(
                to=membership.user.email,
                user=membership.user,
                subject=f"Assessment summary: {procurement.reference}",
                template="evaluation/email/summary.txt",
                context=context,
                purpose="portal_service",
            )


def enter_contract(
    procurement: Procurement, *, by, starts_on=None, ends_on=None, request=None
) -> Procurement:
    """After standstill, the contract is entered into: the contract details notice (UK7) follows.

    Each award becomes a contract (one per lot) with the winning price, between the procurement's
    expected contract dates unless others are given. A further competition's contracts are call-offs
    under its framework lot, which must still be callable on this day. A procurement that let a
    framework agreement makes no contracts here: its winners are appointed to the framework instead.
    """
    with transaction.atomic():
        procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
        now = timezone.now()
        before = procurement.enter_contract(at=now)
        if not hasattr(procurement, "framework"):
            _let_contracts(procurement, by=by, starts_on=starts_on, ends_on=ends_on, request=request)
        Notice.objects.create(
            procurement=procurement,
            kind=Notice.Kind.DETAILS,
            published_at=now,
            summary="Contract entered into.",
        )
        record(
            "procurement.contracted",
            actor=by,
            organisation=procurement.buyer,
            obj=procurement,
            before={"status": before},
            after={"status": procurement.status},
            request=request,
        )
    return procurement


def _let_contracts(procurement: Procurement, *, by, starts_on, ends_on, request) -> list:
    from tenderbox.contracts.actions import let_contract
    from tenderbox.contracts.models import Contract

    starts_on = starts_on or procurement.contract_start or timezone.localdate()
    ends_on = ends_on or procurement.contract_end
    if ends_on is None:
        raise DomainError("Enter the date the contract ends.")
    lot = procurement.framework_lot
    route = Contract.Route.FURTHER_COMPETITION if lot else Contract.Route.PROCUREMENT
    made = []
    for award in procurement.awards.select_related("lot", "version__response__supplier").order_by("pk"):
        key = str(award.lot_id) if award.lot_id else "whole"
        price = Decimal(read_version(award.version)["prices"][key])
        if lot is not None:
            from tenderbox.frameworks.actions import check_call_off
            from tenderbox.frameworks.rules import FURTHER_COMPETITION

            check_call_off(lot, procurement.buyer, route=FURTHER_COMPETITION, value=price)
        made.append(
            let_contract(
                buyer=procurement.buyer,
                supplier=award.version.response.supplier,
                by=by,
                route=route,
                title=f"{procurement.title}: {award.lot.title}" if award.lot else procurement.title,
                description=(award.lot.description if award.lot else "") or procurement.description,
                category=procurement.category,
                value_excl_vat=price,
                starts_on=starts_on,
                ends_on=ends_on,
                delivery_postcode=procurement.buyer.postcode,
                delivery_region=procurement.region,
                framework_lot=lot,
                procurement=procurement,
                award=award,
                request=request,
            )
        )
    return made
