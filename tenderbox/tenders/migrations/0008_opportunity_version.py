"""The version of what lies beneath a procurement's public page, as a PL/pgSQL function, on
PostgreSQL (docs/decisions/0012-public-page-cache.md, tenders/versions.py).

The page cache's hit read these row versions by nine correlated subqueries inline, and PostgreSQL
planned them on every hit (0.8 ms of the query's 0.9 ms at the database). PL/pgSQL keeps the plans of
a function's queries for the session, and the web processes keep their connections, so a function
costs that planning once a connection. STABLE: it reads in the calling query's snapshot, so the
version is as consistent with the procurement's own row version as the subqueries were.

The body is frozen here, as a migration must be; tests/test_page_cache.py checks it is still what
`versions.opportunity_function_body()` makes, so a new table under the page needs a new migration.
SQLite has no page cache: there the operations do nothing.
"""

from django.db import migrations

BODY = """
BEGIN
    RETURN concat_ws(
        '/',
        (SELECT (organisations_organisation.xmin::text || organisations_organisation.ctid::text) FROM organisations_organisation WHERE id = $2),
        (SELECT md5(coalesce(string_agg(xmin::text || ctid::text, ',' ORDER BY ctid), '')) FROM tenders_cpvcode WHERE code IN (SELECT cpvcode_id FROM tenders_procurement_cpv_codes WHERE procurement_id = $1)),
        (SELECT md5(coalesce(string_agg(xmin::text || ctid::text, ',' ORDER BY ctid), '')) FROM tenders_lot WHERE procurement_id = $1),
        (SELECT md5(coalesce(string_agg(xmin::text || ctid::text, ',' ORDER BY ctid), '')) FROM tenders_awardcriterion WHERE procurement_id = $1),
        (SELECT md5(coalesce(string_agg(xmin::text || ctid::text, ',' ORDER BY ctid), '')) FROM tenders_document WHERE procurement_id = $1),
        (SELECT md5(coalesce(string_agg(xmin::text || ctid::text, ',' ORDER BY ctid), '')) FROM tenders_amendment WHERE procurement_id = $1),
        (SELECT md5(coalesce(string_agg(xmin::text || ctid::text, ',' ORDER BY ctid), '')) FROM tenders_clarification WHERE procurement_id = $1),
        (SELECT md5(coalesce(string_agg(xmin::text || ctid::text, ',' ORDER BY ctid), '')) FROM tenders_notice WHERE procurement_id = $1),
        (SELECT md5(coalesce(string_agg(xmin::text || ctid::text, ',' ORDER BY ctid), '')) FROM tenders_procurement_cpv_codes WHERE procurement_id = $1)
    );
END
"""

CREATE = (
    "CREATE OR REPLACE FUNCTION tenders_opportunity_version(bigint, bigint) RETURNS text "
    "LANGUAGE plpgsql STABLE AS $body$" + BODY + "$body$"
)
DROP = "DROP FUNCTION IF EXISTS tenders_opportunity_version(bigint, bigint)"


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, None)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, None)


class Migration(migrations.Migration):
    dependencies = [("tenders", "0007_search_version")]

    operations = [migrations.RunPython(create_function, drop_function)]
