"""The rate-limit counters now live in core.RateCounter. The old rows are dropped, not
copied: a counter lives at most a day, so an upgrade only resets the current windows."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('help', '0006_young_adults_content'),
        ('core', '0003_rate_counter'),
    ]

    operations = [
        migrations.DeleteModel(
            name='RateCounter',
        ),
    ]
