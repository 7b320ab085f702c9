"""Framework pages: the public register of frameworks, the owner's set-up and supplier management,
and an authority's call-offs (further competition or direct award). Thin: fetch through access,
validate, call one action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods, require_POST

from tenderbox.frameworks import access, actions, forms, rules
from tenderbox.frameworks.models import Appointment, Framework
from tenderbox.lib.errors import Conflict, DomainError
from tenderbox.lib.views import posted, render_form, uploaded
from tenderbox.tenders.access import buyer_memberships


# Public -------------------------------------------------------------------------------------
def framework_list(request):
    frameworks = Framework.objects.public().select_related("owner").order_by("-starts_on")
    # An authority's buyers set up and run their own frameworks from here.
    is_buyer = buyer_memberships(request.user).exists()
    return render(request, "frameworks/list.html", {"frameworks": frameworks, "is_buyer": is_buyer})


def framework_page(request, reference):
    framework = access.get_public_framework(reference)
    framework = actions.apply_clock(framework)
    lots = framework.lots.prefetch_related("cpv_codes")
    appointments = (
        Appointment.objects.filter(lot__framework=framework)
        .exclude(status=Appointment.Status.REMOVED)
        .select_related("supplier", "lot")
        .order_by("lot__number", "supplier__name")
    )
    authorities = [m.organisation for m in buyer_memberships(request.user)]
    eligible = [a for a in authorities if actions.is_eligible(framework, a)]
    # A buyer whose authority may not use it is told so, rather than left looking for the buttons.
    ineligible = [a for a in authorities if a not in eligible]
    return render(
        request,
        "frameworks/public.html",
        {
            "framework": framework,
            "lots": lots,
            "appointments": appointments,
            "documents": framework.documents.all(),
            "eligible_authorities": eligible,
            "ineligible_authorities": ineligible,
            "rules": framework.eligibility_rules.all(),
            "named": framework.named_authorities.all(),
        },
    )


def document(request, reference, document_id):
    framework = access.get_public_framework(reference)
    doc = framework.documents.filter(pk=document_id).first()
    if doc is None:
        from django.http import Http404

        raise Http404("No such document.")
    with doc.file.open("rb") as fh:
        response = HttpResponse(fh.read(), content_type=doc.content_type)
    response["Content-Disposition"] = f'attachment; filename="{doc.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Owners -------------------------------------------------------------------------------------
@login_required
def owned(request):
    return render(
        request,
        "frameworks/owned.html",
        {
            "memberships": list(buyer_memberships(request.user)),
            "frameworks": access.frameworks_for_owner(request.user).select_related("owner"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_framework(request, org_id):
    owner = access.get_authority_for_buyer(request.user, org_id)
    form = forms.FrameworkForm(posted(request), owner=owner)
    context = {"form": form, "title": "Set up a framework", "caption": owner.name, "button": "Save draft"}
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            data["procurement"] = data.pop("procurement_reference")
            framework = actions.create_framework(owner=owner, by=request.user, request=request, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(request, "form_page.html", context, status=exc.status)
        messages.success(request, f"Draft {framework.reference} saved.")
        return redirect("frameworks:manage", framework.pk)
    return render_form(request, "form_page.html", context, invalid=bool(form.errors))


@login_required
def manage(request, framework_id):
    framework = actions.apply_clock(access.get_framework_for_owner(request.user, framework_id))
    appointments = (
        Appointment.objects.filter(lot__framework=framework)
        .select_related("supplier", "lot")
        .order_by("lot__number", "supplier__name")
    )
    return render(
        request,
        "frameworks/manage.html",
        {
            "framework": framework,
            "lots": framework.lots.prefetch_related("cpv_codes"),
            "appointments": appointments,
            "documents": framework.documents.all(),
            "rules": framework.eligibility_rules.all(),
            "named": framework.named_authorities.all(),
            "call_offs": framework.call_offs.select_related("buyer", "supplier", "framework_lot"),
            "competitions": framework_competitions(framework),
        },
    )


def framework_competitions(framework):
    from tenderbox.tenders.models import Procurement

    return (
        Procurement.objects.filter(framework_lot__framework=framework)
        .exclude(status=Procurement.Status.DRAFT)
        .select_related("buyer", "framework_lot")
    )


def _owner_form(request, framework_id, form_class, *, title, button, apply, intro=None, files=False):
    """An owner's form: fetch through access, validate, apply one action, back to the framework."""
    framework = access.get_framework_for_owner(request.user, framework_id)
    form = form_class(posted(request), uploaded(request)) if files else form_class(posted(request))
    context = {
        "form": form,
        "title": title,
        "caption": f"{framework.reference} {framework.title}",
        "button": button,
        "intro": intro,
        "back": f"/managing/frameworks/{framework.pk}/",
    }
    if request.method == "POST" and form.is_valid():
        try:
            apply(framework, form)
        except actions.ImportRefused as exc:
            context["problems"] = exc.problems
            form.add_error("file", exc.message)  # the summary links to the file to choose again
            return render(request, "frameworks/import.html", context, status=400)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(request, "form_page.html", context, status=exc.status)
        return redirect("frameworks:manage", framework.pk)
    template = "frameworks/import.html" if form_class is forms.ImportForm else "form_page.html"
    return render_form(request, template, context, invalid=bool(form.errors))


@login_required
@require_http_methods(["GET", "POST"])
def add_lot(request, framework_id):
    def apply(framework, form):
        data = dict(form.cleaned_data)
        code = data.pop("cpv_code")
        lot = actions.add_lot(framework, by=request.user, cpv_codes=[code], request=request, **data)
        messages.success(request, f"{lot.title} added as lot {lot.number}.")

    return _owner_form(request, framework_id, forms.LotForm, title="Add a lot", button="Add lot", apply=apply)


@login_required
@require_http_methods(["GET", "POST"])
def eligibility(request, framework_id):
    def apply(framework, form):
        actions.set_eligibility(
            framework,
            by=request.user,
            named=form.cleaned_data["named"],
            descriptions=form.descriptions(),
            request=request,
        )

    return _owner_form(
        request,
        framework_id,
        forms.EligibilityForm,
        title="Who may use the framework",
        button="Save",
        apply=apply,
        intro="Only the authorities named or described may call off from it (PA23 s.45).",
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_document(request, framework_id):
    def apply(framework, form):
        actions.add_document(
            framework,
            form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            by=request.user,
            request=request,
        )

    return _owner_form(
        request,
        framework_id,
        forms.DocumentForm,
        title="Add a call-off terms document",
        button="Upload",
        apply=apply,
        files=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_suppliers(request, framework_id):
    def apply(framework, form):
        data = form.cleaned_data["file"].read(2 * 1024 * 1024 + 1)
        if len(data) > 2 * 1024 * 1024:
            raise DomainError("The file is larger than 2 MB: split it into smaller files.")
        made = actions.import_appointments(
            framework, data, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(request, f"{len(made)} supplier{pluralize(len(made))} appointed.")

    return _owner_form(
        request,
        framework_id,
        forms.ImportForm,
        title="Import appointed suppliers",
        button="Import",
        apply=apply,
        files=True,
        intro="For a framework let outside Tenderbox. The whole file is checked first: if any row has a "
        "problem, nothing is imported.",
    )


@login_required
@require_POST
def go_live(request, framework_id):
    framework = access.get_framework_for_owner(request.user, framework_id)
    actions.go_live(framework, by=request.user, request=request)
    messages.success(request, f"{framework.reference} is live.")
    return redirect("frameworks:manage", framework.pk)


@login_required
@require_POST
def appoint_from_award(request, framework_id):
    framework = access.get_framework_for_owner(request.user, framework_id)
    made = actions.appoint_from_award(framework, by=request.user, request=request)
    messages.success(request, f"{len(made)} supplier{pluralize(len(made))} appointed from the award.")
    return redirect("frameworks:manage", framework.pk)


@login_required
@require_http_methods(["GET", "POST"])
def change_appointment(request, framework_id, appointment_id, verb):
    appointment = access.get_appointment_for_owner(request.user, framework_id, appointment_id)
    if verb not in ("suspend", "reinstate", "remove"):
        from django.http import Http404

        raise Http404("No such action.")
    # A move the appointment cannot make is refused before the reason is asked for (409).
    target = {"suspend": "suspended", "reinstate": "active", "remove": "removed"}[verb]
    if target not in Appointment.TRANSITIONS[Appointment.Status(appointment.status)]:
        now = {"active": "active on", "suspended": "suspended from", "removed": "removed from"}
        raise Conflict(
            f"{appointment.supplier.name} is {now[appointment.status]} lot {appointment.lot.number}, "
            f"so it cannot be {'reinstated' if verb == 'reinstate' else target}."
        )

    def apply(framework, form):
        actions.change_appointment(
            appointment, verb=verb, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
        done = {"suspend": "suspended from", "reinstate": "reinstated on", "remove": "removed from"}[verb]
        messages.success(request, f"{appointment.supplier.name} is {done} lot {appointment.lot.number}.")

    return _owner_form(
        request,
        framework_id,
        forms.ReasonForm,
        title=f"{verb.capitalize()} {appointment.supplier.name} on lot {appointment.lot.number}",
        button=verb.capitalize(),
        apply=apply,
    )


@login_required
@require_http_methods(["GET", "POST"])
def extend(request, framework_id):
    def apply(framework, form):
        actions.extend(
            framework,
            by=request.user,
            new_end=form.cleaned_data["new_end"],
            reason=form.cleaned_data["reason"],
            request=request,
        )

    return _owner_form(
        request, framework_id, forms.ExtendForm, title="Extend the framework", button="Extend", apply=apply
    )


# Calling off --------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def start_competition(request, org_id, lot_id):
    authority, lot = access.get_lot_for_call_off(request.user, org_id, lot_id)
    # Refused before the form is filled in, not after: a lot without this route, a framework not yet
    # in its term or expired (409 with the reason, by the portal's DomainError page).
    actions.check_call_off(lot, authority, route=rules.FURTHER_COMPETITION)
    form = forms.CompetitionForm(posted(request))
    context = {
        "form": form,
        "title": f"Start a further competition under lot {lot.number}",
        "caption": f"{lot.framework.reference} {lot.framework.title}: {lot.title}",
        "button": "Save draft",
        "intro": f"Only the lot's active appointed suppliers are invited when you publish. The framework's "
        f"minimum period for further competitions is {lot.framework.call_off_minimum_days} days.",
        "back": f"/frameworks/{lot.framework.reference}/",
    }
    if request.method == "POST" and form.is_valid():
        try:
            procurement = actions.start_further_competition(
                lot, authority=authority, by=request.user, request=request, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(request, "form_page.html", context, status=exc.status)
        messages.success(
            request, f"Draft {procurement.reference} saved: add the timetable, criteria and documents."
        )
        return redirect("tenders:manage", procurement.pk)
    return render_form(request, "form_page.html", context, invalid=bool(form.errors))


@login_required
@require_http_methods(["GET", "POST"])
def direct_award(request, org_id, lot_id):
    authority, lot = access.get_lot_for_call_off(request.user, org_id, lot_id)
    actions.check_call_off(lot, authority, route=rules.DIRECT_AWARD)
    form = forms.DirectAwardForm(
        posted(request),
        lot=lot,
        initial={"delivery_postcode": authority.postcode, "delivery_region": authority.region},
    )
    context = {
        "form": form,
        "title": f"Direct award under lot {lot.number}",
        "caption": f"{lot.framework.reference} {lot.framework.title}: {lot.title}",
        "button": "Award the call-off contract",
        "intro": f"The framework's direct-award criteria: {lot.direct_award_criteria}",
        "back": f"/frameworks/{lot.framework.reference}/",
    }
    if request.method == "POST" and form.is_valid():
        try:
            contract = actions.direct_award(
                lot, authority=authority, by=request.user, request=request, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(request, "form_page.html", context, status=exc.status)
        messages.success(request, f"Call-off contract {contract.reference} awarded.")
        return redirect("contracts:detail", contract.pk)
    return render_form(request, "form_page.html", context, invalid=bool(form.errors))
