"""Writes of insight: the estimate cache and the public statistics release."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.accounts import selectors as account_selectors
from zicht.accounts.constants import Role
from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.insight import public
from zicht.insight.estimates import hidden_number, municipal_period_numbers, period_numbers
from zicht.insight.models import EstimateCache, PublicRelease
from zicht.insight.selectors import Scope, dataset, public_release_records
from zicht.intake.constants import ExploitationForm

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import User

__all__ = [
    "estimate_refresh",
    "estimate_cached",
    "estimate_queued",
    "cache_key",
    "parse_cache_key",
    "release_create",
]

_KEY_PARTS = ("org", "mun", "from", "to", "filter")


def cache_key(
    scope: Scope, date_from: dt.date | None, date_to: dt.date | None, municipality: str | None
) -> str:
    """The cache key of one estimate: every part of the scope (organisation *and*
    municipality) plus the filters, so two scopes never share an entry. A municipal scope
    ignores the municipality filter (dataset() does too), so it is left out of the key."""
    if scope.municipality:
        municipality = None
    values = (
        "all" if scope.organisation_id is None else str(scope.organisation_id),
        scope.municipality or "all",
        str(date_from or ""),
        str(date_to or ""),
        municipality or "",
    )
    return "|".join(f"{name}={value}" for name, value in zip(_KEY_PARTS, values, strict=True))


def parse_cache_key(key: str) -> dict | None:
    """``{"scope", "date_from", "date_to", "municipality"}`` of a key made by cache_key(), or
    None for a key in another (older) format."""
    parts = key.split("|")
    if len(parts) != len(_KEY_PARTS):
        return None
    values = {}
    for name, part in zip(_KEY_PARTS, parts, strict=True):
        label, sep, value = part.partition("=")
        if label != name or not sep:
            return None
        values[name] = value
    try:
        organisation_id = None if values["org"] == "all" else int(values["org"])
        date_from = dt.date.fromisoformat(values["from"]) if values["from"] else None
        date_to = dt.date.fromisoformat(values["to"]) if values["to"] else None
    except ValueError:
        return None
    municipality = None if values["mun"] == "all" else values["mun"]
    return {
        "scope": Scope(organisation_id, "", municipality=municipality),
        "date_from": date_from,
        "date_to": date_to,
        "municipality": values["filter"] or None,
    }


def estimate_refresh(
    *,
    scope: Scope,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    municipality: str | None = None,
) -> EstimateCache:
    data = dataset(scope=scope, date_from=date_from, date_to=date_to, municipality=municipality)
    result = hidden_number(data).to_dict()
    if scope.national and not (date_from or date_to or municipality):
        # The national page also shows the number per half-year (issue 14).
        result["periods"] = period_numbers(data)
        # And per municipality where the data support it (issue 14).
        result["municipal_periods"] = municipal_period_numbers(data)
    entry, _ = EstimateCache.objects.update_or_create(
        key=cache_key(scope, date_from, date_to, municipality),
        defaults={"result": result, "computed_at": timezone.now()},
    )
    return entry


def estimate_cached(
    *,
    scope: Scope,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    municipality: str | None = None,
) -> EstimateCache:
    entry = EstimateCache.objects.filter(
        key=cache_key(scope, date_from, date_to, municipality)
    ).first()
    return entry or estimate_refresh(
        scope=scope, date_from=date_from, date_to=date_to, municipality=municipality
    )


def estimate_queued(
    *,
    scope: Scope,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    municipality: str | None = None,
) -> EstimateCache | None:
    """The cached estimate, or None after queueing its computation: the dashboard's way,
    so a first visit with new filters does not wait seconds for the model fit (the page
    says the estimate is being computed). The exports still compute in the request
    (``estimate_cached``): a download must hold the estimate."""
    from zicht.insight.tasks import refresh_estimate_task  # noqa: PLC0415 - tasks imports services (cycle)

    key = cache_key(scope, date_from, date_to, municipality)
    entry = EstimateCache.objects.filter(key=key).first()
    if entry is None:
        refresh_estimate_task.enqueue(key)
        # With an immediate task backend (tests, a worker-less setup) it is there now.
        entry = EstimateCache.objects.filter(key=key).first()
    return entry


FIRST_RELEASE_YEAR = 2000


def release_create(*, by: User, year: int) -> PublicRelease:
    """Publish the year's noisy tables, spending the year's whole privacy budget.

    Only an analyst may publish (the same people who see the national dashboard). A year
    that already has a release is refused: a second release of the same data would spend
    ``ZICHT_PUBLIC_RELEASE_EPSILON`` again, and averaging the two would undo part of the
    noise. Republishing needs an explicit budget decision (docs/insight.md), taken by
    removing the old release outside the application - never by this call. Nothing is
    written when it refuses.
    """
    if not any(m.role == Role.ANALYST for m in account_selectors.memberships_for(user=by)):
        raise PermissionDenied(_("Only an analyst can publish the public statistics."))
    today = timezone.localdate()
    if not isinstance(year, int) or not FIRST_RELEASE_YEAR <= year <= today.year:
        raise ValidationError(
            _("Choose a year from %(first)s to %(last)s.")
            % {"first": FIRST_RELEASE_YEAR, "last": today.year}
        )
    if PublicRelease.objects.filter(year=year).exists():
        raise ValidationError(_budget_spent(year))
    epsilon_total = settings.ZICHT_PUBLIC_RELEASE_EPSILON
    epsilon_per_table = epsilon_total / len(public.TABLE_KINDS)
    cats = public.categories(
        year=year,
        forms=[code for code, _label in ExploitationForm.choices],
        municipalities=[m.code for m in account_selectors.municipality_list()],
    )
    true = public.true_tables(public_release_records(year=year), cats)
    noisy = public.noisy_tables(true, epsilon_per_table=epsilon_per_table)
    del true  # the true counts never leave this function
    tables = {kind: dict(zip(cats[kind], noisy[kind], strict=True)) for kind in public.TABLE_KINDS}
    try:
        with transaction.atomic():
            release = PublicRelease.objects.create(
                year=year,
                table_kinds=list(public.TABLE_KINDS),
                epsilon_per_table=epsilon_per_table,
                epsilon_total=epsilon_total,
                contribution_bound=public.CONTRIBUTION_BOUND,
                tables=tables,
                created_by=by,
            )
            audit.record(
                action=AuditAction.INSIGHT_PUBLIC_RELEASE_CREATED,
                actor=by,
                object_type="insight.publicrelease",
                object_id=release.pk,
                details={"year": year, "epsilon": epsilon_total},
            )
    except IntegrityError:  # a release of this year was made at the same moment
        raise ValidationError(_budget_spent(year)) from None
    return release


def _budget_spent(year: int) -> str:
    return _(
        "The privacy budget of %(year)s is spent: it already has a public release. A second "
        "release needs an explicit budget decision (see the documentation on the public "
        "release); it is not made from here."
    ) % {"year": year}
