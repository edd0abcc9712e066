"""Key the audit chain: events from now on are hashed with an HMAC under ZICHT_AUDIT_KEY.

Events already in the database were hashed with plain SHA-256. They are not rewritten
(re-hashing them would erase the evidence they carry): they get ``hash_version`` 1 and
keep verifying with the old rule. The chain head records, and signs with the key, the
first sequence number that must be keyed (``keyed_from_seq``: the next event), so
nobody without the key can later pass off rewritten events as old unkeyed ones.
"""

from django.db import migrations, models

from zicht.audit.services import head_anchor_mac


def anchor_keyed_chain(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    db = schema_editor.connection.alias
    last_seq = (
        AuditEvent.objects.using(db).order_by("-seq").values_list("seq", flat=True).first() or 0
    )
    head = ChainHead.objects.using(db).filter(id=1).first()
    if head is None:
        last_hash = (
            AuditEvent.objects.using(db).filter(seq=last_seq).values_list("hash", flat=True).first()
            or "0" * 64
        )
        head = ChainHead(id=1, last_seq=last_seq, last_hash=last_hash)
    head.keyed_from_seq = last_seq + 1
    head.keyed_from_mac = head_anchor_mac(head.keyed_from_seq)
    head.save(using=db)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "SHA-256"), (2, "HMAC-SHA256")], default=1, verbose_name="hash version"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="chainhead",
            name="keyed_from_seq",
            field=models.PositiveBigIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="chainhead",
            name="keyed_from_mac",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(anchor_keyed_chain, migrations.RunPython.noop),
    ]
