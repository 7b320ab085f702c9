"""Supplier response pages, and the buyer's opening and reading of tenders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tenderbox.lib.errors import DomainError
from tenderbox.submissions import access, actions
from tenderbox.submissions.forms import DocumentUploadForm, ResponseForm
from tenderbox.submissions.models import OpeningApproval
from tenderbox.tenders import access as tender_access


def _respond_url(procurement, supplier):
    return reverse("submissions:respond", args=[procurement.reference, supplier.pk])


def _respond_page(request, procurement, supplier, response, *, status=200, **extra):
    """The response page, shown again with what was refused (form errors or a rule's message)."""
    return render(
        request,
        "submissions/respond.html",
        _response_context(procurement, supplier, response, **extra),
        status=status,
    )


def _response_context(procurement, supplier, response, form=None, **extra):
    content = actions.load_draft(response) if response else None
    versions = list(response.versions.order_by("-number")) if response else []
    return {
        "procurement": procurement,
        "supplier": supplier,
        "response": response,
        "form": form or (ResponseForm(procurement=procurement, content=content) if response else None),
        "upload_form": DocumentUploadForm(),
        "documents": [(d, actions.draft_document_name(d)) for d in response.documents.filter(in_draft=True)]
        if response
        else [],
        "versions": versions,
        "problems": actions.response_problems(procurement, content) if response else [],
        "open": procurement.accepts_tenders(),
        "has_summary": procurement.summaries.filter(supplier=supplier).exists(),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def respond(request, reference, supplier_id):
    procurement, supplier, response = access.get_response_for_supplier(request.user, reference, supplier_id)
    if request.method == "GET":
        return _respond_page(request, procurement, supplier, response)
    try:
        if response is None:
            actions.start_response(procurement, supplier, by=request.user, request=request)
            return redirect(_respond_url(procurement, supplier))
        content = actions.load_draft(response)
        form = ResponseForm(request.POST, procurement=procurement, content=content)
        if not form.is_valid():
            return _respond_page(request, procurement, supplier, response, status=400, form=form)
        actions.save_draft(
            response,
            form.content(content),
            by=request.user,
            update_profile=form.cleaned_data["update_profile"],
        )
        if request.POST.get("action") == "submit":
            version = actions.submit(
                response,
                by=request.user,
                idempotency_key=form.cleaned_data["idempotency_key"],
                request=request,
            )
            return redirect("submissions:receipt", reference, supplier.pk, version.pk)
    except DomainError as exc:
        return _respond_page(request, procurement, supplier, response, status=exc.status, error=exc.message)
    messages.success(request, "Your draft is saved. Only your organisation can see it.")
    return redirect(_respond_url(procurement, supplier))


@login_required
@require_POST
def upload(request, reference, supplier_id):
    procurement, supplier, response = access.get_response_for_supplier(request.user, reference, supplier_id)
    if response is None:
        raise Http404("Start your response first.")
    form = DocumentUploadForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise DomainError("Select a file to attach.")
        actions.attach_document(response, form.cleaned_data["file"], by=request.user, request=request)
    except DomainError as exc:
        return _respond_page(
            request, procurement, supplier, response, status=exc.status, upload_error=exc.message
        )
    messages.success(request, "The document is attached to your draft.")
    return redirect(_respond_url(procurement, supplier))


@login_required
@require_POST
def remove_document(request, reference, supplier_id, document_id):
    document = access.get_own_document(request.user, reference, supplier_id, document_id)
    try:
        actions.detach_document(document, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("submissions:respond", reference, supplier_id)


@login_required
def own_document(request, reference, supplier_id, document_id):
    document = access.get_own_document(request.user, reference, supplier_id, document_id)
    return _attachment(
        actions.draft_document_content(document), actions.draft_document_name(document), document.content_type
    )


def _attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    from tenderbox.lib.uploads import safe_filename

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def receipt(request, reference, supplier_id, version_id):
    procurement, supplier, response = access.get_response_for_supplier(request.user, reference, supplier_id)
    version = (
        response.versions.filter(pk=version_id).first() if response and access._is_uuid(version_id) else None
    )
    if version is None:
        raise Http404("No such receipt.")
    return render(
        request,
        "submissions/receipt.html",
        {"procurement": procurement, "supplier": supplier, "version": version},
    )


@login_required
@require_POST
def withdraw(request, reference, supplier_id):
    procurement, supplier, response = access.get_response_for_supplier(request.user, reference, supplier_id)
    if response is None:
        raise Http404("No response to withdraw.")
    try:
        actions.withdraw(response, by=request.user, request=request)
    except DomainError as exc:
        return _respond_page(request, procurement, supplier, response, status=exc.status, error=exc.message)
    messages.success(request, "Your tender is withdrawn. You can submit again before the deadline.")
    return redirect(_respond_url(procurement, supplier))


# Buyers -------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def opening(request, procurement_id):
    procurement = tender_access.get_procurement_for_buyer(request.user, procurement_id)
    context = {"procurement": procurement}
    if request.method == "POST":
        access.require_buyer_staff(request.user, procurement)
        try:
            procurement = actions.approve_opening(procurement, by=request.user, request=request)
        except DomainError as exc:
            context["error"] = exc.message
            context["approvals"] = OpeningApproval.objects.filter(procurement=procurement).select_related(
                "approved_by"
            )
            return render(request, "submissions/opening.html", context, status=exc.status)
        if actions.is_opened(procurement):
            messages.success(request, "The tenders are open.")
            return redirect("submissions:tenders", procurement.pk)
        messages.success(
            request, "Your approval is recorded. A second buyer must approve to open the tenders."
        )
        return redirect("submissions:opening", procurement.pk)
    context["approvals"] = OpeningApproval.objects.filter(procurement=procurement).select_related(
        "approved_by"
    )
    return render(request, "submissions/opening.html", context)


@login_required
def tenders(request, procurement_id):
    procurement = access.get_opened_procurement_for_buyer(request.user, procurement_id)
    return render(
        request,
        "submissions/tenders.html",
        {"procurement": procurement, "versions": actions.counting_versions(procurement)},
    )


@login_required
def tender(request, procurement_id, version_id):
    version = access.get_version_for_buyer(request.user, procurement_id, version_id)
    content = actions.read_version(version)
    procurement = version.response.procurement
    return render(
        request,
        "submissions/tender.html",
        {
            "procurement": procurement,
            "version": version,
            "content": content,
            "lots": {str(lot.pk): lot for lot in procurement.lots.all()},
            "questions": {str(q.pk): q for q in procurement.selection_questions.all()},
            "criteria": {str(c.pk): c for c in procurement.criteria.all()},
        },
    )


@login_required
def tender_document(request, procurement_id, version_id, document_id):
    version = access.get_version_for_buyer(request.user, procurement_id, version_id)
    try:
        entry, data = actions.read_version_document(version, str(document_id))
    except DomainError:
        raise Http404("No such document.") from None
    return _attachment(data, entry["filename"], entry["content_type"])


# Supplier profile ---------------------------------------------------------------------------
def _profile_context(supplier, form=None, upload_form=None, **extra):
    from tenderbox.submissions.forms import ProfileDocumentForm, ProfileForm

    profile = actions.profile_for(supplier)
    initial = {name: getattr(profile, name) for name in profile.PREFILL_FIELDS}
    initial["declarations"] = profile.declarations_confirmed_at is not None
    return {
        "supplier": supplier,
        "profile": profile,
        "form": form or ProfileForm(initial=initial),
        "upload_form": upload_form or ProfileDocumentForm(),
        "documents": supplier.profile_documents.all(),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def profile(request, org_id):
    from tenderbox.submissions.forms import ProfileForm

    supplier = tender_access.get_supplier_for_user(request.user, org_id)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if not form.is_valid():
            return render(
                request, "submissions/profile.html", _profile_context(supplier, form=form), status=400
            )
        data = dict(form.cleaned_data)
        actions.save_profile(
            supplier, data, declarations=data.pop("declarations"), by=request.user, request=request
        )
        messages.success(request, "Your profile is saved. New responses start from it.")
        return redirect("submissions:profile", supplier.pk)
    return render(request, "submissions/profile.html", _profile_context(supplier))


@login_required
@require_POST
def profile_document(request, org_id):
    from tenderbox.submissions.forms import ProfileDocumentForm

    supplier = tender_access.get_supplier_for_user(request.user, org_id)
    form = ProfileDocumentForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise DomainError("Choose the kind of document and select a file.")
        actions.add_profile_document(
            supplier,
            form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
            by=request.user,
            request=request,
        )
    except DomainError as exc:
        return render(
            request,
            "submissions/profile.html",
            _profile_context(supplier, upload_form=form, upload_error=exc.message),
            status=exc.status,
        )
    return redirect("submissions:profile", supplier.pk)


@login_required
@require_POST
def remove_profile_document(request, org_id, document_id):
    supplier = tender_access.get_supplier_for_user(request.user, org_id)
    document = (
        supplier.profile_documents.filter(pk=document_id).first() if access._is_uuid(document_id) else None
    )
    if document is None:
        raise Http404("No such document.")
    actions.remove_profile_document(document, by=request.user, request=request)
    return redirect("submissions:profile", supplier.pk)
