"""API endpoints for frameworks, call-offs and contracts, with the pages' rules and forms: frameworks
and their appointed suppliers are public; an authority's buyers call off only from frameworks that
name or describe it; contracts are seen by their buyer, their supplier and the framework's owner."""

from datetime import date
from decimal import Decimal

from ninja import Router, Schema, Status

from tenderbox.contracts import access as contract_access
from tenderbox.contracts import actions as contract_actions
from tenderbox.contracts.forms import ChangeForm
from tenderbox.frameworks import access, actions
from tenderbox.frameworks.forms import CompetitionForm, DirectAwardForm
from tenderbox.frameworks.models import Appointment, Framework
from tenderbox.lib.api import validated

router = Router(tags=["frameworks"])
MAX_PAGE_SIZE = 100


class LotOut(Schema):
    id: int
    number: int
    title: str
    scope: str
    max_value: Decimal
    call_off_method: str
    direct_award_criteria: str
    cpv_codes: list[str]
    suppliers: list[dict]


class FrameworkOut(Schema):
    reference: str
    title: str
    description: str
    owner: str
    status: str
    starts_on: date
    ends_on: date
    extendable_to: date | None
    fee_rate: Decimal | None
    lots: list[LotOut]


def _framework_out(f: Framework) -> dict:
    appointments = (
        Appointment.objects.filter(lot__framework=f)
        .exclude(status=Appointment.Status.REMOVED)
        .select_related("supplier")
    )
    return {
        "reference": f.reference,
        "title": f.title,
        "description": f.description,
        "owner": f.owner.name,
        "status": f.status,
        "starts_on": f.starts_on,
        "ends_on": f.ends_on,
        "extendable_to": f.extendable_to,
        "fee_rate": f.fee_rate,
        "lots": [
            {
                "id": lot.pk,
                "number": lot.number,
                "title": lot.title,
                "scope": lot.scope,
                "max_value": lot.max_value,
                "call_off_method": lot.call_off_method,
                "direct_award_criteria": lot.direct_award_criteria,
                "cpv_codes": [c.code for c in lot.cpv_codes.all()],
                "suppliers": [
                    {
                        "name": a.supplier.name,
                        "companies_house_number": a.supplier.companies_house_number,
                        "status": a.status,
                    }
                    for a in appointments
                    if a.lot_id == lot.pk
                ],
            }
            for lot in f.lots.prefetch_related("cpv_codes")
        ],
    }


class FrameworkPage(Schema):
    count: int
    page: int
    results: list[FrameworkOut]


@router.get("/frameworks", response=FrameworkPage, auth=None, summary="Frameworks (public)")
def framework_list(request, page: int = 1, page_size: int = 20):
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    qs = Framework.objects.public().select_related("owner").order_by("-starts_on", "reference")
    items = qs[(page - 1) * size : page * size]
    return {"count": qs.count(), "page": page, "results": [_framework_out(f) for f in items]}


@router.get("/frameworks/{reference}", response=FrameworkOut, auth=None, summary="One framework (public)")
def framework_detail(request, reference: str):
    return _framework_out(access.get_public_framework(reference))


class ContractOut(Schema):
    id: int
    reference: str
    title: str
    buyer: str
    supplier: str
    route: str
    framework: str | None
    lot: int | None
    category: str
    value_excl_vat: Decimal
    original_value_excl_vat: Decimal
    starts_on: date
    ends_on: date
    delivery_postcode: str
    delivery_region: str
    status: str


def _contract_out(c) -> dict:
    return {
        "id": c.pk,
        "reference": c.reference,
        "title": c.title,
        "buyer": c.buyer.name,
        "supplier": c.supplier.name,
        "route": c.route,
        "framework": c.framework.reference if c.framework else None,
        "lot": c.framework_lot.number if c.framework_lot else None,
        "category": c.category,
        "value_excl_vat": c.value_excl_vat,
        "original_value_excl_vat": c.original_value_excl_vat,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "delivery_postcode": c.delivery_postcode,
        "delivery_region": c.delivery_region,
        "status": c.status,
    }


def _org_filtered(request, qs):
    """A token limited to one organisation sees only that organisation's contracts."""
    org = request.auth.organisation_id
    if org is None:
        return qs
    from django.db.models import Q

    return qs.filter(Q(buyer_id=org) | Q(supplier_id=org) | Q(framework__owner_id=org))


@router.get("/contracts", response=list[ContractOut], tags=["contracts"], summary="Your contracts")
def contract_list(request, page: int = 1, page_size: int = 50):
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    qs = _org_filtered(request, contract_access.contracts_for_user(request.auth.user)).order_by(
        "-awarded_at", "pk"
    )
    return [_contract_out(c) for c in qs[(page - 1) * size : page * size]]


@router.get("/contracts/{contract_id}", response=ContractOut, tags=["contracts"], summary="One contract")
def contract_detail(request, contract_id: int):
    contract = contract_access.get_contract_for_user(request.auth.user, contract_id)
    if not _org_filtered(request, type(contract).objects.filter(pk=contract.pk)).exists():
        from django.http import Http404

        raise Http404("No such contract.")
    return _contract_out(contract)


class ChangeIn(Schema):
    kind: str
    reason: str
    new_value: Decimal | None = None
    new_ends_on: date | None = None


@router.post("/contracts/{contract_id}/changes", response={201: ContractOut}, tags=["contracts"])
def change_contract(request, contract_id: int, body: ChangeIn):
    request.auth.require_write()
    contract = contract_access.get_contract_for_buyer(request.auth.user, contract_id)
    request.auth.check_object_organisation(contract.buyer_id)
    data = {k: ("" if v is None else str(v)) for k, v in body.dict().items()}
    form = validated(ChangeForm, data)
    contract_actions.change_contract(contract, by=request.auth.user, request=request, **form.cleaned_data)
    contract.refresh_from_db()
    return Status(201, _contract_out(contract))


class CompetitionIn(Schema):
    organisation: int
    title: str
    description: str
    value_excl_vat: Decimal
    vat: Decimal


@router.post("/framework-lots/{lot_id}/competitions", response={201: dict}, tags=["buying"])
def start_competition(request, lot_id: int, body: CompetitionIn):
    """A draft further competition; complete and publish it with the procurement endpoints."""
    request.auth.require_write()
    request.auth.check_object_organisation(body.organisation)
    authority, lot = access.get_lot_for_call_off(request.auth.user, body.organisation, lot_id)
    data = {k: str(v) for k, v in body.dict().items() if k != "organisation"}
    form = validated(CompetitionForm, data)
    procurement = actions.start_further_competition(
        lot, authority=authority, by=request.auth.user, request=request, **form.cleaned_data
    )
    return Status(
        201, {"id": procurement.pk, "reference": procurement.reference, "status": procurement.status}
    )


class DirectAwardIn(Schema):
    organisation: int
    supplier: int
    justification: str
    title: str
    description: str
    value_excl_vat: Decimal
    starts_on: date
    ends_on: date
    delivery_postcode: str
    delivery_region: str


@router.post("/framework-lots/{lot_id}/direct-awards", response={201: ContractOut}, tags=["buying"])
def direct_award(request, lot_id: int, body: DirectAwardIn):
    request.auth.require_write()
    request.auth.check_object_organisation(body.organisation)
    authority, lot = access.get_lot_for_call_off(request.auth.user, body.organisation, lot_id)
    data = {k: str(v) for k, v in body.dict().items() if k != "organisation"}
    form = validated(DirectAwardForm, data, lot=lot)
    contract = actions.direct_award(
        lot, authority=authority, by=request.auth.user, request=request, **form.cleaned_data
    )
    return Status(201, _contract_out(contract))
