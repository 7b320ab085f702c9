"""Opportunity alert pages, and the one-click unsubscribe link in every alert email."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from tenderbox.lib.views import posted, render_form
from tenderbox.notifications import actions
from tenderbox.notifications.alerts import subscription_from_token
from tenderbox.notifications.forms import AlertForm


@login_required
@require_http_methods(["GET", "POST"])
def alerts(request):
    form = AlertForm(posted(request))
    if request.method == "POST" and form.is_valid():
        actions.create_alert(request.user, **form.cleaned_data)
        messages.success(request, "Your alert is set up.")
        return redirect("notifications:alerts")
    subscriptions = request.user.alerts.filter(active=True).prefetch_related("cpv_codes")
    return render_form(
        request,
        "notifications/alerts.html",
        {"form": form, "subscriptions": subscriptions},
        invalid=bool(form.errors),
    )


@login_required
@require_POST
def stop(request, subscription_id):
    subscription = request.user.alerts.filter(pk=subscription_id, active=True).first()
    if subscription is None:
        raise Http404("No such alert.")
    actions.stop_alert(subscription)
    messages.success(request, f"The alert “{subscription.name}” is stopped.")
    return redirect("notifications:alerts")


@csrf_exempt  # the signed token is the credential; mail clients POST here for one-click (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscription = subscription_from_token(token)
    if subscription is None:
        return render(
            request,
            "portal/error.html",
            {"title": "This link does not work", "text": "Sign in to manage your alerts."},
            status=400,
        )
    if request.method == "POST":
        actions.stop_alert(subscription)
        return render(request, "notifications/unsubscribed.html", {"subscription": subscription})
    return render(request, "notifications/unsubscribe.html", {"subscription": subscription})
