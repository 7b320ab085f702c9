"""API endpoints for evaluation and award, with the pages' rules: evaluators reach only their own
assignments after declaring no conflict; marking, moderation and award are for the authority's buyers."""

import uuid
from datetime import date
from decimal import Decimal

from django.http import Http404
from ninja import Body, Router, Schema, Status

from tenderbox.evaluation import access, actions
from tenderbox.evaluation.models import AssessmentSummary
from tenderbox.lib.errors import DomainError
from tenderbox.organisations.models import Membership
from tenderbox.submissions import access as submission_access
from tenderbox.submissions.actions import read_version
from tenderbox.tenders import access as tender_access

router = Router(tags=["evaluation"])


class AssignmentOut(Schema):
    id: int
    procurement: str
    status: str


def _assignment_out(a) -> dict:
    return {"id": a.pk, "procurement": a.procurement.reference, "status": a.status}


def _buyer_procurement(request, procurement_id):
    procurement = tender_access.get_procurement_for_buyer(request.auth.user, procurement_id)
    request.auth.check_object_organisation(procurement.buyer_id)
    return procurement


def _buyer_version(request, procurement_id, version_id):
    _buyer_procurement(request, procurement_id)
    return submission_access.get_version_for_buyer(request.auth.user, procurement_id, version_id)


class EvaluatorIn(Schema):
    user_id: int


@router.post("/procurements/{procurement_id}/evaluators", response={201: AssignmentOut}, tags=["buying"])
def assign(request, procurement_id: int, body: EvaluatorIn):
    request.auth.require_write()
    procurement = _buyer_procurement(request, procurement_id)
    member = Membership.objects.filter(organisation=procurement.buyer, user_id=body.user_id).first()
    if member is None:
        raise Http404("No such member.")
    return Status(
        201, _assignment_out(actions.assign(procurement, member.user, by=request.auth.user, request=request))
    )


@router.get("/evaluations", response=list[AssignmentOut], summary="Your evaluations")
def evaluations(request):
    assignments = access.assignments_for_user(request.auth.user)
    if request.auth.token is not None:
        assignments = assignments.filter(procurement__buyer_id=request.auth.organisation_id)
    return [_assignment_out(a) for a in assignments]


class DeclarationIn(Schema):
    conflict: bool
    details: str = ""


@router.post("/evaluations/{assignment_id}/declaration", response=AssignmentOut)
def declare(request, assignment_id: int, body: DeclarationIn):
    request.auth.require_write()
    assignment = access.get_assignment(request.auth.user, assignment_id)
    return _assignment_out(
        actions.declare(
            assignment, by=request.auth.user, conflict=body.conflict, text=body.details, request=request
        )
    )


class TenderForEvaluator(Schema):
    id: uuid.UUID
    supplier: str
    quality: dict[str, str]


@router.get("/evaluations/{assignment_id}/tenders", response=list[TenderForEvaluator])
def evaluator_tenders(request, assignment_id: int):
    assignment = access.get_cleared_assignment(request.auth.user, assignment_id)
    return [
        {"id": v.pk, "supplier": v.response.supplier.name, "quality": read_version(v)["quality"]}
        for v in access.versions_for_assignment(assignment)
    ]


class MarkIn(Schema):
    score: int
    justification: str


@router.put("/evaluations/{assignment_id}/tenders/{version_id}/scores", response=dict)
def score(request, assignment_id: int, version_id: uuid.UUID, body: Body[dict[int, MarkIn]]):
    request.auth.require_write()
    assignment = access.get_cleared_assignment(request.auth.user, assignment_id)
    version = access.get_version_for_assignment(assignment, version_id)
    criteria = {c.pk: c for c in assignment.procurement.criteria.filter(kind="quality")}
    for criterion_id, mark in body.items():
        if criterion_id not in criteria:
            raise DomainError(f"Criterion {criterion_id} is not a quality criterion of this procurement.")
        actions.score(
            assignment,
            version,
            criteria[criterion_id],
            value=mark.score,
            justification=mark.justification,
            request=request,
        )
    return {"detail": "Scores saved."}


class SelectionIn(Schema):
    passed: bool
    reason: str = ""


@router.put("/procurements/{procurement_id}/tenders/{version_id}/selection", response=dict, tags=["buying"])
def selection(request, procurement_id: int, version_id: uuid.UUID, body: Body[dict[int, SelectionIn]]):
    request.auth.require_write()
    version = _buyer_version(request, procurement_id, version_id)
    questions = {q.pk: q for q in version.response.procurement.selection_questions.all()}
    for question_id, mark in body.items():
        if question_id not in questions:
            raise DomainError(f"Question {question_id} is not a question of this procurement.")
        actions.mark_selection(
            version,
            questions[question_id],
            passed=mark.passed,
            reason=mark.reason,
            by=request.auth.user,
            request=request,
        )
    return {"detail": "Marks saved."}


class AgreedIn(Schema):
    score: int
    reason: str


@router.put("/procurements/{procurement_id}/tenders/{version_id}/moderation", response=dict, tags=["buying"])
def moderate(request, procurement_id: int, version_id: uuid.UUID, body: Body[dict[int, AgreedIn]]):
    request.auth.require_write()
    version = _buyer_version(request, procurement_id, version_id)
    criteria = {c.pk: c for c in version.response.procurement.criteria.filter(kind="quality")}
    for criterion_id, agreed in body.items():
        if criterion_id not in criteria:
            raise DomainError(f"Criterion {criterion_id} is not a quality criterion of this procurement.")
        actions.moderate(
            version,
            criteria[criterion_id],
            value=agreed.score,
            reason=agreed.reason,
            by=request.auth.user,
            request=request,
        )
    return {"detail": "Agreed scores saved."}


class LineOut(Schema):
    tender: uuid.UUID
    supplier: str
    price: Decimal
    total: Decimal | None
    position: int | None
    excluded: str
    complete: bool


class LotResultOut(Schema):
    lot: str
    title: str
    tied: list[str]
    lines: list[LineOut]


@router.get("/procurements/{procurement_id}/results", response=list[LotResultOut], tags=["buying"])
def results(request, procurement_id: int):
    procurement = _buyer_procurement(request, procurement_id)
    procurement = submission_access.get_opened_procurement_for_buyer(request.auth.user, procurement.pk)
    return [
        {
            "lot": r.key,
            "title": r.title,
            "tied": r.tied,
            "lines": [
                {
                    "tender": x.version.pk,
                    "supplier": x.version.response.supplier.name,
                    "price": x.price,
                    "total": x.total if x.position else None,
                    "position": x.position or None,
                    "excluded": x.excluded,
                    "complete": x.complete,
                }
                for x in r.lines
            ],
        }
        for r in actions.results(procurement)
    ]


class AwardIn(Schema):
    winners: dict[str, str] = {}
    tie_break_reason: str = ""


@router.post("/procurements/{procurement_id}/award", response=dict, tags=["buying"])
def award(request, procurement_id: int, body: AwardIn):
    request.auth.require_write()
    procurement = _buyer_procurement(request, procurement_id)
    procurement = actions.award(
        procurement,
        by=request.auth.user,
        winners=body.winners,
        tie_break_reason=body.tie_break_reason,
        request=request,
    )
    return {"status": procurement.status, "standstill_ends_at": procurement.standstill_ends_at}


@router.post("/procurements/{procurement_id}/contract", response=dict, tags=["buying"])
def enter_contract(request, procurement_id: int, starts_on: date | None = None, ends_on: date | None = None):
    """After standstill. The contract's dates default to the procurement's expected ones."""
    request.auth.require_write()
    procurement = actions.enter_contract(
        _buyer_procurement(request, procurement_id),
        by=request.auth.user,
        starts_on=starts_on,
        ends_on=ends_on,
        request=request,
    )
    return {"status": procurement.status, "contracted_at": procurement.contracted_at}


@router.get("/opportunities/{reference}/assessment-summary", response=dict, tags=["responses"])
def assessment_summary(request, reference: str, organisation: int | None = None):
    principal = request.auth
    procurement, supplier, _ = submission_access.get_response_for_supplier(
        principal.user, reference, principal.organisation_for(organisation)
    )
    summary = AssessmentSummary.objects.filter(procurement=procurement, supplier=supplier).first()
    if summary is None:
        raise Http404("There is no assessment summary yet.")
    return {"text": summary.text, "created_at": summary.created_at}
