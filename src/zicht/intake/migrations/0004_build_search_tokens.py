"""Give every active signal recorded before search existed its blind-index tokens.

Uses the historical models and ``zicht.intake.search`` (pure functions of the identity
text and the configured field-encryption key), so it stays valid as the models change.
``manage.py rebuild_search_tokens`` does the same outside a migration.
"""

from django.db import migrations


def build(apps, schema_editor):
    from zicht.intake import search

    Signal = apps.get_model("intake", "Signal")
    Token = apps.get_model("intake", "SignalSearchToken")
    key_id = search.current_key_id()
    signals = Signal.objects.filter(status="active", identity__isnull=False).select_related(
        "identity"
    )
    batch = []
    for signal in signals.iterator(chunk_size=500):
        identity = signal.identity
        batch += [
            Token(
                signal_id=signal.pk,
                organisation_id=signal.organisation_id,
                kind=kind,
                token=token,
                key_id=key_id,
            )
            for kind, token in search.identity_tokens(
                organisation_id=signal.organisation_id,
                given_names=identity.given_names,
                surname=identity.surname,
                alias=identity.alias,
                date_of_birth=identity.date_of_birth,
                bsn=identity.bsn,
            )
        ]
        if len(batch) >= 5000:
            Token.objects.bulk_create(batch)
            batch = []
    Token.objects.bulk_create(batch)


def remove(apps, schema_editor):
    apps.get_model("intake", "SignalSearchToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_signal_search_tokens")]
    operations = [migrations.RunPython(build, remove)]
