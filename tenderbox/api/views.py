"""Organisation admins manage their API tokens."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tenderbox.api import actions
from tenderbox.api.forms import TokenForm
from tenderbox.lib.views import posted, render_form
from tenderbox.organisations import access


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request, org_id):
    organisation, _ = access.get_organisation_for_admin(request.user, org_id)
    form = TokenForm(posted(request))
    context = {
        "organisation": organisation,
        "form": form,
        "tokens": organisation.api_tokens.select_related("created_by"),
    }
    if request.method == "POST" and form.is_valid():
        token, secret = actions.create_token(
            organisation, by=request.user, request=request, **form.cleaned_data
        )
        return render(
            request,
            "api/token_created.html",
            {"organisation": organisation, "token": token, "secret": secret},
        )
    return render_form(request, "api/tokens.html", context, invalid=bool(form.errors))


@login_required
@require_POST
def revoke(request, org_id, token_id):
    organisation, _ = access.get_organisation_for_admin(request.user, org_id)
    token = organisation.api_tokens.filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    actions.revoke_token(token, by=request.user, request=request)
    return redirect("api-tokens:list", organisation.pk)
