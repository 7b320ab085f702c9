"""API endpoints for KPIs and performance, with the pages' rules: the contract's parties read, the
buyer's staff set contract KPIs and rate, the supplier's staff report, the framework owner's staff set
framework KPIs. Input is validated by the pages' forms; a token reaches only its organisation's side."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Router, Schema, Status

from tenderbox.lib.api import validated
from tenderbox.performance import access, actions, reporting
from tenderbox.performance.forms import KpiForm, RatingForm, ReportForm
from tenderbox.performance.models import KpiReport

router = Router(tags=["performance"])


# Numbers may come as JSON numbers or strings; the pages' forms parse them either way (a float is
# turned to text first, so 96.5 is read as written, not as its binary approximation).
Number = str | int | float


class KpiIn(Schema):
    name: str
    unit: str
    target: Number
    period: str
    direction: str
    description: str = ""


class PeriodOut(Schema):
    starts_on: date
    ends_on: date
    label: str
    value: Decimal | None
    met_target: bool | None
    status: str
    comment: str
    reported_at: datetime | None
    corrections: int


class KpiOut(Schema):
    id: int
    name: str
    description: str
    unit: str
    target: Decimal
    period: str
    direction: str
    scope: str


class KpiReportOut(KpiOut):
    periods: list[PeriodOut]


def _kpi_out(kpi) -> dict:
    return {
        "id": kpi.pk,
        "name": kpi.name,
        "description": kpi.description,
        "unit": kpi.unit,
        "target": kpi.target,
        "period": kpi.period,
        "direction": kpi.direction,
        "scope": "framework" if kpi.framework_id else "contract",
    }


def _text(data: dict) -> dict:
    return {
        k: str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for k, v in data.items()
    }


def _org(request):
    return request.auth.organisation_id


@router.get("/contracts/{contract_id}/kpis", response=list[KpiReportOut], summary="A contract's KPI report")
def contract_kpis(request, contract_id: int):
    contract, _ = access.get_contract(request.auth.user, contract_id, _org(request))
    return [
        {
            **_kpi_out(s.kpi),
            "periods": [
                {
                    "starts_on": r.period.starts_on,
                    "ends_on": r.period.ends_on,
                    "label": r.period.label,
                    "value": r.report.value if r.report else None,
                    "met_target": r.met,
                    "status": r.status,
                    "comment": r.report.comment if r.report else "",
                    "reported_at": r.report.reported_at if r.report else None,
                    "corrections": r.report.corrections if r.report else 0,
                }
                for r in s.rows
            ],
        }
        for s in reporting.contract_sections(contract)
    ]


@router.post("/contracts/{contract_id}/kpis", response={201: KpiOut}, summary="Set a KPI on a contract")
def define_contract_kpi(request, contract_id: int, body: KpiIn):
    request.auth.require_write()
    contract = access.get_contract_for_buyer(request.auth.user, contract_id, _org(request))
    form = validated(KpiForm, _text(body.dict()))
    kpi = actions.define_kpi(by=request.auth.user, contract=contract, request=request, **form.cleaned_data)
    return Status(201, _kpi_out(kpi))


@router.post("/frameworks/{framework_id}/kpis", response={201: KpiOut}, summary="Set a KPI on a framework")
def define_framework_kpi(request, framework_id: int, body: KpiIn):
    request.auth.require_write()
    framework = access.get_framework_for_owner(request.auth.user, framework_id, _org(request))
    form = validated(KpiForm, _text(body.dict()))
    kpi = actions.define_kpi(by=request.auth.user, framework=framework, request=request, **form.cleaned_data)
    return Status(201, _kpi_out(kpi))


class ReportIn(Schema):
    value: Number
    comment: str = ""


class ReportOut(Schema):
    kpi: int
    period_start: date
    period_end: date
    value: Decimal
    comment: str
    corrections: int


@router.put(
    "/contracts/{contract_id}/kpis/{kpi_id}/reports/{period_start}",
    response={200: ReportOut, 201: ReportOut},
    summary="Report (or correct) a KPI's value for a period",
)
def report(request, contract_id: int, kpi_id: int, period_start: str, body: ReportIn):
    request.auth.require_write()
    contract = access.get_contract_for_supplier(request.auth.user, contract_id, _org(request))
    kpi = access.get_kpi_for_contract(contract, kpi_id)
    reported = {r.period_start: r for r in KpiReport.objects.filter(kpi=kpi, contract=contract)}
    form = validated(
        ReportForm,
        {"period": period_start, **_text(body.dict())},
        periods=actions.reportable_periods(kpi, contract),
        reported=reported,
    )
    row, created = actions.report_kpi(
        contract,
        kpi,
        period_start=form.cleaned_data["period"].starts_on,
        value=form.cleaned_data["value"],
        comment=form.cleaned_data["comment"],
        by=request.auth.user,
        request=request,
    )
    out = {
        "kpi": kpi.pk,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "value": row.value,
        "comment": row.comment,
        "corrections": row.corrections,
    }
    return Status(201 if created else 200, out)


class RatingIn(Schema):
    rating: str
    feedback: str


class RatingOut(Schema):
    period_kind: str
    period_start: date
    period_end: date
    label: str
    rating: str
    feedback: str
    rated_at: datetime
    corrections: int


def _rating_out(r) -> dict:
    return {
        "period_kind": r.period_kind,
        "period_start": r.period_start,
        "period_end": r.period_end,
        "label": reporting.rating_label(r),
        "rating": r.rating,
        "feedback": r.feedback,
        "rated_at": r.rated_at,
        "corrections": r.corrections,
    }


@router.get("/contracts/{contract_id}/ratings", response=list[RatingOut], summary="A contract's ratings")
def ratings(request, contract_id: int):
    contract, _ = access.get_contract(request.auth.user, contract_id, _org(request))
    return [_rating_out(r) for r in reporting.ratings(contract)]


@router.put(
    "/contracts/{contract_id}/ratings/{period_kind}/{period_start}",
    response={200: RatingOut, 201: RatingOut},
    summary="Rate (or re-rate) a quarter or financial year",
)
def rate(request, contract_id: int, period_kind: str, period_start: str, body: RatingIn):
    request.auth.require_write()
    contract = access.get_contract_for_buyer(request.auth.user, contract_id, _org(request))
    form = validated(
        RatingForm,
        {"period": f"{period_kind}:{period_start}", **body.dict()},
        periods=actions.rating_periods(contract),
    )
    period = form.cleaned_data["period"]
    row, created = actions.rate_performance(
        contract,
        period_kind=period.kind,
        period_start=period.starts_on,
        rating=form.cleaned_data["rating"],
        feedback=form.cleaned_data["feedback"],
        by=request.auth.user,
        request=request,
    )
    return Status(201 if created else 200, _rating_out(row))
