"""What the public opportunity pages show, as versions for the page cache (lib/pagecache.py): the
opportunity page's from row versions, the search page's from a counter raised by database triggers.

Each page's version covers every table its anonymous rendering reads (tests/test_page_cache.py checks
the queries against these lists), so any insert, update or delete there gives the page a new version.
PostgreSQL only: elsewhere there is no version and the pages are not cached.
"""

from datetime import datetime

from django.db.models import BooleanField, Min, TextField
from django.db.models.expressions import RawSQL

from tenderbox.lib.pagecache import row_version, rows_version
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
    SearchVersion,
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
# Every table the search page reads: the matching procurements, their buyers and CPV codes. Each has
# the triggers of migration 0006 (tests/test_page_cache.py checks).
SEARCH_TABLES = frozenset({PROCUREMENT, ORGANISATION, CPV_CODE, PROCUREMENT_CPV})


# The database function that computes the version of everything beneath a procurement's page (tenders
# migration 0008 made it from this text; tests/test_page_cache.py checks they agree). A function, not
# inline subqueries, because PL/pgSQL keeps the plans of its queries for the session: nine correlated
# subqueries planned on every hit cost more than running them. STABLE, so it reads in the calling
# query's snapshot, as the subqueries did. $1 is the procurement's id, $2 its buyer's.
OPPORTUNITY_FUNCTION = "tenders_opportunity_version"


def opportunity_function_body() -> str:
    # Constant SQL from the table lists above, never input.
    cpv = f"code IN (SELECT cpvcode_id FROM {PROCUREMENT_CPV} WHERE procurement_id = $1)"  # noqa: S608
    parts = [
        f"(SELECT {row_version(ORGANISATION)} FROM {ORGANISATION} WHERE id = $2)",  # noqa: S608
        rows_version(CPV_CODE, cpv),
        *(rows_version(table, "procurement_id = $1") for table in OPPORTUNITY_CHILDREN),
    ]
    joined = ",\n        ".join(parts)
    return f"\nBEGIN\n    RETURN concat_ws(\n        '/',\n        {joined}\n    );\nEND\n"


def opportunity_version() -> RawSQL:
    """An annotation for a procurement queryset: the version of the procurement's public page. Its own
    row, its buyer's, the CPV codes it lists and every row of the tables beneath it."""
    this = f'"{PROCUREMENT}"'
    sql = f"concat_ws('/', {row_version(this)}, {OPPORTUNITY_FUNCTION}({this}.id, {this}.buyer_id))"
    return RawSQL(sql, (), output_field=TextField())  # noqa: S611


def search_version(using: str = "default") -> str | None:
    """The version of every search page, in one small query: the counter that database triggers raise
    at the commit of each transaction that writes to SEARCH_TABLES (migration 0006 explains how), with
    its row version, so a counter made again after a TRUNCATE never repeats an old version. Read first,
    before the results: a page rendered after it shows that version or a newer one, never an older.

    None, and the page must not be cached, when the row is missing, or this transaction has written
    anything (`txid_current_if_assigned`): its own writes are not counted until it commits. Only a test
    case's transaction does, as requests run outside transactions. Read from `using`, the database the
    results are read from, so both see the same commits."""
    row = (
        SearchVersion.objects.using(using)
        .filter(pk=SearchVersion.ONLY)
        .annotate(
            xmin=RawSQL("xmin::text", (), output_field=TextField()),
            clean=RawSQL("txid_current_if_assigned() IS NULL", (), output_field=BooleanField()),
        )
        .values_list("value", "xmin", "clean")
    )[:1]
    for value, xmin, clean in row:
        return f"{value}/{xmin}" if clean else None
    return None


def next_search_deadline(now: datetime, using: str = "default") -> datetime | None:
    """The first submission deadline after `now` among the procurements any search may show (one
    index lookup, made only when a search page is rendered): until then no result joins the closed
    search or leaves the open one by the clock. Nothing else a result shows depends on the clock (its
    status tag shows the stored status, which only a write changes)."""
    return (
        Procurement.objects.using(using)
        .public()
        .filter(submission_deadline__gt=now)
        .aggregate(first=Min("submission_deadline"))["first"]
    )
