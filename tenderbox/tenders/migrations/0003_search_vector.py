"""PostgreSQL full-text search: a stored, weighted tsvector (reference and title weigh A, the
description B) and a GIN index. Not part of the Django model; SQLite uses the portable fallback in
tenders/search.py."""

from django.db import migrations

FORWARD = """
ALTER TABLE tenders_procurement ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', coalesce(reference, '') || ' ' || coalesce(title, '')), 'A') ||
  setweight(to_tsvector('english', coalesce(description, '')), 'B')
) STORED;
CREATE INDEX tenders_procurement_search_gin ON tenders_procurement USING GIN (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS tenders_procurement_search_gin;
ALTER TABLE tenders_procurement DROP COLUMN IF EXISTS search_vector;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("tenders", "0002_load_cpv")]
    operations = [migrations.RunPython(forward, backward)]
