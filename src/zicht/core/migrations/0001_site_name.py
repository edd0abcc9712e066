"""Name the default site "Zicht": the issuer shown in authenticator apps."""

from django.db import migrations


def name_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(id=1, defaults={"domain": "zicht.localhost", "name": "Zicht"})


class Migration(migrations.Migration):
    dependencies = [("sites", "0002_alter_domain_unique")]
    operations = [migrations.RunPython(name_site, migrations.RunPython.noop)]
