"""Pages for data requests: "Your data" for signed-in people, the public form, the emailed links,
the single-use download, and the privacy officer's queue. Thin: each POST calls one workflow of
privacy/requests.py and shows a refusal on the page it came from."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tenderbox.lib.errors import DomainError
from tenderbox.lib.ratelimit import limit_posts
from tenderbox.lib.uploads import check_upload
from tenderbox.lib.views import posted, render_form, uploaded
from tenderbox.privacy import requests, rules
from tenderbox.privacy.forms import PublicRequestForm, YourDataRequestForm
from tenderbox.privacy.models import RequestPause, Restriction, SubjectRequest


def _default_nation(user) -> str:
    membership = user.memberships.select_related("organisation").first()
    return rules.nation_of_region(membership.organisation.region if membership else "").value


@login_required
@require_http_methods(["GET", "POST"])
def your_data(request):
    """What we hold and the rights the person has, with the form to use them."""
    user = request.user
    form = YourDataRequestForm(posted(request), user=user, initial={"nation": _default_nation(user)})
    context = {
        "form": form,
        "requests": SubjectRequest.objects.filter(user=user).order_by("-received_at"),
        "restricted": Restriction.objects.filter(user=user, lifted_at=None).first(),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = requests.make_request(
                kind=data["kind"],
                user=user,
                subject_name=user.full_name,
                subject_email=user.email,
                details=data["details"],
                objection_purpose=data["objection_purpose"],
                nation=data["nation"],
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(request, "privacy/your_data.html", context, status=exc.status)
        if req.kind in (SubjectRequest.Kind.ACCESS, SubjectRequest.Kind.PORTABILITY) and not (
            requests.possible_repeat(req)
        ):
            # Verified by the password just typed, and free: answered without undue delay (Art. 12(3)).
            # A possible repeat waits for the officer, who may charge a fee or refuse with reasons.
            requests.fulfil_access(req, by=None, request=request)
            messages.success(request, "Your data is ready: we have emailed you a link to download it.")
        else:
            messages.success(request, f"We have your request {req.reference}.")
        return redirect("privacy:request", req.reference)
    return render_form(request, "privacy/your_data.html", context, invalid=bool(form.errors))


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request, reference):
    """A signed-in person's own request: where it is, when it is due, what was done; they may
    withdraw it while it is open."""
    req = SubjectRequest.objects.filter(reference=reference, user=request.user).first()
    if req is None:
        raise Http404("No such request.")
    context = {"req": req, "due": requests.due_on(req), "notices": req.recipient_notices.all()}
    if request.method == "POST":
        try:
            if request.POST.get("action") != "withdraw":
                raise DomainError("Choose what to do with the request.")
            requests.withdraw(req, by=request.user, request=request)
        except DomainError as exc:
            return render(
                request, "privacy/request.html", {**context, "error": exc.message}, status=exc.status
            )
        messages.success(request, "Your request is withdrawn.")
        return redirect("privacy:request", req.reference)
    return render(request, "privacy/request.html", context)


@limit_posts("subject-request", per_ip=10, window=3600)
@require_http_methods(["GET", "POST"])
def public_request(request):
    """For someone without an account, or acting for someone else."""
    form = PublicRequestForm(posted(request), uploaded(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        acting = data["acting"] == "other"
        try:
            authority = check_upload(data["authority"]) if acting else None
            req = requests.make_request(
                kind=data["kind"],
                subject_name=data["subject_name"],
                subject_email=data["subject_email"],
                representative_name=data["representative_name"] if acting else "",
                representative_email=data["representative_email"] if acting else "",
                authority=authority,
                details=data["details"],
                objection_purpose=data["objection_purpose"],
                nation=data["nation"],
                request=request,
            )
        except DomainError as exc:
            form.add_error("authority" if acting and "file" in exc.message.lower() else None, exc.message)
            return render(request, "form_page.html", _public_context(form), status=exc.status)
        return render(request, "privacy/request_check_email.html", {"email": req.reply_to})
    return render_form(request, "form_page.html", _public_context(form), invalid=bool(form.errors))


def _public_context(form) -> dict:
    return {
        "form": form,
        "title": "Ask about your data",
        "button": "Send request",
        "intro": "Use this form if you have no Tenderbox account, or you act for someone else (with their "
        "written authority). If you have an account, sign in and use Your data instead. We email a link to "
        "confirm the address, then check the request before we release anything.",
    }


def confirm_email(request, token):
    try:
        req = requests.confirm_email(token, request=request)
    except DomainError as exc:
        return render(
            request,
            "portal/error.html",
            {"title": "This link does not work", "text": exc.message},
            status=400,
        )
    return render(request, "privacy/request_confirmed.html", {"req": req})


@require_http_methods(["GET", "POST"])
def download(request, token):
    """GET shows a button (mail scanners that open links must not use up the single use); POST hands
    over the zip once."""
    if request.method == "GET":
        return render(request, "privacy/download.html")
    try:
        record, content = requests.use_download(token, request=request)
    except DomainError as exc:
        return render(
            request,
            "portal/error.html",
            {"title": "This download link does not work", "text": exc.message},
            status=exc.status,
        )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="tenderbox-data-{record.request.reference}.zip"'
    response["Cache-Control"] = "no-store"
    return response


# The privacy officer ------------------------------------------------------------------------------
def _officer_only(user):
    if not user.is_staff:
        raise PermissionDenied("Only Tenderbox's privacy officer handles data requests.")


@login_required
def officer_queue(request):
    _officer_only(request.user)
    return render(request, "privacy/officer_queue.html", {"rows": requests.queue()})


def _officer_context(req):
    from tenderbox.accounts.screening import RULES

    screening = getattr(req.user, "screening", None) if req.user else None
    return {
        "req": req,
        "due": requests.due_on(req),
        "first_month_due": requests.first_month_due(req),
        "state": rules.clock_state(requests.due_on(req), timezone.localdate()),
        "pauses": req.pauses.all(),
        "evidence": req.evidence.all(),
        "notices": req.recipient_notices.all(),
        "repeat": requests.possible_repeat(req),
        "screening": screening,
        "screening_reasons": [RULES[c].explanation for c in screening.rule_codes() if c in RULES]
        if screening
        else [],
        "fee_grounds": list(rules.FeeGround),
        "pause_reasons": [RequestPause.Reason.CLARIFICATION, RequestPause.Reason.IDENTITY],
    }


def _money(text: str) -> Decimal:
    try:
        return Decimal((text or "").strip().lstrip("£"))
    except InvalidOperation:
        raise DomainError("Enter the fee in pounds and pence, like 25.00.") from None


def _months(text: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise DomainError("Choose an extension of 1 or 2 months.") from None


def _act(req, action: str, post, by, request):
    """Run one officer action; unknown actions are a 400."""
    r = requests
    if action == "verify":
        return r.verify(req, by=by, note=post.get("note", ""), request=request)
    if action == "pause":
        return r.pause(
            req, reason=post.get("reason", ""), question=post.get("question", ""), by=by, request=request
        )
    if action == "resume":
        return r.resume(req, by=by, request=request)
    if action == "extend":
        return r.extend(
            req, months=_months(post.get("months")), reasons=post.get("reasons", ""), by=by, request=request
        )
    if action == "fee":
        amount = _money(post.get("amount", ""))
        return r.ask_fee(
            req,
            ground=post.get("ground", ""),
            amount=amount,
            reason=post.get("reason", ""),
            by=by,
            request=request,
        )
    if action == "fee_paid":
        return r.fee_paid(req, by=by, request=request)
    if action == "refuse":
        return r.refuse(req, reason=post.get("reason", ""), by=by, request=request)
    if action == "withdraw":
        return r.withdraw(req, by=by, request=request)
    if action == "fulfil":
        kind = req.kind
        if kind in (SubjectRequest.Kind.ACCESS, SubjectRequest.Kind.PORTABILITY):
            return r.fulfil_access(req, by=by, request=request)
        if kind == SubjectRequest.Kind.ERASURE:
            return r.fulfil_erasure(req, by=by, request=request)
        if kind == SubjectRequest.Kind.RESTRICTION:
            return r.fulfil_restriction(req, by=by, request=request)
        if kind == SubjectRequest.Kind.OBJECTION:
            return r.fulfil_objection(req, by=by, request=request)
        if kind == SubjectRequest.Kind.RECTIFICATION:
            changes = {name: post.get(name, "") for name in r.RECTIFIABLE}
            return r.fulfil_rectification(
                req, by=by, changes=changes, note=post.get("note", ""), request=request
            )
        if kind == SubjectRequest.Kind.HUMAN_REVIEW:
            decision = post.get("decision")
            if decision not in ("clear", "refuse"):
                raise DomainError("Choose to clear or refuse the account.")
            return r.fulfil_human_review(
                req, by=by, clear=decision == "clear", reason=post.get("reason", ""), request=request
            )
    raise DomainError("Choose what to do with the request.")


@login_required
@require_http_methods(["GET", "POST"])
def officer_request(request, pk):
    _officer_only(request.user)
    req = SubjectRequest.objects.select_related("user").filter(pk=pk).first()
    if req is None:
        raise Http404("No such request.")
    if request.method == "POST":
        try:
            _act(req, request.POST.get("action", ""), request.POST, request.user, request)
        except DomainError as exc:
            req.refresh_from_db()
            context = {**_officer_context(req), "error": exc.message}
            return render(request, "privacy/officer_request.html", context, status=exc.status)
        messages.success(request, "Done.")
        return redirect("privacy:officer-request", req.pk)
    return render(request, "privacy/officer_request.html", _officer_context(req))


@login_required
def officer_evidence(request, pk, evidence_id):
    """The officer opens a document sent as proof (deleted once the request is verified)."""
    _officer_only(request.user)
    from tenderbox.audit.chain import record

    req = SubjectRequest.objects.filter(pk=pk).first()
    item = req.evidence.filter(pk=evidence_id).first() if req else None
    if item is None:
        raise Http404("No such document: documents are deleted once the request is verified.")
    record("subject_request.evidence_viewed", actor=request.user, obj=req, request=request)
    response = HttpResponse(item.file.read(), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{item.filename}"'
    response["Cache-Control"] = "no-store"
    return response
