"""Which contracting processes are public, their releases, and OCDS release and record packages.

Everything streams: `iter_processes` walks each kind in primary-key order with
`iterator(chunk_size=…)` (prefetching per chunk), and reads the chunk's contracts' transactions and
metrics from their sources at once (`sources.load`), so memory stays flat however many there are and
the queries grow with the chunks, not the contracts.
"""

import functools
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import ocdsmerge
from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from tenderbox.publishing import releases as build
from tenderbox.publishing import sources
from tenderbox.publishing.schema import VERSION, extension_urls, merge_schema

CHUNK = 200
LICENCE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def public_procurement_q() -> Q:
    """Advertised procurements from their tender notice on; further competitions (never advertised,
    PA23 s.46) only once their award is decided and not cancelled."""
    from tenderbox.tenders.models import Procurement

    s = Procurement.Status
    advertised = Q(framework_lot__isnull=True, published_at__isnull=False) & ~Q(status=s.DRAFT)
    further = Q(framework_lot__isnull=False, status__in=[s.AWARDED, s.CONTRACTED])
    return advertised | further


def public_procurements():
    """The public procurements (`public_procurement_q`), with what their releases read."""
    from tenderbox.contracts.models import Contract
    from tenderbox.evaluation.models import Award
    from tenderbox.tenders.models import Procurement

    return (
        Procurement.objects.filter(public_procurement_q())
        .select_related(
            "buyer",
            "main_cpv",
            "framework__owner",
            "framework__procurement",
            "framework_lot__framework__procurement",
        )
        # One query a relation and chunk: the objects an award or a contract points to are joined
        # rather than prefetched level by level (Django builds a queryset for every object of every
        # prefetched level, which cost the export more than the queries). An award's procurement is
        # the procurement itself (the prefetch sets it).
        .prefetch_related(
            "cpv_codes",
            "lots__cpv_codes",
            "amendments",
            "documents",
            Prefetch("awards", queryset=Award.objects.select_related("lot", "version__response__supplier")),
            Prefetch("contracts", queryset=Contract.objects.select_related("buyer", "supplier")),
            "contracts__changes",
            "framework__lots__cpv_codes",
            "framework__lots__appointments__supplier",
        )
        .annotate(submitted_tenders=Count("responses", filter=Q(responses__status="submitted")))
    )


def public_frameworks():
    """Frameworks let elsewhere, once live (one let on Tenderbox is its procurement's process)."""
    from tenderbox.frameworks.models import Framework

    return (
        Framework.objects.public()
        .filter(procurement__isnull=True)
        .select_related("owner")
        .prefetch_related("lots__cpv_codes", "lots__appointments__supplier")
    )


def direct_awards():
    """Call-offs by direct award: each its own process (a further competition's call-off belongs to
    the competition's process)."""
    from tenderbox.contracts.models import Contract

    return (
        Contract.objects.filter(route=Contract.Route.DIRECT_AWARD)
        .select_related("buyer", "supplier", "framework__procurement", "framework_lot")
        .prefetch_related("framework_lot__cpv_codes", "changes")
    )


@dataclass(frozen=True)
class Kind:
    code: str
    queryset: object
    build: object
    local_field: str
    contracts: Callable  # the contracts whose implementation a process's releases show


def _no_contracts(_obj) -> tuple:
    return ()


@functools.cache
def kinds() -> tuple[Kind, ...]:
    return (
        Kind("p", public_procurements, build.procurement_releases, "reference", lambda p: p.contracts.all()),
        Kind("f", public_frameworks, build.framework_releases, "reference", _no_contracts),
        Kind("c", direct_awards, build.direct_award_releases, "reference", lambda c: (c,)),
    )


def iter_processes(after: str = "") -> Iterator[tuple[str, str, list[dict]]]:
    """(cursor, ocid, releases) for every public process after the cursor, oldest kind first."""
    after_code, _, after_pk = after.partition(":")
    started = not after
    for kind in kinds():
        queryset = kind.queryset().order_by("pk")
        if not started:
            if kind.code != after_code:
                continue
            started = True
            queryset = queryset.filter(pk__gt=int(after_pk))
        for chunk in itertools.batched(queryset.iterator(chunk_size=CHUNK), CHUNK):
            sources.load([contract for obj in chunk for contract in kind.contracts(obj)])
            for obj in chunk:
                made = kind.build(obj)
                if made:
                    yield f"{kind.code}:{obj.pk}", made[0]["ocid"], made


def valid_cursor(value: str) -> bool:
    code, _, pk = value.partition(":")
    return code in {k.code for k in kinds()} and pk.isdigit()


def releases_for(ocid: str) -> list[dict] | None:
    """The releases of one public process, or None when the ocid names nothing public."""
    local = build.local_id(ocid)
    if local is None:
        return None
    for kind in kinds():
        obj = kind.queryset().filter(**{kind.local_field: local}).first()
        if obj is not None:
            made = kind.build(obj)
            if made and made[0]["ocid"] == ocid:
                return made
    return None


# Packages -----------------------------------------------------------------------------------
def _metadata(uri: str, published=None) -> dict:
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": extension_urls(),
        "publishedDate": build.stamp(published or timezone.now()),
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME, "uri": settings.SITE_URL},
        "license": LICENCE,
        "publicationPolicy": settings.SITE_URL + "/api/ocds/",
    }


def release_package(releases: list[dict], *, uri: str, published=None) -> dict:
    return {**_metadata(uri, published), "releases": releases}


@functools.cache
def merger() -> ocdsmerge.Merger:
    # Merge rules from the patched schema, so the extensions' arrays (lots, statistics) merge by id.
    return ocdsmerge.Merger(schema=merge_schema())


def _details_versioned_whole(versioned: dict) -> dict:
    """The official versioned-release validation schema is the core one, which versions a party's
    `details` as one value (the core gives it no properties), while the merge routine versions each
    field inside it (the scale extension's `scale`). Fold those into versions of the whole object,
    so the versioned release is valid against the official schema."""
    for party in versioned.get("parties", []):
        details = party.get("details")
        if not isinstance(details, dict):
            continue
        whole, current = [], {}
        changes = sorted(
            (
                (v["releaseDate"], v["releaseID"], v["releaseTag"], field, v["value"])
                for field, versions in details.items()
                for v in versions
            ),
            key=lambda c: (c[0], c[1]),
        )
        for date, release_id, tag, field, value in changes:
            current = {**current, field: value}
            if whole and whole[-1]["releaseID"] == release_id:
                whole[-1]["value"] = current
            else:
                whole.append(
                    {"releaseDate": date, "releaseID": release_id, "releaseTag": tag, "value": current}
                )
        party["details"] = whole
    return versioned


def record(releases: list[dict]) -> dict:
    """An OCDS record: every release embedded, the compiled release (the current state) and the
    versioned release (every field's history), by the standard's merge routine."""
    return {
        "ocid": releases[0]["ocid"],
        "releases": releases,
        "compiledRelease": merger().create_compiled_release(releases),
        "versionedRelease": _details_versioned_whole(merger().create_versioned_release(releases)),
    }


def record_package(records: list[dict], *, uri: str, published=None) -> dict:
    return {**_metadata(uri, published), "records": records}
