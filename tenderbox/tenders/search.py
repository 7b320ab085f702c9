"""Public opportunity search: full text, CPV subtree, region, value, procedure, status, closing date.

On PostgreSQL the text query uses a stored, weighted tsvector with a GIN index (migrations 0003 and
0006) and ranks by relevance; on SQLite every word must appear in the reference, title or description.

The same tsvector also holds a word for every level of every CPV code of the procurement (`cpv45`,
`cpv452`, ...: `Procurement.cpv_words`) and one for its region (`regiontle`). A search by text, CPV
subtree and region is then one GIN scan that intersects the three, instead of a semi-join with the
codes' table: at 1,000,000 notices the semi-join read every row of that table for a division
(docs/performance.md, "Opportunity search"). The region's and the codes' own filters stay in the
query, so the words only narrow the index scan and never change a result.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Exists, FloatField, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from tenderbox.tenders.models import CpvCode, Procurement

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
    return CpvCode.prefix_of(code)


def cpv_words(prefixes: Iterable[str]) -> str:
    """The search words of CPV codes, given their prefixes (`CpvCode.prefix`): one for each level of
    each code, from its division down, so a search under any of them finds it."""
    words = {f"cpv{prefix[:n]}" for prefix in prefixes for n in range(2, len(prefix) + 1)}
    return " ".join(sorted(words))


def refresh_cpv_words(procurement_ids: Iterable[int]) -> None:
    """Recompute `cpv_words` of these procurements from their codes."""
    through = Procurement.cpv_codes.through
    prefixes = {}
    for procurement_id, prefix in through.objects.filter(procurement_id__in=procurement_ids).values_list(
        "procurement_id", "cpvcode__prefix"
    ):
        prefixes.setdefault(procurement_id, []).append(prefix)
    for procurement_id in procurement_ids:
        words = cpv_words(prefixes.get(procurement_id, ()))
        Procurement.objects.filter(pk=procurement_id).exclude(cpv_words=words).update(cpv_words=words)


def cpv_codes_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """m2m_changed on Procurement.cpv_codes: whatever changed the codes (an action, the admin site, a
    data migration's ORM), the search words follow, in the same transaction."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_cpv_words([instance.pk])
    elif action == "post_clear" or pk_set is None:
        return  # CPV codes are reference data: never cleared of their procurements
    else:
        refresh_cpv_words(list(pk_set))


def search(query: SearchQuery, now=None):
    """The matching public procurements, ordered; open and closed as of `now` (the clock's by default)."""
    now = now or timezone.now()
    qs = Procurement.objects.public().select_related("buyer", "main_cpv")
    if query.status == "open":
        qs = qs.filter(status=Procurement.Status.PUBLISHED, submission_deadline__gt=now)
    elif query.status == "closed":
        qs = qs.filter(Q(submission_deadline__lte=now) | ~Q(status=Procurement.Status.PUBLISHED))
    postgres = connection.vendor == "postgresql"
    # Words the index must hold besides the text's (see the module's docstring); bound parameters.
    index_words = []
    if query.cpv:
        if postgres and cpv_prefix(query.cpv).isdigit():
            index_words.append(f"cpv{cpv_prefix(query.cpv)}")
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
        if postgres and query.region.isalnum():
            index_words.append(f"region{query.region}")
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
    vector = "tenders_procurement.search_vector"
    if postgres and (text or index_words):
        # The query's text and words are always bound parameters; only constant SQL is written here.
        parts, params = [], []
        if text:
            parts.append("websearch_to_tsquery('english', %s)")
            params.append(text)
        parts += ["plainto_tsquery('simple', %s)"] * len(index_words)
        params += index_words
        tsquery = " && ".join(parts)
        condition = f"{vector} @@ ({tsquery})"
        if text and index_words:
            # `&&` drops a side without words, so a text of stop words alone would match everything
            # under the code; it matches nothing, as it does without a code (a one-time filter).
            condition += " AND numnode(websearch_to_tsquery('english', %s)) > 0"
            params.append(text)
        qs = qs.annotate(matches=RawSQL(condition, params, output_field=BooleanField())).filter(  # noqa: S611
            matches=True
        )
    if text:
        if postgres:
            rank = f"ts_rank({vector}, websearch_to_tsquery('english', %s))"
            qs = qs.annotate(rank=RawSQL(rank, [text], output_field=FloatField()))  # noqa: S611
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
