"""Cached estimates: recomputed in the background, shown with the time they were computed."""

from django.db import models


class EstimateCache(models.Model):
    key = models.CharField(max_length=200, unique=True)
    result = models.JSONField()
    computed_at = models.DateTimeField()

    def __str__(self):
        return self.key
