"""The first-pass bytes in every zicht-pprl-2 block row (``BlockToken.prefilter``), and
the covering index extended to them (docs/linkage.md).

A zicht-pprl-2 lookup reads the first-pass bytes of every member of its blocks; at 10^6
entries a year-month block holds some 7,000, and fetching each from the entries' heap
was most of the lookup (benchmarks/RESULTS.md, "zicht-pprl-2 lookup at 1,000,000
entries"). With the bytes in the block row, PostgreSQL answers the block query from the
covering index ``(token) INCLUDE (entry_id, bloom, pprl2_entry, prefilter)`` alone.
Existing pprl-2 block rows get their entry's bytes copied in. Reversing drops the column
and makes the covering index of migration 0004 again.
"""

from django.db import migrations, models

COVERING = "linkage_blocktoken_token_cover"


def copy_prefilter(apps, schema_editor):
    schema_editor.execute(
        "UPDATE linkage_blocktoken SET prefilter = (SELECT e.prefilter FROM "
        "linkage_indexentry e WHERE e.id = linkage_blocktoken.entry_id) "
        "WHERE pprl2_entry AND bloom = %s",
        [b""],
    )


def _covering(schema_editor, columns: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {COVERING}")
        schema_editor.execute(
            f"CREATE INDEX {COVERING} ON linkage_blocktoken (token) INCLUDE ({columns})"
        )


def covering_with_prefilter(apps, schema_editor):
    _covering(schema_editor, "entry_id, bloom, pprl2_entry, prefilter")


def covering_without_prefilter(apps, schema_editor):
    _covering(schema_editor, "entry_id, bloom, pprl2_entry")


class Migration(migrations.Migration):
    dependencies = [
        ("linkage", "0005_pprl2_prefilter"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, covering_without_prefilter),
        migrations.AddField(
            model_name="blocktoken",
            name="prefilter",
            field=models.BinaryField(blank=True, default=b""),
        ),
        migrations.RunPython(copy_prefilter, migrations.RunPython.noop),
        migrations.RunPython(covering_with_prefilter, migrations.RunPython.noop),
    ]
