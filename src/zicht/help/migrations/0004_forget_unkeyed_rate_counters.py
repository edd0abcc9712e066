"""Rate-limit keys of case codes and challenges were an unsalted SHA-256, which can be
reversed offline (31**8 case codes). They are now keyed (``ratelimit.hashed``); the old
rows are deleted, not converted: a counter lives at most a day, so nothing is lost but
the current window's counts."""

from django.db import migrations


def forget(apps, schema_editor):
    apps.get_model("help", "RateCounter").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("help", "0003_signal_handover")]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
