"""Open data, public without sign-in: the OCDS API under /api/ocds/, the registers for people
under /registers/ and the statistics under /statistics/. Thin: parse, look up through packages.py,
registers.py or statistics_tables.py, render. Everything they serve is public by construction
(releases.py, registers.py; the statistics come from a release already protected, statistics.py)."""

from datetime import datetime
from functools import wraps

from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tenderbox.audit.chain import client_ip
from tenderbox.lib.ratelimit import hit, too_many
from tenderbox.publishing import packages, registers
from tenderbox.publishing import statistics_tables as stats
from tenderbox.publishing.export import gzipped_lines
from tenderbox.publishing.registers import REGISTERS

TAGS = {
    "planning",
    "planningUpdate",
    "tender",
    "tenderAmendment",
    "tenderUpdate",
    "tenderCancellation",
    "award",
    "awardUpdate",
    "awardCancellation",
    "contract",
    "contractUpdate",
    "contractAmendment",
    "implementation",
    "implementationUpdate",
    "contractTermination",
}
PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000
RATE_PER_MINUTE = 120
SCAN_LIMIT = 500


def _bad(message: str, status: int = 400) -> JsonResponse:
    # The API's error shape (tenderbox/api/urls.py): {"detail": "…"}.
    return JsonResponse({"detail": message}, status=status)


def open_data(view):
    """GET only, and the API's anonymous limit per address: 120 requests a minute (429 beyond)."""

    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not hit(f"ocds:ip:{client_ip(request)}", RATE_PER_MINUTE, 60):
            return too_many(request, 60, api=True)
        return view(request, *args, **kwargs)

    return wrapper


def _json(data) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _not_found(ocid: str) -> JsonResponse:
    return _bad(f"No public contracting process has the ocid {ocid}.", status=404)


@open_data
def release_package(request, ocid):
    found = packages.releases_for(ocid)
    if not found:
        return _not_found(ocid)
    return _json(packages.release_package(found, uri=request.build_absolute_uri()))


@open_data
def record_package(request, ocid):
    found = packages.releases_for(ocid)
    if not found:
        return _not_found(ocid)
    return _json(packages.record_package([packages.record(found)], uri=request.build_absolute_uri()))


def _moment(value: str, name: str):
    """An ISO 8601 date or date-time; a date alone means midnight UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{name} must be an ISO 8601 date or date-time, like 2026-12-01, not {value!r}."
        ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=timezone.UTC)
    return moment


@open_data
def release_list(request):
    """Releases of every public process, oldest process first, filtered by release date (`since`,
    `until`, inclusive) and `tag`; about `page_size` releases a page (whole processes), and
    `links.next` carries the cursor on. Follow `next` until it is absent: a page may be short."""
    q = request.GET
    try:
        since = _moment(q["since"], "since") if q.get("since") else None
        until = _moment(q["until"], "until") if q.get("until") else None
    except ValueError as exc:
        return _bad(str(exc))
    if since and until and since > until:
        return _bad("since must not be after until.")
    tag = q.get("tag", "")
    if tag and tag not in TAGS:
        return _bad(f"tag must be one of the OCDS release tags ({', '.join(sorted(TAGS))}), not {tag!r}.")
    try:
        size = int(q.get("page_size", PAGE_SIZE))
    except ValueError:
        return _bad("page_size must be a whole number.")
    if not 1 <= size <= MAX_PAGE_SIZE:
        return _bad(f"page_size must be between 1 and {MAX_PAGE_SIZE}.")
    cursor = q.get("cursor", "")
    if cursor and not packages.valid_cursor(cursor):
        return _bad("cursor is not one this API gave: start again without it.")

    def wanted(release) -> bool:
        moment = datetime.fromisoformat(release["date"])
        return (
            (since is None or moment >= since)
            and (until is None or moment <= until)
            and (not tag or tag in release["tag"])
        )

    page, next_cursor = [], None
    for scanned, (position, _ocid, made) in enumerate(packages.iter_processes(cursor), start=1):
        page += [r for r in made if wanted(r)]
        # A page ends when it is full, or after SCAN_LIMIT processes however few matched, so a
        # narrow filter over a large database answers promptly (with a short page and `next`).
        if len(page) >= size or scanned >= SCAN_LIMIT:
            next_cursor = position
            break
    package = packages.release_package(page, uri=request.build_absolute_uri())
    if next_cursor:
        params = q.copy()
        params["cursor"] = next_cursor
        package["links"] = {"next": request.build_absolute_uri("?" + params.urlencode())}
    return _json(package)


@open_data
def bulk(request):
    """Everything, as gzipped JSON lines of release packages (one process a line), streamed."""
    response = StreamingHttpResponse(
        gzipped_lines(request.build_absolute_uri()), content_type="application/gzip"
    )
    response["Content-Disposition"] = 'attachment; filename="ocds-releases.jsonl.gz"'
    return response


# Registers for people ---------------------------------------------------------------------------
REGISTER_PAGE_SIZE = 50


def register_index(request):
    return render(request, "publishing/registers.html", {"registers": REGISTERS.values()})


def register(request, slug):
    """One register: filters that combine (GET), 50 rows a page, or the whole filtered register as a
    streamed CSV or JSON download (`?format=csv|json`)."""
    reg = REGISTERS.get(slug)
    if reg is None:
        raise Http404("No such register.")
    form = reg.form(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    wanted = request.GET.get("format", "")
    if wanted not in ("", "csv", "json"):
        return HttpResponseBadRequest("format must be csv or json.", content_type="text/plain")
    if wanted and not valid:
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return HttpResponseBadRequest(message, content_type="text/plain")
    rows = reg.rows(form.cleaned_data if form.is_bound and valid else {})
    if wanted == "csv":
        response = StreamingHttpResponse(
            registers.csv_lines(reg, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{slug}.csv"'
        return response
    if wanted == "json":
        response = StreamingHttpResponse(registers.json_lines(reg, rows), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{slug}.json"'
        return response
    paginator = reg.paginator(rows if valid else rows.none(), REGISTER_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    query = params.urlencode()
    return render(
        request,
        "publishing/register.html",
        {
            "register": reg,
            "form": form,
            "page": page,
            "paginator": paginator,
            "rows": [[c.value(row) for c in reg.columns] for row in page.object_list],
            "query_string": query,
        },
        status=200 if valid else 400,
    )


# Statistics -------------------------------------------------------------------------------------
def _statistics_request(request):
    """The published release (or None), its filter form and whether the filters are valid."""
    from tenderbox.publishing.models import StatisticsRelease

    release = StatisticsRelease.objects.published().first()
    labels = stats.Labels()
    years = stats.release_years(release) if release else []
    form = stats.StatisticsFilters(request.GET or None, years=years, labels=labels)
    valid = not form.is_bound or form.is_valid()
    filters = form.cleaned_data if form.is_bound and valid else {}
    return release, labels, form, valid, filters


def _render_statistics(request, tables, *, slug=None):
    release, labels, form, valid, filters = _statistics_request(request)
    wanted = request.GET.get("format", "")
    if slug is not None and wanted not in ("", "csv", "json"):
        return HttpResponseBadRequest("format must be csv or json.", content_type="text/plain")
    if wanted and not valid:
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return HttpResponseBadRequest(message, content_type="text/plain")
    if wanted and release is None:
        raise Http404("No statistics have been published yet.")
    readers = {}
    results = [stats.build(t, release, filters, labels, readers) for t in tables] if release and valid else []
    if wanted == "csv":
        response = HttpResponse(stats.csv_content(results[0]), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}.csv"'
        return response
    if wanted == "json":
        response = HttpResponse(stats.json_content(results[0], filters), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{slug}.json"'
        return response
    params = request.GET.copy()
    params.pop("format", None)
    return render(
        request,
        "publishing/statistics.html",
        {
            "release": release,
            "form": form,
            "results": results,
            "single": tables[0] if slug is not None else None,
            "query_string": params.urlencode(),
            "symbols": stats.SYMBOLS,
        },
        status=200 if valid else 400,
    )


@require_GET
def statistics_index(request):
    """Every statistic, for the filters chosen (GET); each table downloads as CSV or JSON."""
    return _render_statistics(request, list(stats.TABLES.values()))


@require_GET
def statistic(request, slug):
    """One statistic, or its CSV or JSON download (`?format=csv|json`), for the filters chosen."""
    table = stats.TABLES.get(slug)
    if table is None:
        raise Http404("No such statistic.")
    return _render_statistics(request, [table], slug=slug)
