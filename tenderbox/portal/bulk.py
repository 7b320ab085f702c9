"""Writers for the rows of portal/scale.py: the ORM's `bulk_create` on any database, and COPY on
PostgreSQL, several times faster (docs/performance.md, "Loading the demo at scale").

A writer is used inside one transaction: `begin` (the COPY writer locks the tables against other
writers, so the ids the world numbers from stay free, and sets big tables up for a bulk load),
`first_id` per table, `write` per table of each batch, `rebuild` (indexes and constraints made
again), `finish` (sequences moved past the new ids); then, after the commit, `analyse`. Every
constraint holds at the commit: none is skipped, only some are checked once for all rows.
"""

from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

from tenderbox.portal.scale import Rows

# The row trigger that raises the search results' version at commit (tenders migration 0006).
SEARCH_VERSION_TRIGGER = "search_version_at_commit"


class OrmWriter:
    """`bulk_create` in batches: portable, and the reference the COPY writer must match."""

    name = "bulk_create"

    def begin(self, models, expected: dict | None = None) -> None:
        pass

    def rebuilt(self) -> list[str]:
        return []

    def rebuild(self, progress=None) -> None:
        pass

    def first_id(self, model) -> int:
        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def write(self, rows: Rows) -> None:
        model, fields, same = rows.model, rows.fields, rows.same
        model.objects.bulk_create(model(**dict(zip(fields, row, strict=True)), **same) for row in rows.rows)

    def finish(self, models) -> None:
        # The rows came with their ids: sequences must move past them (nothing to do on SQLite,
        # whose AUTOINCREMENT follows explicit ids).
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    def analyse(self, models) -> None:
        pass


@dataclass
class _Rebuild:
    """A table's secondary indexes and its foreign-key and unique constraints, as the catalogue
    defines them, to drop before a big load and make again after it."""

    table: str
    indexes: list[tuple[str, str]]  # (name, CREATE INDEX …)
    constraints: list[tuple[str, str, str]]  # (name, kind "f" or "u", definition)


class CopyWriter(OrmWriter):
    """PostgreSQL COPY FROM STDIN through psycopg 3, one COPY per table and batch, in the binary
    format: psycopg's binary dumpers (C) take dates, aware datetimes and Decimals several times
    faster than the text ones, which format each through Python (isoformat), and that was most of
    the load's time.

    Values the same in every row (`Rows.same`, then the model defaults of fields the rows leave
    out) are appended to each row as they are; a default on a unique field is refused (the world must give
    each row its own).

    A table this load will at least double (and by `rebuild_from` rows or more) is loaded as
    pg_restore does: its secondary indexes, unique and foreign-key constraints are dropped first and
    made again after the rows, in the same transaction. Building an index once is several times
    faster than updating it row by row (the search GIN most of all), and a foreign key added to a
    full table is checked by one join instead of one lookup per row. The checks are the same: a
    duplicate or a dangling reference fails the re-creation and the whole load rolls back. Such a
    table is locked against reading too until the commit (ACCESS EXCLUSIVE, for DROP INDEX); other
    tables only against writing.
    """

    name = "COPY"

    def __init__(self, *, rebuild_from: int = 10_000):
        self.rebuild_from = rebuild_from
        self._statements: dict[tuple, tuple[str, tuple]] = {}
        self._rebuilds: list[_Rebuild] = []
        self._search_version_tables: list[str] = []

    def _tables(self, models) -> str:
        qn = connection.ops.quote_name
        return ", ".join(qn(model._meta.db_table) for model in models)

    def begin(self, models, expected: dict | None = None) -> None:
        with connection.cursor() as cursor:
            # SHARE ROW EXCLUSIVE: others may read, nobody else may write (nor load) until the commit.
            cursor.execute(f"LOCK TABLE {self._tables(models)} IN SHARE ROW EXCLUSIVE MODE")
            # Check now what the enclosing transaction has left deferred (PostgreSQL cannot alter a
            # table with checks pending), and check the tables kept as they are row by row, instead
            # of queueing millions of checks for the commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            self._search_version_off(cursor, models)
            for model in models:
                adding = (expected or {}).get(model._meta.label, 0)
                if adding >= self.rebuild_from and adding >= model._base_manager.count():
                    self._rebuilds.append(self._drop(cursor, model._meta.db_table))

    def _search_version_off(self, cursor, models) -> None:
        """Turn off, for this load, the row trigger that raises the search results' version at commit
        (tenders migration 0006): with checks immediate it would run once per row loaded, millions
        of times, to raise the counter at the first row and hold its lock for the whole load. `finish`
        raises it once, last, and turns the trigger on again. ALTER TABLE is transactional and takes
        the lock `begin` already holds (SHARE ROW EXCLUSIVE: others may read, nobody may write), so no
        other transaction ever sees the trigger off, and a failed load rolls it back on. Not
        `session_replication_role = replica`: it needs a superuser, and it turns off the foreign
        keys' triggers too, whose checks this load must keep."""
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger "
            "WHERE tgname = %s AND tgrelid = ANY(%s::regclass[])",
            [SEARCH_VERSION_TRIGGER, [model._meta.db_table for model in models]],
        )
        self._search_version_tables = [table for (table,) in cursor.fetchall()]
        for table in self._search_version_tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {SEARCH_VERSION_TRIGGER}")

    def _search_version_on(self, cursor) -> None:
        for table in self._search_version_tables:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {SEARCH_VERSION_TRIGGER}")
        if self._search_version_tables:
            cursor.execute("SELECT tenders_search_version_raise()")
        self._search_version_tables = []

    def _drop(self, cursor, table: str) -> _Rebuild:
        qn = connection.ops.quote_name
        cursor.execute(
            # Unique constraints an FK elsewhere relies on stay (none do here: keys are primary).
            """
            SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint c
            WHERE conrelid = %s::regclass AND contype IN ('f', 'u')
              AND NOT (contype = 'u' AND EXISTS (
                SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
            ORDER BY conname
            """,
            [qn(table)],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT EXISTS (
              SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)
            ORDER BY i.relname
            """,
            [qn(table)],
        )
        indexes = cursor.fetchall()
        for name, _, _ in constraints:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
        return _Rebuild(table, indexes, constraints)

    def rebuilt(self) -> list[str]:
        return [r.table for r in self._rebuilds]

    def _sequence(self, cursor, model) -> str | None:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)",
            [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column],
        )
        return cursor.fetchone()[0]

    def first_id(self, model) -> int:
        highest = super().first_id(model) - 1
        with connection.cursor() as cursor:
            sequence = self._sequence(cursor, model)
            if sequence:
                # A value handed out by the sequence to a transaction that rolled back is never
                # reused either.
                cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence}")  # noqa: S608 (a name from the catalogue)
                highest = max(highest, cursor.fetchone()[0])
        return highest + 1

    def _statement(self, rows: Rows) -> tuple[str, list[int], tuple]:
        """The COPY statement for these fields, the column types, and the values the rows leave
        out (`same`, then model defaults)."""
        key = (rows.model, rows.fields, tuple(rows.same))
        found = self._statements.get(key)
        if found is None:
            meta, qn = rows.model._meta, connection.ops.quote_name
            by_attname = {f.attname: f for f in meta.concrete_fields}
            unknown = (set(rows.fields) | set(rows.same)) - set(by_attname)
            if unknown:
                raise ValueError(f"{meta.label} has no fields {sorted(unknown)}")
            named = [*rows.fields, *rows.same]
            left = [f for f in meta.concrete_fields if f.attname not in named]
            defaults = [f.get_db_prep_save(f.get_default(), connection) for f in left]
            for f, value in zip(left, defaults, strict=True):
                # The same value in every row is fine unless it must be unique (NULLs never clash).
                if (f.unique or f.primary_key) and value is not None:
                    raise ValueError(f"{meta.label}.{f.name} is unique: the rows must give it")
            columns = [by_attname[name].column for name in named] + [f.column for f in left]
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT attname, atttypid FROM pg_attribute "
                    "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                    [qn(meta.db_table)],
                )
                types = dict(cursor.fetchall())
            sql = f"COPY {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN (FORMAT BINARY)"
            suffix = (*rows.same.values(), *defaults)
            found = self._statements[key] = (sql, [types[c] for c in columns], suffix)
        return found

    def write(self, rows: Rows) -> None:
        if not rows.rows:
            return
        sql, types, suffix = self._statement(rows)
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            copy.set_types(types)
            write_row = copy.write_row
            if suffix:
                for row in rows.rows:
                    write_row(row + suffix)
            else:
                for row in rows.rows:
                    write_row(row)

    def rebuild(self, progress=None) -> None:
        """Make again what `begin` dropped: indexes (and unique constraints) first, then the
        foreign keys, each checked over the whole table."""
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            for r in self._rebuilds:
                for name, kind, definition in r.constraints:
                    if kind == "u":
                        cursor.execute(f"ALTER TABLE {qn(r.table)} ADD CONSTRAINT {qn(name)} {definition}")
                for _, definition in r.indexes:
                    cursor.execute(definition)
                if progress:
                    progress.advance(1)
            for r in self._rebuilds:
                for name, kind, definition in r.constraints:
                    if kind == "f":
                        cursor.execute(f"ALTER TABLE {qn(r.table)} ADD CONSTRAINT {qn(name)} {definition}")
        self._rebuilds = []

    def finish(self, models) -> None:
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            # Back to Django's way for the rest of an enclosing transaction: checks at the commit.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            self._search_version_on(cursor)
            for model in models:
                sequence = self._sequence(cursor, model)
                if sequence:
                    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
                    # Never backwards: only past the highest id, when the rows went beyond it.
                    cursor.execute(
                        f"SELECT setval(%s, GREATEST(MAX({pk}), (SELECT last_value FROM {sequence})), true) "  # noqa: S608 (names from the catalogue)
                        f"FROM {table} HAVING MAX({pk}) IS NOT NULL",
                        [sequence],
                    )

    def analyse(self, models) -> None:
        # Fresh statistics, so the planner knows the new sizes at once (autovacuum comes later).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {self._tables(models)}")


def writer_for(kind: "str | OrmWriter" = "") -> OrmWriter:
    """COPY on PostgreSQL unless `kind` is "orm"; the ORM elsewhere (or the writer given)."""
    if isinstance(kind, OrmWriter):
        return kind
    if kind not in ("", "orm", "copy"):
        raise ValueError(f"Unknown writer {kind!r}: use orm or copy.")
    if kind == "copy" and connection.vendor != "postgresql":
        raise ValueError("COPY needs PostgreSQL.")
    if connection.vendor == "postgresql" and kind != "orm":
        return CopyWriter()
    return OrmWriter()
