"""API endpoints for suppliers' responses and buyers' opening of tenders. Sealed content is never
returned before the four-eyes opening; suppliers reach only their own response."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from tenderbox.lib.api import validated
from tenderbox.lib.errors import Conflict
from tenderbox.submissions import access, actions
from tenderbox.submissions.forms import ResponseForm
from tenderbox.tenders import access as tender_access

router = Router(tags=["responses"])


class VersionOut(Schema):
    id: uuid.UUID
    number: int
    submitted_at: datetime
    receipt_sha256: str


class DraftDocumentOut(Schema):
    id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str


class ResponseOut(Schema):
    status: str
    content: dict
    documents: list[DraftDocumentOut]
    versions: list[VersionOut]
    problems: list[str]


class ContentIn(Schema):
    organisation: int | None = None
    lots: list[int] = []
    prices: dict[str, Decimal] = {}
    selection: dict[str, Literal["yes", "no"]] = {}
    quality: dict[str, str] = {}
    public_liability_cover: str = ""
    employers_liability_cover: str = ""
    accreditations: str = ""
    annual_turnover: str = ""
    declaration: bool = False


class SubmitIn(Schema):
    organisation: int | None = None
    # Printable ASCII, as the form's key (a UUID) is: the database refuses some characters (NUL).
    idempotency_key: str = Field(min_length=1, max_length=64, pattern=r"^[!-~]+$")


def _own(request, reference: str, organisation: int | None):
    principal = request.auth
    return access.get_response_for_supplier(
        principal.user, reference, principal.organisation_for(organisation)
    )


def _document_out(document) -> dict:
    return {
        "id": document.pk,
        "filename": actions.draft_document_name(document),
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
    }


def _out(procurement, response) -> dict:
    content = actions.load_draft(response)
    return {
        "status": response.status,
        "content": content,
        # What the next submission will carry; the supplier can check each hash against its file.
        "documents": [
            _document_out(d) for d in response.documents.filter(in_draft=True).order_by("uploaded_at")
        ],
        "versions": [
            {
                "id": v.pk,
                "number": v.number,
                "submitted_at": v.submitted_at,
                "receipt_sha256": v.receipt_sha256,
            }
            for v in response.versions.order_by("number")
        ],
        "problems": actions.response_problems(procurement, content),
    }


@router.get("/opportunities/{reference}/response", response=ResponseOut, summary="Your own response")
def get_response(request, reference: str, organisation: int | None = None):
    procurement, _, response = _own(request, reference, organisation)
    if response is None:
        from django.http import Http404

        raise Http404("You have not started a response.")
    return _out(procurement, response)


@router.put("/opportunities/{reference}/response", response=ResponseOut, summary="Save your draft response")
def save_response(request, reference: str, body: ContentIn):
    request.auth.require_write()
    procurement, supplier, response = _own(request, reference, body.organisation)
    if response is None:
        response = actions.start_response(procurement, supplier, by=request.auth.user, request=request)
    data = {
        "lots": [str(x) for x in body.lots],
        "declaration": body.declaration,
        **{
            name: getattr(body, name)
            for name in (
                "public_liability_cover",
                "employers_liability_cover",
                "accreditations",
                "annual_turnover",
            )
        },
    }
    data |= {f"price_{k}": str(v) for k, v in body.prices.items()}
    data |= {f"selection_{k}": v for k, v in body.selection.items()}
    data |= {f"quality_{k}": v for k, v in body.quality.items()}
    previous = actions.load_draft(response)
    form = validated(ResponseForm, data, procurement=procurement, content=previous)
    actions.save_draft(response, form.content(previous), by=request.auth.user)
    response.refresh_from_db()
    return _out(procurement, response)


@router.post(
    "/opportunities/{reference}/response/submit",
    response={201: VersionOut},
    summary="Seal and submit your draft (repeat the idempotency key to retry safely)",
)
def submit(request, reference: str, body: SubmitIn):
    request.auth.require_write()
    _, _, response = _own(request, reference, body.organisation)
    if response is None:
        raise Conflict("Save a draft response before submitting it.")
    version = actions.submit(
        response, by=request.auth.user, idempotency_key=body.idempotency_key, request=request
    )
    return Status(
        201,
        {
            "id": version.pk,
            "number": version.number,
            "submitted_at": version.submitted_at,
            "receipt_sha256": version.receipt_sha256,
        },
    )


@router.post(
    "/opportunities/{reference}/response/documents",
    response={201: DraftDocumentOut},
    summary="Attach a document to your draft (multipart: file); the next submission seals it in",
)
def attach_document(request, reference: str, file: File[UploadedFile], organisation: Form[int | None] = None):
    request.auth.require_write()
    _, _, response = _own(request, reference, organisation)
    if response is None:
        raise Conflict("Save a draft response before attaching documents to it.")
    document = actions.attach_document(response, file, by=request.auth.user, request=request)
    return Status(201, _document_out(document))


class OrganisationIn(Schema):
    organisation: int | None = None


@router.post(
    "/opportunities/{reference}/response/withdraw", response=ResponseOut, summary="Withdraw your tender"
)
def withdraw(request, reference: str, body: OrganisationIn):
    request.auth.require_write()
    procurement, _, response = _own(request, reference, body.organisation)
    if response is None:
        raise Conflict("There is no tender to withdraw.")
    return _out(procurement, actions.withdraw(response, by=request.auth.user, request=request))


# Buyers -------------------------------------------------------------------------------------
class OpeningOut(Schema):
    status: str
    approvals: int
    opened_at: datetime | None


class TenderOut(Schema):
    id: uuid.UUID
    supplier: str
    number: int
    submitted_at: datetime
    receipt_sha256: str
    content: dict


def _buyer_procurement(request, procurement_id):
    procurement = tender_access.get_procurement_for_buyer(request.auth.user, procurement_id)
    request.auth.check_object_organisation(procurement.buyer_id)
    return procurement


@router.post(
    "/procurements/{procurement_id}/opening-approvals",
    response={201: OpeningOut},
    tags=["buying"],
    summary="Approve opening the tenders (the second buyer's approval opens them)",
)
def approve_opening(request, procurement_id: int):
    request.auth.require_write()
    procurement = _buyer_procurement(request, procurement_id)
    access.require_buyer_staff(request.auth.user, procurement)
    procurement = actions.approve_opening(procurement, by=request.auth.user, request=request)
    return Status(
        201,
        {
            "status": procurement.status,
            "approvals": procurement.opening_approvals.count(),
            "opened_at": procurement.opened_at,
        },
    )


@router.get(
    "/procurements/{procurement_id}/tenders",
    response=list[TenderOut],
    tags=["buying"],
    summary="Opened tenders (refused with 409 while they are sealed)",
)
def tenders(request, procurement_id: int):
    procurement = _buyer_procurement(request, procurement_id)
    procurement = access.get_opened_procurement_for_buyer(request.auth.user, procurement.pk)
    out = []
    for version in actions.counting_versions(procurement):
        content = actions.read_version(version)
        content["documents"] = [{k: v for k, v in d.items() if k != "key"} for d in content["documents"]]
        out.append(
            {
                "id": version.pk,
                "supplier": version.response.supplier.name,
                "number": version.number,
                "submitted_at": version.submitted_at,
                "receipt_sha256": version.receipt_sha256,
                "content": content,
            }
        )
    return out
