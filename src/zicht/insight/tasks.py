"""Background recomputation of the cached estimates (run nightly by the worker)."""

from django_tasks import task

from zicht.insight.models import EstimateCache
from zicht.insight.selectors import Scope
from zicht.insight.services import estimate_refresh


@task()
def refresh_estimates_task() -> int:
    """Recompute the national estimate and every cached variant."""
    estimate_refresh(scope=Scope(None, "national"))
    count = 1
    for key in EstimateCache.objects.values_list("key", flat=True):
        org, date_from, date_to, municipality = key.split("|")
        estimate_refresh(
            scope=Scope(None if org == "all" else int(org), ""),
            date_from=date_from or None,
            date_to=date_to or None,
            municipality=municipality or None,
        )
        count += 1
    return count
