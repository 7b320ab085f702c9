"""Load the CPV 2008 vocabulary shipped in tenders/data/cpv2008.csv."""

import csv
from importlib import resources

from django.db import migrations


def load(apps, schema_editor):
    CpvCode = apps.get_model("tenders", "CpvCode")
    with resources.files("tenderbox.tenders").joinpath("data/cpv2008.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    codes = []
    for row in rows:
        digits = row["code"].split("-")[0]
        stripped = digits.rstrip("0")
        codes.append(
            CpvCode(
                code=row["code"],
                description=row["description"],
                prefix=stripped if len(stripped) >= 2 else digits[:2],
            )
        )
    CpvCode.objects.bulk_create(codes, batch_size=1000, ignore_conflicts=True)


def unload(apps, schema_editor):
    apps.get_model("tenders", "CpvCode").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("tenders", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
