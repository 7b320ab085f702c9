"""Evaluators' pages and the buyer's evaluation, moderation and award pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tenderbox.evaluation import access, actions
from tenderbox.evaluation.forms import (
    AwardForm,
    ContractDatesForm,
    DeclarationForm,
    ModerationForm,
    ScoresForm,
    SelectionForm,
)
from tenderbox.evaluation.models import AssessmentSummary, Assignment, ModeratedScore, Score, SelectionMark
from tenderbox.lib.errors import DomainError
from tenderbox.lib.views import posted, render_form
from tenderbox.organisations.models import Membership
from tenderbox.submissions import access as submission_access
from tenderbox.submissions.actions import counting_versions, is_opened, read_version
from tenderbox.tenders import access as tender_access
from tenderbox.tenders.models import AwardCriterion


# Evaluators ---------------------------------------------------------------------------------
@login_required
def queue(request):
    return render(
        request, "evaluation/queue.html", {"assignments": access.assignments_for_user(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment(request, assignment_id):
    assignment = access.get_assignment(request.user, assignment_id)
    context = {"assignment": assignment, "procurement": assignment.procurement}
    if assignment.status == Assignment.Status.PENDING:
        form = DeclarationForm(posted(request))
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            try:
                actions.declare(
                    assignment,
                    by=request.user,
                    conflict=form.cleaned_data["conflict"] == "yes",
                    text=form.cleaned_data["details"],
                    request=request,
                )
            except DomainError as exc:
                form.add_error("details", exc.message)
                return render(request, "evaluation/assignment.html", context, status=exc.status)
            return redirect("evaluation:assignment", assignment.pk)
        return render_form(request, "evaluation/assignment.html", context, invalid=bool(form.errors))
    if assignment.status == Assignment.Status.CLEARED and is_opened(assignment.procurement):
        mine = set(Score.objects.filter(assignment=assignment).values_list("version_id", flat=True))
        context["versions"] = [(v, v.pk in mine) for v in access.versions_for_assignment(assignment)]
    return render(request, "evaluation/assignment.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def score(request, assignment_id, version_id):
    assignment = access.get_cleared_assignment(request.user, assignment_id)
    version = access.get_version_for_assignment(assignment, version_id)
    criteria = list(assignment.procurement.criteria.filter(kind=AwardCriterion.Kind.QUALITY))
    existing = {s.criterion_id: s for s in Score.objects.filter(assignment=assignment, version=version)}
    form = ScoresForm(posted(request), criteria=criteria, existing=existing)
    context = {
        "assignment": assignment,
        "procurement": assignment.procurement,
        "version": version,
        "content": read_version(version),
        "form": form,
        "criteria": criteria,
    }
    if request.method == "POST" and form.is_valid():
        try:
            for c in criteria:
                value = form.cleaned_data.get(f"score_{c.pk}")
                if value is None or value == "":
                    continue
                actions.score(
                    assignment,
                    version,
                    c,
                    value=value,
                    justification=form.cleaned_data.get(f"justification_{c.pk}", ""),
                    request=request,
                )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "evaluation/score.html", context, status=exc.status)
        messages.success(request, "Your scores are saved.")
        return redirect("evaluation:assignment", assignment.pk)
    return render_form(request, "evaluation/score.html", context, invalid=bool(form.errors))


# Buyers -------------------------------------------------------------------------------------
def _manage_context(procurement, **extra):
    opened = is_opened(procurement)
    versions = counting_versions(procurement) if opened else []
    return {
        "procurement": procurement,
        "assignments": procurement.assignments.select_related("evaluator"),
        "members": Membership.objects.filter(organisation=procurement.buyer).select_related("user"),
        "opened": opened,
        "versions": versions,
        "moderated": set(
            ModeratedScore.objects.filter(version__in=versions).values_list("version_id", flat=True)
        ),
        "marked": set(
            SelectionMark.objects.filter(version__in=versions).values_list("version_id", flat=True)
        ),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def manage(request, procurement_id):
    procurement = tender_access.get_procurement_for_buyer(request.user, procurement_id)
    if request.method == "POST":
        member = Membership.objects.filter(
            organisation=procurement.buyer, user_id=request.POST.get("user")
        ).first()
        if member is None:
            raise Http404("No such member.")
        try:
            actions.assign(procurement, member.user, by=request.user, request=request)
        except DomainError as exc:
            return render(
                request,
                "evaluation/manage.html",
                _manage_context(procurement, error=exc.message),
                status=exc.status,
            )
        messages.success(request, f"{member.user.full_name} is an evaluator.")
        return redirect("evaluation:manage", procurement.pk)
    return render(request, "evaluation/manage.html", _manage_context(procurement))


@login_required
@require_http_methods(["GET", "POST"])
def selection(request, procurement_id, version_id):
    version = submission_access.get_version_for_buyer(request.user, procurement_id, version_id)
    procurement = version.response.procurement
    questions = list(procurement.selection_questions.all())
    existing = {m.question_id: m for m in SelectionMark.objects.filter(version=version)}
    content = read_version(version)
    form = SelectionForm(
        posted(request), questions=questions, answers=content.get("selection", {}), existing=existing
    )
    context = {"procurement": procurement, "version": version, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            for q in questions:
                choice = form.cleaned_data.get(f"pass_{q.pk}")
                if choice:
                    actions.mark_selection(
                        version,
                        q,
                        passed=choice == "yes",
                        reason=form.cleaned_data.get(f"reason_{q.pk}", ""),
                        by=request.user,
                        request=request,
                    )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "evaluation/selection.html", context, status=exc.status)
        return redirect("evaluation:manage", procurement.pk)
    return render_form(request, "evaluation/selection.html", context, invalid=bool(form.errors))


@login_required
@require_http_methods(["GET", "POST"])
def moderate(request, procurement_id, version_id):
    version = submission_access.get_version_for_buyer(request.user, procurement_id, version_id)
    procurement = version.response.procurement
    criteria = list(procurement.criteria.filter(kind=AwardCriterion.Kind.QUALITY))
    existing = {m.criterion_id: m for m in ModeratedScore.objects.filter(version=version)}
    form = ModerationForm(posted(request), criteria=criteria, existing=existing)
    scores = Score.objects.filter(
        version=version, assignment__status=Assignment.Status.CLEARED
    ).select_related("assignment__evaluator")
    context = {
        "procurement": procurement,
        "version": version,
        "form": form,
        "criteria": criteria,
        "scores": scores,
        "content": read_version(version),
    }
    if request.method == "POST" and form.is_valid():
        try:
            for c in criteria:
                value = form.cleaned_data.get(f"agreed_{c.pk}")
                if value is None or value == "":
                    continue
                actions.moderate(
                    version,
                    c,
                    value=value,
                    reason=form.cleaned_data.get(f"reason_{c.pk}", ""),
                    by=request.user,
                    request=request,
                )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "evaluation/moderate.html", context, status=exc.status)
        return redirect("evaluation:manage", procurement.pk)
    return render_form(request, "evaluation/moderate.html", context, invalid=bool(form.errors))


@login_required
@require_http_methods(["GET", "POST"])
def award(request, procurement_id):
    procurement = submission_access.get_opened_procurement_for_buyer(request.user, procurement_id)
    form = AwardForm(posted(request))
    context = {"procurement": procurement, "results": actions.results(procurement), "form": form}
    if request.method == "POST" and form.is_valid():
        winners = {k[len("winner_") :]: v for k, v in request.POST.items() if k.startswith("winner_")}
        try:
            actions.award(
                procurement,
                by=request.user,
                winners=winners,
                tie_break_reason=form.cleaned_data["tie_break_reason"],
                request=request,
            )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "evaluation/award.html", context, status=exc.status)
        messages.success(
            request, "The award is decided. Assessment summaries are sent and standstill has begun."
        )
        return redirect("tenders:manage", procurement.pk)
    return render(request, "evaluation/award.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enter_contract(request, procurement_id):
    """Confirm the contract's dates (the expected ones offered) and enter into it after standstill."""
    procurement = tender_access.get_procurement_for_buyer(request.user, procurement_id)
    initial = {"starts_on": procurement.contract_start, "ends_on": procurement.contract_end}
    form = ContractDatesForm(posted(request), initial=initial)
    context = {
        "form": form,
        "title": "Enter into the contract",
        "caption": f"{procurement.reference} {procurement.title}",
        "button": "Enter into the contract",
        "back": f"/buying/{procurement.pk}/",
    }
    if request.method == "POST" and form.is_valid():
        try:
            actions.enter_contract(procurement, by=request.user, request=request, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(request, "form_page.html", context, status=exc.status)
        messages.success(
            request, "The contract is entered into and the contract details notice is published."
        )
        return redirect("tenders:manage", procurement.pk)
    return render_form(request, "form_page.html", context, invalid=bool(form.errors))


# Suppliers ----------------------------------------------------------------------------------
@login_required
def assessment(request, reference, supplier_id):
    procurement, supplier, _ = submission_access.get_response_for_supplier(
        request.user, reference, supplier_id
    )
    summary = AssessmentSummary.objects.filter(procurement=procurement, supplier=supplier).first()
    if summary is None:
        raise Http404("There is no assessment summary yet.")
    return render(request, "evaluation/assessment.html", {"procurement": procurement, "summary": summary})
