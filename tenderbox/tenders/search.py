"""Public opportunity search: full text, CPV subtree, region, value, procedure, status, closing date.

On PostgreSQL the text query uses a stored, weighted tsvector with a GIN index (migration 0003) and
ranks by relevance; on SQLite every word must appear in the reference, title or description.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Exists, FloatField, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tenderbox.tenders.models import Procurement

SORTS = {
    "closing": ("submission_deadline", "Closing soonest"),
    "newest": ("-published_at", "Newest first"),
    "value_high": ("-value_excl_vat", "Highest value"),
    "value_low": ("value_excl_vat", "Lowest value"),
    "relevance": (None, "Best match"),
}


@dataclass
class SearchQuery:
    text: str = ""
    cpv: str = ""  # a CPV code: matches it and every code beneath it
    region: str = ""
    value_min: Decimal | None = None
    value_max: Decimal | None = None
    procedure: str = ""
    status: str = "open"  # open, closed (all past the deadline), any
    closing_after: date | None = None
    closing_before: date | None = None
    sort: str = "closing"


def cpv_prefix(code: str) -> str:
    digits = code.split("-")[0]
    stripped = digits.rstrip("0")
    return stripped if len(stripped) >= 2 else digits[:2]


def search(query: SearchQuery, now=None):
    """The matching public procurements, ordered; open and closed as of `now` (the clock's by default)."""
    now = now or timezone.now()
    qs = Procurement.objects.public().select_related("buyer", "main_cpv")
    if query.status == "open":
        qs = qs.filter(status=Procurement.Status.PUBLISHED, submission_deadline__gt=now)
    elif query.status == "closed":
        qs = qs.filter(Q(submission_deadline__lte=now) | ~Q(status=Procurement.Status.PUBLISHED))
    if query.cpv:
        through = Procurement.cpv_codes.through
        qs = qs.filter(
            Exists(
                through.objects.filter(
                    procurement=OuterRef("pk"), cpvcode__prefix__startswith=cpv_prefix(query.cpv)
                )
            )
        )
    if query.region:
        qs = qs.filter(region=query.region)
    if query.value_min is not None:
        qs = qs.filter(value_excl_vat__gte=query.value_min)
    if query.value_max is not None:
        qs = qs.filter(value_excl_vat__lte=query.value_max)
    if query.procedure:
        qs = qs.filter(procedure=query.procedure)
    if query.closing_after:
        qs = qs.filter(submission_deadline__date__gte=query.closing_after)
    if query.closing_before:
        qs = qs.filter(submission_deadline__date__lte=query.closing_before)
    ranked = False
    text = query.text.strip()
    if text:
        if connection.vendor == "postgresql":
            # The query text is always a bound parameter; only constant SQL is written here.
            tsquery = "websearch_to_tsquery('english', %s)"
            vector = "tenders_procurement.search_vector"
            qs = qs.annotate(
                matches=RawSQL(f"{vector} @@ {tsquery}", [text], output_field=BooleanField()),  # noqa: S611
                rank=RawSQL(f"ts_rank({vector}, {tsquery})", [text], output_field=FloatField()),  # noqa: S611
            ).filter(matches=True)
            ranked = True
        else:
            for word in text.split()[:10]:
                qs = qs.filter(
                    Q(title__icontains=word) | Q(description__icontains=word) | Q(reference__iexact=word)
                )
    order, _ = SORTS.get(query.sort, SORTS["closing"])
    if query.sort == "relevance" and ranked:
        return qs.order_by("-rank", "submission_deadline", "pk")
    return qs.order_by(order or "submission_deadline", "pk")
