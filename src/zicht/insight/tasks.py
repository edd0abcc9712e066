"""Background recomputation of the cached estimates (run nightly by the worker)."""

from django_tasks import task

from zicht.insight import snapshot, tables
from zicht.insight.models import EstimateCache
from zicht.insight.selectors import Scope
from zicht.insight.services import cache_key, estimate_refresh, parse_cache_key


@task()
def refresh_estimates_task() -> int:
    """Recompute the national estimate and every cached variant, each with its own scope
    (national, one municipality, one organisation) read back from its key. Entries whose
    key is in an older format, which did not hold the municipality of the scope, are
    deleted: they may hold a municipality's estimate under a national key. Other
    municipal scopes are computed when their administrator first opens the dashboard.

    The national snapshot and the unfiltered dashboard's tables come first: ``load_demo``
    ends with this task, so a fresh installation's first visit reads them instead of
    counting every signal itself (and the fits below count from the same snapshot)."""
    if not _snapshot_refresh(None):
        tables.warm(None)  # current, but perhaps built by a visit that counted nothing
    national = Scope(None, "national")
    estimate_refresh(scope=national)
    count = 1
    done = {cache_key(national, None, None, None)}
    for key in list(EstimateCache.objects.values_list("key", flat=True)):
        if key in done:
            continue
        parsed = parse_cache_key(key)
        if parsed is None:
            EstimateCache.objects.filter(key=key).delete()
            continue
        estimate_refresh(**parsed)
        count += 1
    return count


@task()
def refresh_estimate_task(key: str) -> bool:
    """Compute the estimate of one cache key (a scope and filters nobody asked for before),
    queued by the dashboard so the page itself never waits for a model fit. Returns
    whether anything was computed: a key computed meanwhile, or in an older format, is
    left alone."""
    parsed = parse_cache_key(key)
    if parsed is None or EstimateCache.objects.filter(key=key).exists():
        return False
    estimate_refresh(**parsed)
    return True


@task()
def refresh_snapshot_task(organisation_id: int | None) -> bool:
    """Count the signals of one scope again after its data changed (queued by the
    dashboard, which meanwhile shows the previous count), and the unfiltered dashboard's
    tables from them, so the next visit of any web process reads those. Returns whether
    anything was rebuilt: a snapshot already current is left alone."""
    return _snapshot_refresh(organisation_id)


def _snapshot_refresh(organisation_id: int | None) -> bool:
    head = snapshot.stored_head(organisation_id)
    if head is not None and head[0] == repr(snapshot.data_version(organisation_id)):
        return False
    snapshot.rebuild(organisation_id)
    tables.warm(organisation_id)
    return True
