"""Demo reference data of the monitor: the bundled (demo-coded) CBS neighbourhoods and
population table, loaded before the demo signals so these can carry a buurt. Never in
production."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zicht.monitor import services
from zicht.monitor.models import Neighbourhood, Population

DATA = Path(__file__).resolve().parent / "data"


def demo_reference_ensure() -> bool:
    """Import the bundled lists when none is present; True when something was imported."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded in production.")
    imported = False
    if not Neighbourhood.objects.exists():
        services.neighbourhoods_import(
            text=(DATA / "neighbourhoods-demo.csv").read_text(encoding="utf-8")
        )
        imported = True
    if not Population.objects.exists():
        services.population_import(text=(DATA / "population-demo.csv").read_text(encoding="utf-8"))
        imported = True
    return imported
