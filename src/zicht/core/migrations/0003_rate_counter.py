"""The rate-limit counters move from the help app to core: the API throttle, the lessons
join limits and the help limits share one atomic counter (zicht.core.ratelimit)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_cache_table'),
    ]

    operations = [
        migrations.CreateModel(
            name='RateCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=100)),
                ('window_start', models.DateTimeField()),
                ('count', models.PositiveIntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['window_start'], name='core_rateco_window__24cd50_idx')],
                'constraints': [models.UniqueConstraint(fields=('key', 'window_start'), name='core_rate_key_window')],
            },
        ),
    ]
