"""Publish indicator catalogue version 1 (data file intake/data/catalogue_v1.json)."""

import datetime
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "catalogue_v1.json"


def publish(apps, schema_editor):
    Catalogue = apps.get_model("intake", "IndicatorCatalogue")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    Catalogue.objects.filter(is_current=True).update(is_current=False)
    Catalogue.objects.update_or_create(
        version=data["version"],
        defaults={
            "published": datetime.date.fromisoformat(data["published"]),
            "data": data,
            "is_current": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]
    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
