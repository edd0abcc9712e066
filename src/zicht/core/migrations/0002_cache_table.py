"""Create the database cache table (settings.CACHES) as part of ``migrate``.

The shared cache holds the API rate limits; with the table created here a fresh
``migrate`` is all a new installation (or a test database) needs. ``createcachetable``
skips tables that exist and caches that are not database caches (Redis).
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_site_name")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
