"""Evidence levels for the matches made before they were recorded (docs/linkage.md).

Computed from both index entries where both still exist under the same key; without the
query probes (year +-1) and without knowing which exact token is a BSN, so BSN stays
"not compared" and a year that differs by one reads as "different". Matches whose
entries left the index keep "not compared" everywhere.
"""

from django.db import migrations


def backfill(apps, schema_editor):
    from zicht.pprl.evidence import evidence_for

    Match = apps.get_model("linkage", "Match")
    IndexEntry = apps.get_model("linkage", "IndexEntry")
    ExactToken = apps.get_model("linkage", "ExactToken")
    BlockToken = apps.get_model("linkage", "BlockToken")

    def entries(signal_id):
        return {e.key_id: e for e in IndexEntry.objects.filter(signal_id=signal_id)}

    for match in Match.objects.exclude(status="internal").iterator():
        a, b = entries(match.signal_a_id), entries(match.signal_b_id)
        shared = sorted(set(a) & set(b))
        if not shared:
            continue
        own, other = b[shared[0]], a[shared[0]]
        ev = evidence_for(
            own_bloom=bytes(own.bloom),
            own_blocks=BlockToken.objects.filter(entry=own).values_list("token", flat=True),
            other_bloom=bytes(other.bloom),
            other_blocks=BlockToken.objects.filter(entry=other).values_list("token", flat=True),
            other_exact=ExactToken.objects.filter(entry=other).values_list("token", flat=True),
        )
        match.evidence_name, match.evidence_dob, match.evidence_bsn = (
            ev.name,
            ev.date_of_birth,
            ev.bsn,
        )
        match.save(update_fields=["evidence_name", "evidence_dob", "evidence_bsn"])


class Migration(migrations.Migration):
    dependencies = [("linkage", "0002_match_evidence")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
