"""Make the database refuse UPDATE and DELETE of an audit event (zicht.audit.triggers).

PostgreSQL and SQLite get a row trigger; other databases get nothing (the keyed chain and
the checkpoints still detect changes there). TRUNCATE is not refused: see the module.
"""

from django.db import migrations

from zicht.audit import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor.connection)


def remove(apps, schema_editor):
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_keyed_chain")]

    operations = [migrations.RunPython(install, remove)]
