"""Writes of insight: the estimate cache."""

from __future__ import annotations

from django.utils import timezone

from zicht.insight.estimates import hidden_number
from zicht.insight.models import EstimateCache
from zicht.insight.selectors import Scope, dataset

__all__ = ["estimate_refresh", "cache_key"]


def cache_key(scope: Scope, date_from, date_to, municipality) -> str:
    return (
        f"{scope.organisation_id or 'all'}|{date_from or ''}|{date_to or ''}|{municipality or ''}"
    )


def estimate_refresh(
    *, scope: Scope, date_from=None, date_to=None, municipality=None
) -> EstimateCache:
    data = dataset(scope=scope, date_from=date_from, date_to=date_to, municipality=municipality)
    result = hidden_number(data).to_dict()
    entry, _ = EstimateCache.objects.update_or_create(
        key=cache_key(scope, date_from, date_to, municipality),
        defaults={"result": result, "computed_at": timezone.now()},
    )
    return entry


def estimate_cached(
    *, scope: Scope, date_from=None, date_to=None, municipality=None
) -> EstimateCache:
    entry = EstimateCache.objects.filter(
        key=cache_key(scope, date_from, date_to, municipality)
    ).first()
    return entry or estimate_refresh(
        scope=scope, date_from=date_from, date_to=date_to, municipality=municipality
    )
