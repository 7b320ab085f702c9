"""API endpoints for spend: a contract's spend to date and records, the buyer recording spend, the
supplier's MI returns (a refused file answers 400 with every problem: line, column, message) and
fee invoices. The same access rules and forms as the pages; a token acts only for its organisation."""

from datetime import date, datetime
from decimal import Decimal

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from tenderbox.lib.api import validated
from tenderbox.spend import access, actions
from tenderbox.spend.forms import SpendForm, parse_period
from tenderbox.spend.models import MIReturn

router = Router(tags=["spend"])


def _for(request) -> int | None:
    return request.auth.organisation_id


class SummaryOut(Schema):
    contract: str
    contract_value: Decimal
    spent: Decimal
    buyer_recorded: Decimal
    supplier_declared: Decimal
    vat: Decimal
    percent: Decimal
    remaining: Decimal
    thresholds_reached: list[int]
    overdue_periods: list[str]


class RecordOut(Schema):
    id: int
    source: str
    period: str
    invoice_date: date
    paid_on: date | None
    transaction_number: str
    description: str
    category: str
    amount_excl_vat: Decimal
    vat: Decimal


class SpendOut(Schema):
    summary: SummaryOut
    records: list[RecordOut]


def _summary_out(contract) -> dict:
    s = actions.summary(contract)
    return {
        "contract": contract.reference,
        "contract_value": s.contract_value,
        "spent": s.spent,
        "buyer_recorded": s.buyer_recorded,
        "supplier_declared": s.supplier_declared,
        "vat": s.vat,
        "percent": s.percent,
        "remaining": s.remaining,
        "thresholds_reached": s.thresholds_reached,
        "overdue_periods": [f"{p:%Y-%m}" for p in s.overdue_periods],
    }


def _record_out(r) -> dict:
    return {
        "id": r.pk,
        "source": r.source,
        "period": f"{r.period:%Y-%m}",
        "invoice_date": r.invoice_date,
        "paid_on": r.paid_on,
        "transaction_number": r.transaction_number,
        "description": r.description,
        "category": r.category,
        "amount_excl_vat": r.amount_excl_vat,
        "vat": r.vat,
    }


@router.get(
    "/contracts/{contract_id}/spend", response=SpendOut, summary="A contract's spend to date and records"
)
def get_spend(request, contract_id: int):
    found = access.get_contract_for_viewer(request.auth.user, contract_id, acting_for=_for(request))
    records = actions.counted_records(found.contract).order_by("period", "invoice_date", "pk")
    return {"summary": _summary_out(found.contract), "records": [_record_out(r) for r in records]}


class SpendIn(Schema):
    transaction_number: str
    invoice_date: date
    paid_on: date | None = None
    description: str
    category: str = ""
    amount_excl_vat: Decimal
    vat: Decimal


@router.post(
    "/contracts/{contract_id}/spend",
    response={201: RecordOut},
    summary="Record one payment against the contract (its buyer's staff only)",
)
def post_spend(request, contract_id: int, body: SpendIn):
    request.auth.require_write()
    contract = access.get_contract_for_buyer(request.auth.user, contract_id, acting_for=_for(request))
    data = {k: ("" if v is None else str(v)) for k, v in body.model_dump().items()}
    form = validated(SpendForm, data)
    record = actions.record_spend(contract, by=request.auth.user, request=request, **form.cleaned_data)
    return Status(201, _record_out(record))


class ReturnOut(Schema):
    id: int
    outcome: str
    period: str
    scope: str
    status: str
    is_nil: bool
    line_count: int
    total_excl_vat: Decimal
    total_vat: Decimal
    sha256: str
    uploaded_at: datetime
    replaced: int | None


def _return_out(outcome) -> dict:
    r: MIReturn = outcome.mi_return
    return {
        "id": r.pk,
        "outcome": outcome.outcome,
        "period": f"{r.period:%Y-%m}",
        "scope": r.scope_label,
        "status": r.status,
        "is_nil": r.is_nil,
        "line_count": r.line_count,
        "total_excl_vat": r.total_excl_vat,
        "total_vat": r.total_vat,
        "sha256": r.sha256,
        "uploaded_at": r.uploaded_at,
        "replaced": outcome.replaced.pk if outcome.replaced else None,
    }


def _period(value: str) -> date:
    from django.core.exceptions import ValidationError

    from tenderbox.lib.api import InvalidInput

    try:
        return parse_period(value)
    except ValidationError as exc:
        raise InvalidInput({"period": exc.messages}) from None


def _answer(outcome):
    # 201 for a new return (accepted or replacing one); 200 when it was the same return again.
    return Status(200 if outcome.outcome == "unchanged" else 201, _return_out(outcome))


@router.post(
    "/contracts/{contract_id}/mi-returns",
    response={200: ReturnOut, 201: ReturnOut},
    summary="Send the contract's MI return for a month (multipart: period as 2026-03, file or nil=true)",
)
def post_return(
    request, contract_id: int, period: Form[str], nil: Form[bool] = False, file: File[UploadedFile] = None
):
    request.auth.require_write()
    contract = access.get_contract_for_supplier(request.auth.user, contract_id, acting_for=_for(request))
    outcome = actions.submit_return(
        supplier=contract.supplier,
        by=request.auth.user,
        contract=contract,
        period=_period(period),
        uploaded=file,
        nil=nil,
        request=request,
    )
    return _answer(outcome)


@router.post(
    "/frameworks/{framework_id}/suppliers/{supplier_id}/mi-returns",
    response={200: ReturnOut, 201: ReturnOut},
    summary="Send a framework-wide MI return covering all your call-offs (each line names its contract)",
)
def post_framework_return(
    request,
    framework_id: int,
    supplier_id: int,
    period: Form[str],
    nil: Form[bool] = False,
    file: File[UploadedFile] = None,
):
    request.auth.require_write()
    framework, supplier = access.get_framework_for_supplier(
        request.auth.user, framework_id, supplier_id, acting_for=_for(request)
    )
    outcome = actions.submit_return(
        supplier=supplier,
        by=request.auth.user,
        framework=framework,
        period=_period(period),
        uploaded=file,
        nil=nil,
        request=request,
    )
    return _answer(outcome)


class FeeInvoiceOut(Schema):
    id: int
    number: str
    framework: str
    supplier: int
    period: str
    declared_spend: Decimal
    fee_rate: Decimal
    amount: Decimal
    status: str
    issued_at: datetime


def _invoice_out(i) -> dict:
    return {
        "id": i.pk,
        "number": i.number,
        "framework": i.framework.reference,
        "supplier": i.supplier_id,
        "period": f"{i.period:%Y-%m}",
        "declared_spend": i.declared_spend,
        "fee_rate": i.fee_rate,
        "amount": i.amount,
        "status": i.status,
        "issued_at": i.issued_at,
    }


@router.get("/fee-invoices", response=list[FeeInvoiceOut], summary="Fee invoices you issue or owe")
def list_fee_invoices(request):
    invoices = access.fee_invoices_for(request.auth.user, acting_for=_for(request)).order_by(
        "-period", "number"
    )
    return [_invoice_out(i) for i in invoices[:500]]
