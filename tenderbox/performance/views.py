"""KPI and performance pages: the report per contract, per framework and per supplier (charts, tables,
CSV), and the forms to set KPIs, report a period and rate one. Reads go through access.py, writes
through actions.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tenderbox.lib.csvsafe import csv_bytes
from tenderbox.lib.errors import DomainError
from tenderbox.lib.views import posted, render_form
from tenderbox.performance import access, actions, reporting, rules
from tenderbox.performance.forms import KpiForm, RatingForm, ReportForm
from tenderbox.performance.models import KpiReport

PANEL_TEMPLATE = "performance/_contract_kpis.html"


def csv_response(filename: str, header, rows) -> HttpResponse:
    """A CSV download, every text cell neutralised against formula injection (lib/csvsafe.py)."""
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def kpi_panel(user, contract) -> dict | None:
    """What the contract page's KPI panel shows this person: the s.52 warning, each KPI's latest
    value and status, and the links they may follow. None for someone who may not see the contract's
    performance (access.py's rules, which are narrower than seeing the contract: an evaluator of the
    buyer sees no KPIs)."""
    try:
        contract, party = access.get_contract(user, contract.pk)
    except Http404:
        return None
    sections = reporting.contract_sections(contract)
    return {
        "contract": contract,
        "party": party,
        "warning": rules.kpi_warning(contract.value_excl_vat, len(sections)),
        "sections": sections,
        "url": reverse("performance:contract", args=[contract.pk]),
    }


def contract_section(contract, user) -> list[tuple[str, dict]]:
    """The KPI section of the contract page, for `contracts.views.contract_sections` (which includes
    each partial with its context as `section`): the partial and its context for people who may see
    the contract's KPIs, nothing for others."""
    panel = kpi_panel(user, contract)
    return [] if panel is None else [(PANEL_TEMPLATE, {"kpi_panel": panel})]


def kpi_panel_context(request, contract) -> dict:
    """The same panel for a view that renders the partial itself: `{**context, **kpi_panel_context(...)}`."""
    return {"kpi_panel": kpi_panel(request.user, contract)}


@login_required
@require_GET
def index(request):
    return render(
        request,
        "performance/index.html",
        {
            "contracts": access.contracts_for_user(request.user).order_by("reference"),
            "frameworks": access.frameworks_for_owner(request.user).order_by("reference"),
        },
    )


@login_required
@require_GET
def contract(request, contract_id):
    contract, party = access.get_contract(request.user, contract_id)
    sections = reporting.contract_sections(contract)
    ratings = reporting.ratings(contract)
    return render(
        request,
        "performance/contract.html",
        {
            "contract": contract,
            "party": party,
            "sections": sections,
            "warning": rules.kpi_warning(contract.value_excl_vat, len(sections)),
            "ratings": ratings,
            "rating_label": reporting.rating_label,
            "assessment_due_by": reporting.assessment_due_by(contract, ratings),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def contract_csv(request, contract_id):
    contract, _ = access.get_contract(request.user, contract_id)
    rows = reporting.csv_rows(reporting.contract_sections(contract, charts=False))
    return csv_response(f"{contract.reference}-kpis.csv", reporting.CSV_HEADER, rows)


def _kpi_form(request, *, title, caption, back, define):
    form = KpiForm(posted(request))
    context = {"title": title, "caption": caption, "back": back, "form": form, "button": "Set the KPI"}
    if request.method == "POST" and form.is_valid():
        try:
            define(form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(request, "form_page.html", context, status=exc.status)
        messages.success(request, f"The KPI ‘{form.cleaned_data['name']}’ is set.")
        return redirect(back)
    return render_form(request, "form_page.html", context, invalid=bool(form.errors))


@login_required
@require_http_methods(["GET", "POST"])
def new_contract_kpi(request, contract_id):
    contract = access.get_contract_for_buyer(request.user, contract_id)
    return _kpi_form(
        request,
        title="Set a KPI for this contract",
        caption=f"{contract.reference}: {contract.title}",
        back=reverse("performance:contract", args=[contract.pk]),
        define=lambda data: actions.define_kpi(by=request.user, contract=contract, request=request, **data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_framework_kpi(request, framework_id):
    framework = access.get_framework_for_owner(request.user, framework_id)
    return _kpi_form(
        request,
        title="Set a KPI for every call-off under this framework",
        caption=f"{framework.reference}: {framework.title}",
        back=reverse("performance:framework", args=[framework.pk]),
        define=lambda data: actions.define_kpi(by=request.user, framework=framework, request=request, **data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request, contract_id, kpi_id):
    contract = access.get_contract_for_supplier(request.user, contract_id)
    kpi = access.get_kpi_for_contract(contract, kpi_id)
    periods = actions.reportable_periods(kpi, contract)
    reported = {r.period_start: r for r in KpiReport.objects.filter(kpi=kpi, contract=contract)}
    initial = {"period": request.GET.get("period", "")}
    chosen = reported.get(next((p.starts_on for p in periods if p.key == initial["period"]), None))
    if chosen is not None:
        initial |= {"value": chosen.value, "comment": chosen.comment}
    form = ReportForm(posted(request), periods=periods, reported=reported, initial=initial)
    form.fields["value"].label = f"Value ({kpi.unit})"
    back = reverse("performance:contract", args=[contract.pk])
    context = {
        "title": f"Report {kpi.name}",
        "caption": f"{contract.reference}: {contract.title}",
        "intro": f"Target: {kpi.target_label}, reported {kpi.get_period_display().lower()}. "
        + (kpi.description or ""),
        "back": back,
        "form": form,
        "button": "Send the report",
    }
    if not periods:
        context["intro"] += " No period has ended yet: the first can be reported from its last day."
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        try:
            _, created = actions.report_kpi(
                contract,
                kpi,
                period_start=period.starts_on,
                value=form.cleaned_data["value"],
                comment=form.cleaned_data["comment"],
                by=request.user,
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(request, "form_page.html", context, status=exc.status)
        verb = "reported" if created else "corrected"
        messages.success(request, f"{kpi.name} for {period.label} is {verb}.")
        return redirect(back)
    return render_form(request, "form_page.html", context, invalid=bool(form.errors))


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, contract_id):
    contract = access.get_contract_for_buyer(request.user, contract_id)
    form = RatingForm(posted(request), periods=actions.rating_periods(contract))
    back = reverse("performance:contract", args=[contract.pk])
    context = {
        "title": "Rate the supplier’s performance",
        "caption": f"{contract.reference}: {contract.title} ({contract.supplier.name})",
        "intro": "Rate a quarter or a financial year once it has ended. Rating a period again replaces "
        "the earlier rating. Performance must be assessed at least once every 12 months "
        "(Procurement Act 2023 s.71).",
        "back": back,
        "form": form,
        "button": "Save the rating",
    }
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        try:
            actions.rate_performance(
                contract,
                period_kind=period.kind,
                period_start=period.starts_on,
                rating=form.cleaned_data["rating"],
                feedback=form.cleaned_data["feedback"],
                by=request.user,
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(request, "form_page.html", context, status=exc.status)
        messages.success(request, f"Your rating for {period.label} is saved.")
        return redirect(back)
    return render_form(request, "form_page.html", context, invalid=bool(form.errors))


def _framework_context(request, framework_id):
    framework = access.get_framework_for_owner(request.user, framework_id)
    contracts = list(framework.call_offs.select_related("buyer", "supplier").order_by("reference"))
    return framework, contracts


@login_required
@require_GET
def framework(request, framework_id):
    framework, contracts = _framework_context(request, framework_id)
    ratings = reporting.ratings_by_contract(contracts)
    latest = [(c, ratings[c.pk][0] if ratings[c.pk] else None) for c in contracts]
    return render(
        request,
        "performance/framework.html",
        {
            "framework": framework,
            "contracts": contracts,
            "sections": reporting.framework_sections(framework, contracts),
            "latest": latest,
            "rating_label": reporting.rating_label,
            "ratings_chart": reporting.rating_counts_chart(
                f"Latest ratings: {framework.reference}", [r for _, r in latest if r is not None]
            ),
        },
    )


@login_required
@require_GET
def framework_csv(request, framework_id):
    framework, contracts = _framework_context(request, framework_id)
    sections = reporting.sections_by_contract(contracts, charts=False)
    rows = reporting.csv_rows([s for c in contracts for s in sections[c.pk]])
    return csv_response(f"{framework.reference}-kpis.csv", reporting.CSV_HEADER, rows)


@login_required
@require_GET
def supplier(request, supplier_id):
    supplier, contracts = access.get_supplier_contracts(request.user, supplier_id)
    sections, ratings = reporting.sections_by_contract(contracts), reporting.ratings_by_contract(contracts)
    return render(
        request,
        "performance/supplier.html",
        {
            "supplier": supplier,
            "contracts": [(c, sections[c.pk], ratings[c.pk]) for c in contracts],
            "rating_label": reporting.rating_label,
        },
    )


@login_required
@require_GET
def supplier_csv(request, supplier_id):
    supplier, contracts = access.get_supplier_contracts(request.user, supplier_id)
    sections = reporting.sections_by_contract(contracts, charts=False)
    rows = reporting.csv_rows([s for c in contracts for s in sections[c.pk]])
    return csv_response(f"supplier-{supplier.pk}-kpis.csv", reporting.CSV_HEADER, rows)
