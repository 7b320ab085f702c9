"""Opportunity pages for the public and suppliers; procurement management for buyers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import router
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tenderbox.lib import pagecache
from tenderbox.lib.errors import DomainError
from tenderbox.lib.ratelimit import limit_posts
from tenderbox.lib.views import posted, render_form, uploaded
from tenderbox.tenders import access, actions, versions
from tenderbox.tenders.forms import (
    AmendForm,
    AnswerForm,
    BuyerClarificationForm,
    CancelForm,
    CriterionForm,
    DocumentForm,
    LotForm,
    ProcurementForm,
    QuestionForm,
    SearchForm,
    SelectionQuestionForm,
)
from tenderbox.tenders.models import CpvCode, Interest, Procurement
from tenderbox.tenders.search import search

PAGE_SIZE = 20


# Public --------------------------------------------------------------------------------------
# Both pages are served from the page cache to people not signed in, under a version of what they
# show read in the request's first query (lib/pagecache.py, docs/decisions/0012-public-page-cache.md).
def opportunity_search(request):
    # A hit is the version's one query and nothing else: the form is read and the search built only
    # to render (an address whose form is invalid answers 400, which is never stored).
    if not pagecache.may_cache(request):
        return _search(request, timezone.now())
    using = router.db_for_read(Procurement)  # the version and the results from the same database
    version = versions.search_version(using)
    if version is None:
        return _search(request, timezone.now())
    now = timezone.now()
    return pagecache.cached_page(
        request,
        "search",
        version=version,
        # Results join or leave by the clock at the next deadline; looked up only on a miss.
        depends_on_times=lambda: [versions.next_search_deadline(now, using)],
        as_of=now,
        render=lambda: _search(request, now),
    )


def _search(request, now):
    form = SearchForm(request.GET or None)
    status = 400 if form.is_bound and form.errors else 200
    paginator = Paginator(search(form.query(), now=now), PAGE_SIZE)
    return _search_page(request, form, paginator, status)


def _search_page(request, form, paginator, status):
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "tenders/search.html",
        {"form": form, "page": page, "paginator": paginator, "query_string": params.urlencode()},
        status=status,
    )


def opportunity(request, reference):
    def page():
        return _opportunity_page(request, access.get_public_procurement(reference, request.user))

    if not pagecache.may_cache(request):
        return page()
    # A hit reads one row's version and the cache, and builds no model; a miss reads the page after
    # its version, so what it stores is that version or newer, never older.
    head = access.public_page_head(reference, timezone.now())
    if head is None:  # not found, never public, or the clock moves it now: the full read decides
        return page()
    return pagecache.cached_page(
        request,
        "opportunity",
        version=head["page_version"],
        # The page reads differently once a deadline passes (Respond, Ask a question).
        depends_on_times=[
            head["clarification_deadline"],
            head["submission_deadline"],
            head["next_transition_at"],
        ],
        render=page,
    )


def _opportunity_page(request, procurement):
    suppliers = list(access.supplier_memberships(request.user))
    interested = set(
        Interest.objects.filter(
            procurement=procurement, supplier__in=[m.organisation_id for m in suppliers]
        ).values_list("supplier_id", flat=True)
    )
    return render(
        request,
        "tenders/opportunity.html",
        {
            "procurement": procurement,
            "lots": procurement.lots.all(),
            "cpv_codes": procurement.cpv_codes.all(),
            "criteria": procurement.criteria.all(),
            "documents": procurement.documents.all(),
            "clarifications": procurement.clarifications.filter(answered_at__isnull=False),
            "amendments": procurement.amendments.all(),
            "notices": procurement.notices.all(),
            "supplier_memberships": suppliers,
            "interested": interested,
        },
    )


def document_download(request, reference, document_id):
    procurement = access.get_public_procurement(reference, request.user)
    document = procurement.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("No such document.")
    # Always a download, never rendered on our origin.
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )


@login_required
@require_POST
def register_interest(request, reference):
    procurement = access.get_public_procurement(reference, request.user)
    supplier = access.get_supplier_for_user(request.user, request.POST.get("supplier"))
    try:
        actions.register_interest(procurement, supplier, by=request.user, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("tenders:opportunity", reference)
    messages.success(
        request, f"{supplier.name} is registered as interested. You will be told of every change."
    )
    return redirect("tenders:opportunity", reference)


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("clarification", per_ip=60, window=3600, per_user=20)
def ask_question(request, reference, supplier_id):
    procurement = access.get_public_procurement(reference, request.user)
    supplier = access.get_supplier_for_user(request.user, supplier_id)
    form = QuestionForm(posted(request))
    context = {
        "form": form,
        "title": "Ask a question",
        "caption": procurement.title,
        "button": "Send question",
        "back": procurement_url(procurement),
    }
    if request.method == "POST" and form.is_valid():
        try:
            actions.ask_question(
                procurement,
                supplier,
                by=request.user,
                question=form.cleaned_data["question"],
                request=request,
            )
        except DomainError as exc:
            form.add_error("question", exc.message)
            return render(request, "form_page.html", context, status=exc.status)
        messages.success(
            request, "Your question has been sent. The answer will be published to every interested supplier."
        )
        return redirect("tenders:opportunity", reference)
    return render_form(request, "form_page.html", context, invalid=bool(form.errors))


def procurement_url(procurement) -> str:
    from django.urls import reverse

    return reverse("tenders:opportunity", args=[procurement.reference])


def feed(request):
    from tenderbox.tenders.feeds import OpportunityFeed

    return OpportunityFeed()(request)


# Buyers --------------------------------------------------------------------------------------
@login_required
def buying(request):
    memberships = list(access.buyer_memberships(request.user))
    procurements = access.procurements_for_buyer(request.user).select_related("buyer").order_by("-created_at")
    return render(request, "tenders/buying.html", {"memberships": memberships, "procurements": procurements})


@login_required
@require_http_methods(["GET", "POST"])
def new_procurement(request, org_id):
    membership = access.buyer_memberships(request.user).filter(organisation_id=org_id).first()
    if membership is None:
        raise Http404("No such authority.")
    form = ProcurementForm(posted(request))
    context = {
        "form": form,
        "title": "Start a procurement",
        "caption": membership.organisation.name,
        "button": "Save draft",
    }
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "main_cpv_code"}
        procurement = actions.create_draft(
            buyer=membership.organisation,
            by=request.user,
            main_cpv=form.cleaned_data["main_cpv_code"],
            request=request,
            **data,
        )
        messages.success(request, f"Draft {procurement.reference} saved.")
        return redirect("tenders:manage", procurement.pk)
    return render_form(request, "form_page.html", context, invalid=bool(form.errors))


def _manage_context(procurement, **extra):
    is_draft = procurement.status == procurement.Status.DRAFT
    problems = actions.publication_problems(procurement, timezone.now()) if is_draft else []
    return {
        "procurement": procurement,
        "lots": procurement.lots.all(),
        "criteria": procurement.criteria.all(),
        "questions": procurement.selection_questions.all(),
        "documents": procurement.documents.all(),
        "cpv_codes": procurement.cpv_codes.all(),
        "clarifications": procurement.clarifications.all(),
        "interest_count": procurement.interests.count(),
        "problems": problems,
        "is_draft": is_draft,
        "standstill_over": procurement.standstill_ends_at is not None
        and timezone.now() > procurement.standstill_ends_at,
        **extra,
    }


@login_required
def manage(request, procurement_id):
    procurement = access.get_procurement_for_buyer(request.user, procurement_id)
    cpv_query = request.GET.get("cpv_q", "").strip()
    cpv_results = []
    if cpv_query:
        words = cpv_query.split()
        results = CpvCode.objects.all()
        if cpv_query.replace("-", "").isdigit():
            results = results.filter(code__startswith=cpv_query)
        else:
            for word in words[:6]:
                results = results.filter(description__icontains=word)
        cpv_results = list(results[:25])
    return render(
        request,
        "tenders/manage.html",
        _manage_context(procurement, cpv_query=cpv_query, cpv_results=cpv_results),
    )


def _draft_form_view(request, procurement_id, form_class, title, button, apply, intro=None):
    """A buyer form that changes a draft: fetch through access, validate, apply one action."""
    procurement = access.get_procurement_for_buyer(request.user, procurement_id)
    form = form_class(posted(request), uploaded(request))
    context = {
        "form": form,
        "title": title,
        "caption": procurement.title,
        "button": button,
        "intro": intro,
        "back": f"/buying/{procurement.pk}/",
    }
    if request.method == "POST" and form.is_valid():
        try:
            apply(procurement, form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(request, "form_page.html", context, status=exc.status)
        return redirect("tenders:manage", procurement.pk)
    return render_form(request, "form_page.html", context, invalid=bool(form.errors))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, procurement_id):
    procurement = access.get_procurement_for_buyer(request.user, procurement_id)
    form = ProcurementForm(posted(request), instance=procurement)
    context = {
        "form": form,
        "title": "Change the procurement",
        "caption": procurement.reference,
        "button": "Save",
        "back": f"/buying/{procurement.pk}/",
    }
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_draft(procurement, form, by=request.user, request=request)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(request, "form_page.html", context, status=exc.status)
        return redirect("tenders:manage", procurement.pk)
    return render_form(request, "form_page.html", context, invalid=bool(form.errors))


@login_required
@require_http_methods(["GET", "POST"])
def add_lot(request, procurement_id):
    return _draft_form_view(
        request,
        procurement_id,
        LotForm,
        "Add a lot",
        "Add lot",
        lambda p, d: actions.add_lot(p, by=request.user, **d),
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_criterion(request, procurement_id):
    return _draft_form_view(
        request,
        procurement_id,
        CriterionForm,
        "Add an award criterion",
        "Add criterion",
        lambda p, d: actions.add_criterion(p, by=request.user, **d),
        intro="Weights must add up to 100%. Price is scored by the lowest price method.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_selection_question(request, procurement_id):
    return _draft_form_view(
        request,
        procurement_id,
        SelectionQuestionForm,
        "Add a pass or fail question",
        "Add question",
        lambda p, d: actions.add_selection_question(p, by=request.user, **d),
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_document(request, procurement_id):
    return _draft_form_view(
        request,
        procurement_id,
        DocumentForm,
        "Add a tender document",
        "Upload",
        lambda p, d: actions.add_document(p, d["file"], title=d["title"], by=request.user, request=request),
    )


@login_required
@require_POST
def draft_change(request, procurement_id, what):
    """Small draft edits from buttons on the manage page: CPV codes, removing parts, declarations."""
    procurement = access.get_procurement_for_buyer(request.user, procurement_id)
    item = request.POST.get("id", "")
    try:
        if what == "cpv-add":
            code = CpvCode.objects.filter(pk=item).first()
            if code is None:
                raise DomainError("Choose a CPV code from the vocabulary.")
            actions.add_cpv(procurement, code, by=request.user, main=request.POST.get("main") == "1")
        elif what == "cpv-remove":
            actions.remove_cpv(procurement, procurement.cpv_codes.get(pk=item), by=request.user)
        elif what == "lot-remove":
            actions.remove_lot(procurement.lots.get(pk=item), by=request.user)
        elif what == "criterion-remove":
            actions.remove_criterion(procurement.criteria.get(pk=item), by=request.user)
        elif what == "question-remove":
            actions.remove_selection_question(procurement.selection_questions.get(pk=item), by=request.user)
        elif what == "declarations":
            actions.add_standard_declarations(procurement, by=request.user)
        else:
            raise Http404("No such change.")
    except (
        ValueError,
        procurement.lots.model.DoesNotExist,
        CpvCode.DoesNotExist,
        procurement.criteria.model.DoesNotExist,
        procurement.selection_questions.model.DoesNotExist,
    ):
        raise Http404("No such item.") from None
    except DomainError as exc:
        return render(
            request, "tenders/manage.html", _manage_context(procurement, error=exc.message), status=exc.status
        )
    return redirect("tenders:manage", procurement.pk)


@login_required
@require_POST
def publish(request, procurement_id):
    procurement = access.get_procurement_for_buyer(request.user, procurement_id)
    try:
        actions.publish(procurement, by=request.user, request=request)
    except DomainError as exc:
        return render(
            request, "tenders/manage.html", _manage_context(procurement, error=exc.message), status=exc.status
        )
    messages.success(request, f"{procurement.reference} is published and open for tenders.")
    return redirect("tenders:manage", procurement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def amend(request, procurement_id):
    def apply(p, d):
        actions.amend(
            p,
            by=request.user,
            reason=d["reason"],
            summary=d["summary"],
            new_deadline=d["new_deadline"],
            uploaded=d["file"],
            document_title=d["document_title"],
            request=request,
        )

    return _draft_form_view(
        request,
        procurement_id,
        AmendForm,
        "Change a published procurement",
        "Publish change",
        apply,
        intro="Every supplier that registered interest is told of the change and why.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, procurement_id):
    return _draft_form_view(
        request,
        procurement_id,
        CancelForm,
        "Cancel the procurement",
        "Cancel procurement",
        lambda p, d: actions.cancel(p, by=request.user, reason=d["reason"], request=request),
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request, procurement_id, clarification_id):
    clarification = access.get_clarification_for_buyer(request.user, procurement_id, clarification_id)
    form = AnswerForm(posted(request), initial={"question": clarification.question})
    context = {
        "form": form,
        "title": "Answer a question",
        "caption": clarification.procurement.title,
        "button": "Publish answer",
        "back": f"/buying/{procurement_id}/",
    }
    if request.method == "POST" and form.is_valid():
        try:
            actions.answer_question(
                clarification,
                by=request.user,
                answer=form.cleaned_data["answer"],
                question=form.cleaned_data["question"],
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return render(request, "form_page.html", context, status=exc.status)
        return redirect("tenders:manage", procurement_id)
    return render_form(request, "form_page.html", context, invalid=bool(form.errors))


@login_required
@require_http_methods(["GET", "POST"])
def new_clarification(request, procurement_id):
    return _draft_form_view(
        request,
        procurement_id,
        BuyerClarificationForm,
        "Publish a clarification",
        "Publish",
        lambda p, d: actions.publish_clarification(p, by=request.user, request=request, **d),
    )
