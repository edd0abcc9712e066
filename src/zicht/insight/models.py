"""Cached estimates: recomputed in the background, shown with the time they were computed."""

from django.conf import settings
from django.db import models


class EstimateCache(models.Model):
    key = models.CharField(max_length=200, unique=True)
    result = models.JSONField()
    computed_at = models.DateTimeField()

    def __str__(self):
        return self.key


class PublicRelease(models.Model):
    """One year's public statistics release (issue 16): noisy tables only.

    ``tables`` holds, per table kind, the fixed categories and their *noisy* counts
    (``zicht.insight.public``); the true counts are never stored. One release per year:
    the year's privacy budget is spent by it (``ZICHT_PUBLIC_RELEASE_EPSILON``)."""

    year = models.PositiveIntegerField(unique=True)
    table_kinds = models.JSONField()
    epsilon_per_table = models.FloatField()
    epsilon_total = models.FloatField()
    contribution_bound = models.PositiveIntegerField()
    tables = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return f"public release {self.year}"


class CountSnapshot(models.Model):
    """The counted signals of one scope with their persons (``zicht.insight.snapshot``),
    kept under the data version they were counted at. A table of its own rather than the
    cache: the database cache culls entries once it holds more than its maximum (rate
    limits share it), and losing the snapshot would make the next visit count 100,000
    signals in the request. ``payload`` is the pickled snapshot, written and read only by
    that module; ``version`` and ``token`` are read on every visit without it."""

    key = models.CharField(max_length=40, unique=True)
    version = models.TextField()
    token = models.CharField(max_length=32)
    built_at = models.DateTimeField()
    payload = models.BinaryField()

    def __str__(self):
        return f"count snapshot {self.key}"


class CountedTables(models.Model):
    """What the dashboard shows of one selection (period, municipality, language) counted
    from one snapshot: the published tables (``zicht.insight.tables``), kept so that any
    web process - a freshly started one too - renders them without loading and counting
    the snapshot's rows. ``key`` is a digest of the selection, the snapshot's ``token``
    and the referrals and registered possible victims counted in; ``snapshot_key`` names
    the snapshot, whose rebuild deletes the entries of its previous token. ``payload`` is
    pickled, written and read only by ``zicht.insight.tables``."""

    key = models.CharField(max_length=64, unique=True)
    snapshot_key = models.CharField(max_length=40, db_index=True)
    token = models.CharField(max_length=32)
    counted_at = models.DateTimeField()
    payload = models.BinaryField()

    def __str__(self):
        return f"counted tables {self.key}"
