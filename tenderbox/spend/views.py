"""Spend pages: a contract's spend to date, the buyer's record form, the supplier's MI return upload
(with the template and every refused line listed), the CSV export and fee invoices. Thin: fetch
through access, validate with the form, call one action."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tenderbox.lib.csvsafe import csv_bytes
from tenderbox.lib.errors import DomainError
from tenderbox.spend import access, actions, mi
from tenderbox.spend.forms import FeeIssueForm, ReturnForm, SpendForm
from tenderbox.spend.models import MIReturn

OUTCOME_MESSAGES = {
    "accepted": "Your return for {period} is accepted: {lines} lines, {total} excluding VAT.",
    "replaced": "Your corrected return for {period} replaces the one sent before: {lines} lines, {total} "
    "excluding VAT. The earlier return is kept as superseded.",
    "unchanged": "This return for {period} is the one already accepted: nothing has changed.",
}


def contract_section(contract, user) -> list[tuple[str, dict]]:
    """The spend section of the contract page (contracts.views.contract_sections adds it): the
    partial and its context, for people who may see the contract's spend; nothing for others."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    try:
        found = access.get_contract_for_viewer(user, contract.pk)
    except (Http404, PermissionDenied):
        return []
    return [("spend/_summary.html", {"spend": actions.summary(found.contract), "access": found})]


@login_required
def index(request):
    contracts = list(access.contracts_for(request.user)[:200])
    spend = actions.summaries(contracts)
    rows = [(c, spend[c.pk]) for c in contracts]
    return render(request, "spend/index.html", {"rows": rows})


def _contract_context(found, **extra):
    from django.db.models import Count, Q, Sum

    contract = found.contract
    returns = list(MIReturn.objects.filter(contract=contract))
    for r in returns:
        r.shown_lines, r.shown_total = r.line_count, r.total_excl_vat
    if contract.framework_id:
        # A framework-wide return also declares other authorities' call-offs: show this contract's part.
        mine = Q(lines__contract=contract)
        wide = MIReturn.objects.filter(
            framework_id=contract.framework_id, supplier_id=contract.supplier_id
        ).annotate(
            shown_lines=Count("lines", filter=mine), shown_total=Sum("lines__amount_excl_vat", filter=mine)
        )
        for r in wide:
            r.shown_total = r.shown_total or Decimal("0.00")
            returns.append(r)
    returns.sort(key=lambda r: (r.period, r.uploaded_at), reverse=True)
    return {
        "contract": contract,
        "access": found,
        "spend": actions.summary(contract),
        "records": actions.counted_records(contract)
        .select_related("mi_return")
        .order_by("-period", "-invoice_date")[:500],
        "returns": returns,
        **extra,
    }


@login_required
def contract(request, contract_id):
    found = access.get_contract_for_viewer(request.user, contract_id)
    return render(request, "spend/contract.html", _contract_context(found))


@login_required
@require_http_methods(["GET", "POST"])
def record(request, contract_id):
    contract = access.get_contract_for_buyer(request.user, contract_id)
    form = SpendForm(request.POST if request.method == "POST" else None)
    context = {"contract": contract, "form": form}
    if request.method == "GET":
        return render(request, "spend/record.html", context)
    if not form.is_valid():
        return render(request, "spend/record.html", context, status=400)
    try:
        actions.record_spend(contract, by=request.user, request=request, **form.cleaned_data)
    except DomainError as exc:
        return render(request, "spend/record.html", {**context, "error": exc.message}, status=exc.status)
    messages.success(request, f"Invoice {form.cleaned_data['transaction_number'].upper()} is recorded.")
    return redirect("spend:contract", contract.pk)


def _upload(request, *, template, context, starts_on, ends_on, submit):
    """The shared upload flow for a contract's and a framework-wide return."""
    form = ReturnForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    context = {**context, "form": form, "columns": mi.COLUMNS, "max_lines": mi.MAX_LINES}
    if request.method == "GET":
        return None, render(request, template, context)
    if not form.is_valid():
        return None, render(request, template, context, status=400)
    try:
        outcome = submit(
            period=form.cleaned_data["period"],
            uploaded=form.cleaned_data["file"],
            nil=form.cleaned_data["nil"],
        )
    except mi.ReturnRefused as exc:
        context |= {"error": exc.message, "problems": exc.problems, "problem_count": exc.total}
        return None, render(request, template, context, status=400)
    except DomainError as exc:
        return None, render(request, template, {**context, "error": exc.message}, status=exc.status)
    returned = outcome.mi_return
    if returned.is_nil and outcome.outcome != "unchanged":
        text = f"Your nil return for {returned.period:%B %Y} is accepted."
    else:
        text = OUTCOME_MESSAGES[outcome.outcome].format(
            period=f"{returned.period:%B %Y}",
            lines=returned.line_count,
            total=f"£{returned.total_excl_vat:,.2f}",
        )
    messages.success(request, text)
    return outcome, None


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, contract_id):
    contract = access.get_contract_for_supplier(request.user, contract_id)
    outcome, page = _upload(
        request,
        template="spend/upload.html",
        context={"contract": contract},
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        submit=lambda **kw: actions.submit_return(
            supplier=contract.supplier, by=request.user, contract=contract, request=request, **kw
        ),
    )
    return page or redirect("spend:contract", contract.pk)


@login_required
@require_http_methods(["GET", "POST"])
def framework_upload(request, framework_id, supplier_id):
    framework, supplier = access.get_framework_for_supplier(request.user, framework_id, supplier_id)
    outcome, page = _upload(
        request,
        template="spend/upload.html",
        context={"framework": framework, "supplier": supplier},
        starts_on=framework.starts_on,
        ends_on=max(
            [
                framework.ends_on,
                *framework.call_offs.filter(supplier=supplier).values_list("ends_on", flat=True),
            ]
        ),
        submit=lambda **kw: actions.submit_return(
            supplier=supplier, by=request.user, framework=framework, request=request, **kw
        ),
    )
    return page or redirect("spend:index")


@login_required
def return_file(request, return_id):
    """The MI return file as the supplier sent it."""
    from tenderbox.lib.uploads import safe_filename

    found = access.get_return_file_for_viewer(request.user, return_id)
    with found.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(found.filename)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def template_csv(request):
    """The MI return template: public, so a supplier's finance team can prepare it before signing in."""
    response = HttpResponse(mi.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tenderbox-mi-return-template.csv"'
    return response


@login_required
def export(request, contract_id):
    found = access.get_contract_for_viewer(request.user, contract_id)
    contract = found.contract
    header = [
        "contract_reference",
        "invoice_number",
        "invoice_date",
        "payment_date",
        "description",
        "category",
        "amount_excl_vat",
        "vat",
        "source",
        "period",
    ]
    rows = (
        [
            contract.reference,
            r.transaction_number,
            r.invoice_date.isoformat(),
            r.paid_on.isoformat() if r.paid_on else "",
            r.description,
            r.category,
            r.amount_excl_vat,
            r.vat,
            r.get_source_display(),
            f"{r.period:%Y-%m}",
        ]
        for r in actions.counted_records(contract).order_by("period", "invoice_date", "pk")
    )
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{contract.reference}-spend.csv"'
    return response


@login_required
def fee_invoices(request):
    invoices = access.fee_invoices_for(request.user).order_by("-period", "number")[:500]
    return render(request, "spend/fee_invoices.html", {"invoices": invoices})


@login_required
def fee_invoice(request, invoice_id):
    invoice = access.get_fee_invoice(request.user, invoice_id)
    current = actions.declared_spend(invoice.framework, invoice.supplier, invoice.period)
    return render(request, "spend/fee_invoice.html", {"invoice": invoice, "declared_now": current})


def _framework_suppliers(framework):
    from tenderbox.organisations.models import Organisation

    return Organisation.objects.filter(contracts_supplied__framework=framework).distinct().order_by("name")


@login_required
def framework_fees(request, framework_id):
    framework = access.get_framework_for_owner(request.user, framework_id)
    form = FeeIssueForm(suppliers=_framework_suppliers(framework))
    return _fees_page(request, framework, form)


def _fees_page(request, framework, form, *, status=200, error=None):
    invoices = framework.fee_invoices.select_related("supplier").order_by("-period", "number")
    return render(
        request,
        "spend/framework_fees.html",
        {"framework": framework, "form": form, "invoices": invoices, "error": error},
        status=status,
    )


@login_required
@require_POST
def issue_fee(request, framework_id):
    framework = access.get_framework_for_owner(request.user, framework_id)
    suppliers = _framework_suppliers(framework)
    form = FeeIssueForm(request.POST, suppliers=suppliers)
    if not form.is_valid():
        return _fees_page(request, framework, form, status=400)
    supplier = suppliers.get(pk=form.cleaned_data["supplier"])
    try:
        invoice, created = actions.issue_fee_invoice(
            framework, supplier, form.cleaned_data["period"], by=request.user, request=request
        )
    except DomainError as exc:
        return _fees_page(request, framework, form, status=exc.status, error=exc.message)
    if created:
        messages.success(request, f"Fee invoice {invoice.number} is issued to {supplier.name}.")
    else:
        messages.info(
            request, f"Fee invoice {invoice.number} was already issued for that month: nothing changed."
        )
    return redirect("spend:fee-invoice", invoice.pk)
