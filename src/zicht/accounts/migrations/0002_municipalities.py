"""Load the list of Dutch municipalities (CBS codes) shipped in accounts/data/."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"


def load(apps, schema_editor):
    Municipality = apps.get_model("accounts", "Municipality")
    with DATA.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    Municipality.objects.bulk_create(
        [
            Municipality(code=row["code"], name=row["name"], safety_region=row["safety_region"])
            for row in rows
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
