"""API endpoints for opportunities (public) and for buyers' procurements. Same rules as the pages:
reads through access.py, writes through actions.py, input through the pages' forms."""

from datetime import date, datetime
from decimal import Decimal

from django.core.paginator import Paginator
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from tenderbox.lib.api import validated
from tenderbox.tenders import access, actions
from tenderbox.tenders.forms import (
    CancelForm,
    CriterionForm,
    LotForm,
    ProcurementForm,
    QuestionForm,
    SearchForm,
)
from tenderbox.tenders.models import Procurement
from tenderbox.tenders.search import search

router = Router(tags=["opportunities"])
MAX_PAGE_SIZE = 100


class LotOut(Schema):
    number: int
    title: str
    description: str
    value_excl_vat: Decimal


class CriterionOut(Schema):
    name: str
    kind: str
    weight: int


class DocumentOut(Schema):
    id: int
    title: str
    filename: str
    size: int
    sha256: str
    url: str


class ClarificationOut(Schema):
    question: str
    answer: str
    answered_at: datetime


class OpportunitySummary(Schema):
    reference: str
    title: str
    buyer: str
    status: str
    procedure: str
    value_excl_vat: Decimal
    region: str
    main_cpv: str
    submission_deadline: datetime | None
    url: str


class OpportunityOut(OpportunitySummary):
    description: str
    category: str
    vat: Decimal
    cpv_codes: list[str]
    clarification_deadline: datetime | None
    expected_award_date: date | None
    contract_start: date | None
    contract_end: date | None
    lots: list[LotOut]
    criteria: list[CriterionOut]
    documents: list[DocumentOut]
    clarifications: list[ClarificationOut]


class ProcurementOut(OpportunityOut):
    id: int
    interest_count: int


class Page(Schema):
    count: int
    page: int
    page_size: int
    results: list[OpportunitySummary]


def _summary(p: Procurement) -> dict:
    return {
        "reference": p.reference,
        "title": p.title,
        "buyer": p.buyer.name,
        "status": p.status,
        "procedure": p.procedure,
        "value_excl_vat": p.value_excl_vat,
        "region": p.region,
        "main_cpv": p.main_cpv_id,
        "submission_deadline": p.submission_deadline,
        "url": reverse("tenders:opportunity", args=[p.reference]),
    }


def _detail(p: Procurement) -> dict:
    return {
        **_summary(p),
        "description": p.description,
        "category": p.category,
        "vat": p.vat,
        "cpv_codes": list(p.cpv_codes.values_list("code", flat=True)),
        "clarification_deadline": p.clarification_deadline,
        "expected_award_date": p.expected_award_date,
        "contract_start": p.contract_start,
        "contract_end": p.contract_end,
        "lots": [
            {
                "number": x.number,
                "title": x.title,
                "description": x.description,
                "value_excl_vat": x.value_excl_vat,
            }
            for x in p.lots.all()
        ],
        "criteria": [{"name": c.name, "kind": c.kind, "weight": c.weight} for c in p.criteria.all()],
        "documents": [
            {
                "id": d.pk,
                "title": d.title,
                "filename": d.filename,
                "size": d.size,
                "sha256": d.sha256,
                "url": reverse("tenders:document", args=[p.reference, d.pk]),
            }
            for d in p.documents.all()
        ]
        if p.is_public
        else [],
        "clarifications": [
            {"question": c.question, "answer": c.answer, "answered_at": c.answered_at}
            for c in p.clarifications.filter(answered_at__isnull=False)
        ],
    }


class SearchParams(Schema):
    q: str = ""
    cpv: str = ""
    region: str = ""
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    procedure: str = ""
    status: str = "open"
    closing_after: date | None = None
    closing_before: date | None = None
    sort: str = ""
    page: int = 1
    page_size: int = 20


@router.get("/opportunities", response=Page, auth=None, summary="Search published opportunities")
def opportunities(request, params: Query[SearchParams]):
    data = {k: v for k, v in params.dict().items() if v not in (None, "") and k not in ("page", "page_size")}
    form = validated(SearchForm, data)
    size = max(1, min(params.page_size, MAX_PAGE_SIZE))
    paginator = Paginator(search(form.query()), size)
    page = paginator.get_page(params.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "page_size": size,
        "results": [_summary(p) for p in page.object_list],
    }


@router.get("/opportunities/{reference}", response=OpportunityOut, auth=None, summary="One opportunity")
def opportunity(request, reference: str):
    return _detail(access.get_public_procurement(reference))


class InterestIn(Schema):
    organisation: int | None = None


@router.post("/opportunities/{reference}/interest", response={201: dict}, summary="Register interest")
def register_interest(request, reference: str, body: InterestIn):
    principal = request.auth
    principal.require_write()
    procurement = access.get_public_procurement(reference, principal.user)
    supplier = access.get_supplier_for_user(principal.user, principal.organisation_for(body.organisation))
    actions.register_interest(procurement, supplier, by=principal.user, request=request)
    return Status(201, {"detail": "Interest registered."})


class QuestionIn(Schema):
    question: str
    organisation: int | None = None


@router.post(
    "/opportunities/{reference}/questions", response={201: dict}, summary="Ask a clarification question"
)
def ask(request, reference: str, body: QuestionIn):
    principal = request.auth
    principal.require_write()
    procurement = access.get_public_procurement(reference, principal.user)
    supplier = access.get_supplier_for_user(principal.user, principal.organisation_for(body.organisation))
    form = validated(QuestionForm, {"question": body.question})
    clarification = actions.ask_question(
        procurement, supplier, by=principal.user, question=form.cleaned_data["question"], request=request
    )
    return Status(201, {"id": clarification.pk, "detail": "Question sent."})


# Buyers -------------------------------------------------------------------------------------
def _buyer_procurement(request, procurement_id: int) -> Procurement:
    principal = request.auth
    procurement = access.get_procurement_for_buyer(principal.user, procurement_id)
    principal.check_object_organisation(procurement.buyer_id)
    return procurement


def _procurement_out(p: Procurement) -> dict:
    return {**_detail(p), "id": p.pk, "interest_count": p.interests.count()}


class ProcurementIn(Schema):
    organisation: int | None = None
    title: str
    description: str
    category: str
    main_cpv: str
    value_excl_vat: Decimal
    vat: Decimal
    region: str
    procedure: str
    light_touch: bool = False
    urgent: bool = False
    planned_notice: bool = False
    clarification_deadline: datetime
    submission_deadline: datetime
    expected_award_date: date
    contract_start: date | None = None
    contract_end: date | None = None


@router.get(
    "/procurements", response=list[ProcurementOut], tags=["buying"], summary="Your authority's procurements"
)
def procurements(request):
    principal = request.auth
    qs = access.procurements_for_buyer(principal.user).select_related("buyer", "main_cpv")
    if principal.token is not None:
        qs = qs.filter(buyer_id=principal.organisation_id)
    return [_procurement_out(p) for p in qs.order_by("-created_at")[:MAX_PAGE_SIZE]]


@router.post("/procurements", response={201: ProcurementOut}, tags=["buying"], summary="Start a draft")
def create(request, body: ProcurementIn):
    principal = request.auth
    principal.require_write()
    org_id = principal.organisation_for(body.organisation)
    membership = access.buyer_memberships(principal.user).filter(organisation_id=org_id).first()
    if membership is None:
        from django.http import Http404

        raise Http404("No such authority.")
    data = body.dict(exclude={"organisation"})
    data["main_cpv_code"] = data.pop("main_cpv")
    form = validated(ProcurementForm, {k: v for k, v in data.items() if v is not None})
    fields = {k: v for k, v in form.cleaned_data.items() if k != "main_cpv_code"}
    procurement = actions.create_draft(
        buyer=membership.organisation,
        by=principal.user,
        main_cpv=form.cleaned_data["main_cpv_code"],
        request=request,
        **fields,
    )
    return Status(201, _procurement_out(procurement))


@router.get("/procurements/{procurement_id}", response=ProcurementOut, tags=["buying"])
def procurement(request, procurement_id: int):
    return _procurement_out(_buyer_procurement(request, procurement_id))


class LotIn(Schema):
    title: str
    description: str = ""
    value_excl_vat: Decimal


@router.post("/procurements/{procurement_id}/lots", response={201: ProcurementOut}, tags=["buying"])
def add_lot(request, procurement_id: int, body: LotIn):
    request.auth.require_write()
    p = _buyer_procurement(request, procurement_id)
    form = validated(LotForm, body.dict())
    actions.add_lot(p, by=request.auth.user, **form.cleaned_data)
    return Status(201, _procurement_out(p))


class CriterionIn(Schema):
    kind: str
    name: str
    weight: int
    guidance: str = ""


@router.post("/procurements/{procurement_id}/criteria", response={201: ProcurementOut}, tags=["buying"])
def add_criterion(request, procurement_id: int, body: CriterionIn):
    request.auth.require_write()
    p = _buyer_procurement(request, procurement_id)
    form = validated(CriterionForm, body.dict())
    actions.add_criterion(p, by=request.auth.user, **form.cleaned_data)
    return Status(201, _procurement_out(p))


@router.post(
    "/procurements/{procurement_id}/declarations",
    response={201: ProcurementOut},
    tags=["buying"],
    summary="Add the standard exclusion-ground declarations",
)
def add_declarations(request, procurement_id: int):
    request.auth.require_write()
    p = _buyer_procurement(request, procurement_id)
    actions.add_standard_declarations(p, by=request.auth.user)
    return Status(201, _procurement_out(p))


@router.post("/procurements/{procurement_id}/publish", response=ProcurementOut, tags=["buying"])
def publish(request, procurement_id: int):
    request.auth.require_write()
    p = _buyer_procurement(request, procurement_id)
    return _procurement_out(actions.publish(p, by=request.auth.user, request=request))


class CancelIn(Schema):
    reason: str


@router.post("/procurements/{procurement_id}/cancel", response=ProcurementOut, tags=["buying"])
def cancel(request, procurement_id: int, body: CancelIn):
    request.auth.require_write()
    p = _buyer_procurement(request, procurement_id)
    form = validated(CancelForm, body.dict())
    return _procurement_out(
        actions.cancel(p, by=request.auth.user, reason=form.cleaned_data["reason"], request=request)
    )


@router.post(
    "/procurements/{procurement_id}/documents",
    response={201: ProcurementOut},
    tags=["buying"],
    summary="Add a tender document (multipart: title, file)",
)
def add_document(request, procurement_id: int, title: Form[str], file: File[UploadedFile]):
    request.auth.require_write()
    p = _buyer_procurement(request, procurement_id)
    actions.add_document(p, file, title=title, by=request.auth.user, request=request)
    return Status(201, _procurement_out(p))


class AmendmentIn(Schema):
    reason: str
    summary: str
    new_deadline: datetime | None = None


@router.post(
    "/procurements/{procurement_id}/amendments",
    response={201: ProcurementOut},
    tags=["buying"],
    summary="Change a published procurement (every interested supplier is told)",
)
def amend(request, procurement_id: int, body: AmendmentIn):
    request.auth.require_write()
    p = _buyer_procurement(request, procurement_id)
    actions.amend(
        p,
        by=request.auth.user,
        reason=body.reason,
        summary=body.summary,
        new_deadline=body.new_deadline,
        request=request,
    )
    p.refresh_from_db()
    return Status(201, _procurement_out(p))


class BuyerClarificationOut(Schema):
    id: int
    question: str
    answer: str
    answered_at: datetime | None


@router.get(
    "/procurements/{procurement_id}/clarifications", response=list[BuyerClarificationOut], tags=["buying"]
)
def clarifications(request, procurement_id: int):
    p = _buyer_procurement(request, procurement_id)
    return [
        {"id": c.pk, "question": c.question, "answer": c.answer, "answered_at": c.answered_at}
        for c in p.clarifications.all()
    ]


class AnswerIn(Schema):
    answer: str
    question: str | None = None


@router.post(
    "/procurements/{procurement_id}/clarifications/{clarification_id}/answer",
    response=BuyerClarificationOut,
    tags=["buying"],
    summary="Publish an answer to every interested supplier",
)
def answer(request, procurement_id: int, clarification_id: int, body: AnswerIn):
    request.auth.require_write()
    clarification = access.get_clarification_for_buyer(request.auth.user, procurement_id, clarification_id)
    request.auth.check_object_organisation(clarification.procurement.buyer_id)
    c = actions.answer_question(
        clarification, by=request.auth.user, answer=body.answer, question=body.question, request=request
    )
    return {"id": c.pk, "question": c.question, "answer": c.answer, "answered_at": c.answered_at}


class DraftChangesIn(Schema):
    title: str | None = None
    description: str | None = None
    category: str | None = None
    main_cpv: str | None = None
    value_excl_vat: Decimal | None = None
    vat: Decimal | None = None
    region: str | None = None
    procedure: str | None = None
    clarification_deadline: datetime | None = None
    submission_deadline: datetime | None = None
    expected_award_date: date | None = None
    contract_start: date | None = None
    contract_end: date | None = None


@router.patch(
    "/procurements/{procurement_id}",
    response=ProcurementOut,
    tags=["buying"],
    summary="Change a draft (published procurements change by amendment)",
)
def update(request, procurement_id: int, body: DraftChangesIn):
    request.auth.require_write()
    p = _buyer_procurement(request, procurement_id)
    form = ProcurementForm(instance=p)
    data = {name: form[name].value() for name in form.fields}
    data["main_cpv_code"] = p.main_cpv_id
    changes = body.dict(exclude_unset=True)
    if "main_cpv" in changes:
        changes["main_cpv_code"] = changes.pop("main_cpv")
    data.update(changes)
    form = validated(ProcurementForm, {k: v for k, v in data.items() if v is not None}, instance=p)
    actions.update_draft(p, form, by=request.auth.user, request=request)
    return _procurement_out(p)


class BuyerClarificationIn(Schema):
    question: str
    answer: str


@router.post(
    "/procurements/{procurement_id}/clarifications",
    response={201: BuyerClarificationOut},
    tags=["buying"],
    summary="Publish a clarification of the buyer's own",
)
def publish_clarification(request, procurement_id: int, body: BuyerClarificationIn):
    request.auth.require_write()
    p = _buyer_procurement(request, procurement_id)
    c = actions.publish_clarification(
        p, by=request.auth.user, question=body.question, answer=body.answer, request=request
    )
    return Status(201, {"id": c.pk, "question": c.question, "answer": c.answer, "answered_at": c.answered_at})
