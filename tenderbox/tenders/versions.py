"""What the public opportunity pages show, as row versions for the page cache (lib/pagecache.py).

Each page's version covers every table its anonymous rendering reads (tests/test_page_cache.py checks
the queries against these lists), so any insert, update or delete there gives the page a new version.
PostgreSQL only: elsewhere there is no version and the pages are not cached.
"""

from django.db.models import BigIntegerField, Count, Sum, TextField
from django.db.models.expressions import RawSQL

from tenderbox.lib.pagecache import row_version, rows_version, summed_versions
from tenderbox.organisations.models import Organisation
from tenderbox.tenders.models import (
    Amendment,
    AwardCriterion,
    Clarification,
    CpvCode,
    Document,
    Lot,
    Notice,
    Procurement,
)

PROCUREMENT = Procurement._meta.db_table
ORGANISATION = Organisation._meta.db_table
CPV_CODE = CpvCode._meta.db_table
PROCUREMENT_CPV = Procurement.cpv_codes.through._meta.db_table
# The rows under a procurement that its page shows, each by its `procurement_id`.
OPPORTUNITY_CHILDREN = tuple(
    model._meta.db_table for model in (Lot, AwardCriterion, Document, Amendment, Clarification, Notice)
) + (PROCUREMENT_CPV,)
# Every table the opportunity page reads for someone not signed in.
OPPORTUNITY_TABLES = frozenset({PROCUREMENT, ORGANISATION, CPV_CODE, *OPPORTUNITY_CHILDREN})
# Every table the search page reads: the matching procurements and their buyers.
SEARCH_TABLES = frozenset({PROCUREMENT, ORGANISATION, CPV_CODE, PROCUREMENT_CPV})


def opportunity_version() -> RawSQL:
    """An annotation for a procurement queryset: the version of the procurement's public page. Its own
    row, its buyer's, the CPV codes it lists and every row of the tables beneath it."""
    this = f'"{PROCUREMENT}"'
    parts = [
        row_version(this),
        f"(SELECT {row_version(ORGANISATION)} FROM {ORGANISATION} WHERE id = {this}.buyer_id)",  # noqa: S608
        rows_version(
            CPV_CODE,
            f"code IN (SELECT cpvcode_id FROM {PROCUREMENT_CPV} WHERE procurement_id = {this}.id)",  # noqa: S608
        ),
        *(rows_version(table, f"procurement_id = {this}.id") for table in OPPORTUNITY_CHILDREN),
    ]
    return RawSQL(f"concat_ws('/', {', '.join(parts)})", (), output_field=TextField())  # noqa: S611


def search_version(results) -> tuple[int, str]:
    """The number of search results and their version: sums over every matching procurement's row and
    its buyer's, in the one query that counts them. A result that leaves or joins changes the count
    or the sums: as the clock passes a deadline (the query has the request's `now`), or when a row is
    written (a newer transaction id; a new place). The CPV codes a search matches on are fixed at
    publication (tenders/actions.py: `add_cpv`, `remove_cpv` need a draft)."""
    joined = results.order_by().filter(buyer__name__isnull=False)  # names are never null: the join
    buyer = next(alias for alias, join in joined.query.alias_map.items() if join.table_name == ORGANISATION)
    sums = {}
    for name, table in (("rows", f'"{PROCUREMENT}"'), ("buyers", f'"{buyer}"')):
        for n, sql in enumerate(summed_versions(table)):
            sums[f"{name}{n}"] = Sum(RawSQL(sql, (), output_field=BigIntegerField()))  # noqa: S611
    totals = joined.aggregate(count=Count("pk"), **sums)
    return totals["count"], "/".join(str(totals[k] or 0) for k in ["count", *sums])
