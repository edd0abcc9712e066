"""Backup codes are stored as keyed hashes (zicht.accounts.security): hash the plain codes
django-otp's static devices held until now. Irreversible by design: going back leaves the
hashes, which the older code cannot match, so members generate new codes."""

from django.db import migrations


def hash_plain_codes(apps, schema_editor):
    from zicht.accounts.security import hash_backup_code, is_hashed_backup_code

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.iterator():
        if not is_hashed_backup_code(token.token):
            token.token = hash_backup_code(token.token)
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_municipalities"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
