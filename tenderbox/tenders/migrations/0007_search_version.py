"""The search results' version (tenders.SearchVersion), raised by triggers at commit, on PostgreSQL.

Why it is made this way (docs/decisions/0012-public-page-cache.md):

- **At commit, once.** Every transaction that writes to a table the search page reads must raise the
  one counter row, which locks that row until the transaction ends. Raised at the first write, the
  lock would be held for the rest of the transaction: every writer to procurements or organisations
  would queue behind it, and a transaction holding the counter that then waits for a row another
  writer holds, while that writer waits for the counter, would deadlock. So the row trigger is a
  constraint trigger, DEFERRABLE INITIALLY DEFERRED: it fires at the commit, after every other write,
  and the counter is always the last lock a writing transaction takes; a transaction holding it
  waits for nothing else, so no cycle can pass through it. Writers queue on it only for their
  commits. It raises the counter once a transaction (the flag is a transaction-local setting, reset
  with the transaction, and undone with a savepoint rolled back as the raise is).
- **Transactional.** The counter is a row, not a sequence: readers see the new value only when the
  writes it counts are committed and visible with it. A reader reads the counter first, then the
  results, each in a snapshot no older than the last, so a page stored under a version shows that
  version's data or newer, never older.
- **TRUNCATE** fires no row trigger: a statement trigger raises the counter at once (it cannot be
  deferred). TRUNCATE already locks its whole table (ACCESS EXCLUSIVE) until the commit, so it costs no
  extra waiting; only a transaction that truncates and then writes rows another writer holds could
  deadlock on the counter (PostgreSQL would detect it and fail one of them).
- **An upsert**, not an update: Django's test flush truncates the counter's own table too, in the same
  statement as the others; the truncate trigger then makes the row again (its row version is new, so
  a version is never repeated: tenders/versions.py reads it with the value).
- `SET CONSTRAINTS ALL IMMEDIATE` fires the deferred trigger early, at that statement: the scale
  loader (portal/bulk.py) does, and turns these triggers off for its own load and raises the
  counter once itself.

SQLite has no triggers here and no page cache: there the operations do nothing.
"""

from django.db import migrations, models

# Frozen here, as a migration must be; tests/test_page_cache.py checks they are versions.SEARCH_TABLES.
TABLES = [
    "tenders_procurement",
    "organisations_organisation",
    "tenders_cpvcode",
    "tenders_procurement_cpv_codes",
]

FUNCTIONS = [
    """
CREATE FUNCTION tenders_search_version_raise() RETURNS void LANGUAGE sql AS $$
    INSERT INTO tenders_searchversion (id, value) VALUES (1, 1)
    ON CONFLICT (id) DO UPDATE SET value = tenders_searchversion.value + 1
$$
""",
    """
CREATE FUNCTION tenders_search_version_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Once a transaction: the setting is local to it (set_config's third argument).
    IF current_setting('tenderbox.search_version_raised', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('tenderbox.search_version_raised', 'on', true);
        PERFORM tenders_search_version_raise();
    END IF;
    RETURN NULL;
END
$$
""",
    """
CREATE FUNCTION tenders_search_version_at_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('tenderbox.search_version_raised', 'on', true);
    PERFORM tenders_search_version_raise();
    RETURN NULL;
END
$$
""",
]

TRIGGERS = [
    "CREATE CONSTRAINT TRIGGER search_version_at_commit AFTER INSERT OR UPDATE OR DELETE ON {table} "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tenders_search_version_at_commit()",
    "CREATE TRIGGER search_version_at_truncate AFTER TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION tenders_search_version_at_truncate()",
]

DROP = [
    "DROP TRIGGER IF EXISTS search_version_at_commit ON {table}",
    "DROP TRIGGER IF EXISTS search_version_at_truncate ON {table}",
]

DROP_FUNCTIONS = [
    "DROP FUNCTION IF EXISTS tenders_search_version_at_truncate()",
    "DROP FUNCTION IF EXISTS tenders_search_version_at_commit()",
    "DROP FUNCTION IF EXISTS tenders_search_version_raise()",
]


def create_triggers(apps, schema_editor):
    apps.get_model("tenders", "SearchVersion").objects.using(schema_editor.connection.alias).create(id=1)
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in FUNCTIONS:
        schema_editor.execute(sql, None)
    for table in TABLES:
        for sql in TRIGGERS:
            schema_editor.execute(sql.format(table=table), None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for sql in DROP:
            schema_editor.execute(sql.format(table=table), None)
    for sql in DROP_FUNCTIONS:
        schema_editor.execute(sql, None)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_invitation_email_ci_idx_upper"),
        ("tenders", "0006_search_words"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1, help_text="Always 1: one row.", primary_key=True, serialize=False
                    ),
                ),
                (
                    "value",
                    models.BigIntegerField(
                        default=0, help_text="Raised by one at each commit that changed results."
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="search_version_one_row")
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
