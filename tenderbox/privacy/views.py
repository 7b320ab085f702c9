"""Marketing consent: given and withdrawn as easily, from the account or one click in any email."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tenderbox.lib.ratelimit import limit_posts
from tenderbox.privacy import actions
from tenderbox.privacy.checks import has_marketing_consent
from tenderbox.privacy.models import MARKETING_CONSENT_WORDING


@login_required
@require_http_methods(["GET", "POST"])
def marketing(request):
    if request.method == "POST":
        choice = request.POST.get("marketing")
        if choice == "yes":
            actions.give_marketing_consent(request.user, source="account page", request=request)
            messages.success(request, "You will get news of Tenderbox's own services.")
        elif choice == "no":
            actions.withdraw_marketing_consent(request.user, via="account page", request=request)
            messages.success(request, "You will get no more marketing emails.")
        else:
            return render(
                request,
                "privacy/marketing.html",
                {
                    "consented": has_marketing_consent(request.user),
                    "wording": MARKETING_CONSENT_WORDING,
                    "error": "Select yes or no",
                },
                status=400,
            )
        return redirect("accounts:dashboard")
    return render(
        request,
        "privacy/marketing.html",
        {"consented": has_marketing_consent(request.user), "wording": MARKETING_CONSENT_WORDING},
    )


@csrf_exempt  # the signed token is the credential; mail clients POST here for one-click (RFC 8058)
@require_http_methods(["GET", "POST"])
def marketing_unsubscribe(request, token):
    user = actions.user_from_marketing_token(token)
    if user is None:
        return render(
            request,
            "portal/error.html",
            {"title": "This link does not work", "text": "Sign in to change your email choices."},
            status=400,
        )
    if request.method == "POST":
        actions.withdraw_marketing_consent(user, via="email unsubscribe link", request=request)
        return render(request, "privacy/unsubscribed.html")
    return render(request, "privacy/unsubscribe.html")


@limit_posts("complaint", per_ip=10, window=3600)
@require_http_methods(["GET", "POST"])
def complaint(request):
    from tenderbox.lib.views import posted, render_form
    from tenderbox.privacy.forms import ComplaintForm

    initial = (
        {"name": request.user.full_name, "email": request.user.email}
        if request.user.is_authenticated
        else None
    )
    form = ComplaintForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.submit_complaint(user=request.user, request=request, **form.cleaned_data)
        return render(request, "privacy/complaint_received.html")
    return render_form(
        request,
        "form_page.html",
        {
            "form": form,
            "title": "Complain about how we handle your data",
            "button": "Send complaint",
            "intro": "We acknowledge every complaint and tell you the outcome. You can also complain to the "
            "Information Commissioner's Office at ico.org.uk.",
        },
        invalid=bool(form.errors),
    )
