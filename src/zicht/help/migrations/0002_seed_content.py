"""Load the shipped help pages, service contacts and reply templates (create-only)."""

from django.db import migrations


def seed(apps, schema_editor):
    from zicht.help.content import load_into

    load_into(
        HelpPage=apps.get_model("help", "HelpPage"),
        ServiceContact=apps.get_model("help", "ServiceContact"),
        ReplyTemplate=apps.get_model("help", "ReplyTemplate"),
    )


class Migration(migrations.Migration):
    dependencies = [("help", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
