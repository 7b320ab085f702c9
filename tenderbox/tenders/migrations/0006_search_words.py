"""The CPV codes' and the region's words in PostgreSQL's search index (tenders/search.py): each
procurement's `cpv_words` is filled from its codes, and the stored tsvector is made again with those
words and a word for the region beside the text (weight D, which no text query's words match)."""

from django.db import migrations, models

VECTOR = """
ALTER TABLE tenders_procurement ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', coalesce(reference, '') || ' ' || coalesce(title, '')), 'A') ||
  setweight(to_tsvector('english', coalesce(description, '')), 'B'){facets}
) STORED;
CREATE INDEX tenders_procurement_search_gin ON tenders_procurement USING GIN (search_vector);
"""
FACETS = " ||\n  setweight(to_tsvector('simple', cpv_words || ' region' || region), 'D')"
DROP = """
DROP INDEX IF EXISTS tenders_procurement_search_gin;
ALTER TABLE tenders_procurement DROP COLUMN IF EXISTS search_vector;
"""
# Every level of every code's prefix, from the division (two digits) down: search.cpv_words in SQL.
FILL = """
UPDATE tenders_procurement p SET cpv_words = w.words
FROM (
  SELECT procurement_id, string_agg(DISTINCT word, ' ' ORDER BY word) AS words
  FROM (
    SELECT pc.procurement_id, ('cpv' || left(c.prefix, n)) COLLATE "C" AS word
    FROM tenders_procurement_cpv_codes pc
    JOIN tenders_cpvcode c ON c.code = pc.cpvcode_id
    CROSS JOIN generate_series(2, 8) AS n
    WHERE n <= length(c.prefix)
  ) levels
  GROUP BY procurement_id
) w
WHERE w.procurement_id = p.id
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL)
        schema_editor.execute(DROP)
        schema_editor.execute(VECTOR.format(facets=FACETS))
        return
    from tenderbox.tenders.search import cpv_words

    Procurement = apps.get_model("tenders", "Procurement")
    prefixes = {}
    for procurement_id, prefix in Procurement.cpv_codes.through.objects.values_list(
        "procurement_id", "cpvcode__prefix"
    ).iterator():
        prefixes.setdefault(procurement_id, []).append(prefix)
    for procurement_id, found in prefixes.items():
        Procurement.objects.filter(pk=procurement_id).update(cpv_words=cpv_words(found))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(VECTOR.format(facets=""))


class Migration(migrations.Migration):
    dependencies = [("tenders", "0005_ordering_without_join")]

    operations = [
        migrations.AddField(
            model_name="procurement",
            name="cpv_words",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="Search words for the CPV codes and every level above them, e.g. 'cpv45 cpv452'.",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
