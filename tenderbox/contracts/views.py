"""Contract pages: the list of a person's contracts, one contract with its changes, spend and KPIs,
and the buyer's changes. Thin: fetch through access, validate, call one action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tenderbox.contracts import access, actions, forms
from tenderbox.contracts.models import Contract
from tenderbox.lib.errors import DomainError
from tenderbox.lib.views import posted, render_form


@login_required
def contract_list(request):
    contracts = access.contracts_for_user(request.user).order_by("-awarded_at")
    return render(request, "contracts/list.html", {"contracts": contracts})


def contract_sections(contract: Contract, user) -> list[tuple[str, dict]]:
    """Sections other apps add to the contract page (spend, KPIs), each a partial and its context,
    each deciding itself who may see it."""
    from tenderbox.performance.views import contract_section as kpi_section
    from tenderbox.spend.views import contract_section as spend_section

    return [*spend_section(contract, user), *kpi_section(contract, user)]


@login_required
def detail(request, contract_id):
    contract = actions.apply_clock(access.get_contract_for_user(request.user, contract_id))
    is_buyer = request.user.memberships.filter(
        organisation_id=contract.buyer_id, role__in=access.BUYER_ROLES
    ).exists()
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "changes": contract.changes.select_related("made_by"),
            "is_buyer": is_buyer,
            "sections": contract_sections(contract, request.user),
        },
    )


def _buyer_form(request, contract_id, form_class, *, title, button, apply):
    contract = access.get_contract_for_buyer(request.user, contract_id)
    form = form_class(posted(request))
    context = {
        "form": form,
        "title": title,
        "caption": f"{contract.reference} {contract.title}",
        "button": button,
        "back": f"/contracts/{contract.pk}/",
    }
    if request.method == "POST" and form.is_valid():
        try:
            apply(contract, form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(request, "form_page.html", context, status=exc.status)
        return redirect("contracts:detail", contract.pk)
    return render_form(request, "form_page.html", context, invalid=bool(form.errors))


@login_required
@require_http_methods(["GET", "POST"])
def change(request, contract_id):
    def apply(contract, data):
        actions.change_contract(contract, by=request.user, request=request, **data)
        messages.success(request, "The change is recorded.")

    return _buyer_form(
        request,
        contract_id,
        forms.ChangeForm,
        title="Vary or extend the contract",
        button="Record the change",
        apply=apply,
    )


@login_required
@require_http_methods(["GET", "POST"])
def terminate(request, contract_id):
    def apply(contract, data):
        actions.terminate(contract, by=request.user, reason=data["reason"], request=request)

    return _buyer_form(
        request,
        contract_id,
        forms.TerminateForm,
        title="End the contract early",
        button="End the contract",
        apply=apply,
    )
