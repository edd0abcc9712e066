"""The municipal monitor's own data: reference lists (CBS neighbourhoods, population) and
what a municipality decides (its Preventie met Gezag areas and its targets).

Nothing here refers to a person: a signal is placed in an area only by its municipality
and its optional neighbourhood code, at the moment the monitor is read.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zicht.monitor.constants import NeighbourhoodKind, TargetIndicator, TargetKind


class Neighbourhood(models.Model):
    """One CBS wijk (``WK`` + 6 digits) or buurt (``BU`` + 8 digits), imported from the
    published CBS list (``import_neighbourhoods``)."""

    code = models.CharField(_("CBS code"), max_length=10, primary_key=True)
    kind = models.CharField(_("kind"), max_length=8, choices=NeighbourhoodKind.choices)
    name = models.CharField(_("name"), max_length=120)
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def wijk_code(self) -> str:
        """The wijk a buurt lies in: its code's first eight characters with ``WK``."""
        return "WK" + self.code[2:8] if self.kind == NeighbourhoodKind.BUURT else self.code


class Population(models.Model):
    """Young people aged 8-27 living in a municipality on 1 January of a year (CBS StatLine
    or the municipality's own register), imported with ``import_population``."""

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    young_people = models.PositiveIntegerField(_("young people aged 8-27"))

    class Meta:
        ordering = ["municipality", "year"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="monitor_population_once")
        ]
        verbose_name = _("population")
        verbose_name_plural = _("populations")

    def __str__(self):
        return f"{self.municipality_id} {self.year}: {self.young_people}"


class Area(models.Model):
    """A Preventie met Gezag area: a set of wijken and buurten of one municipality."""

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    codes = models.JSONField(_("neighbourhood codes"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="monitor_area_name")
        ]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return self.name


class Target(models.Model):
    """A target a municipality set for one indicator in one year."""

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.CharField(_("indicator"), max_length=32, choices=TargetIndicator.choices)
    kind = models.CharField(_("kind of target"), max_length=8, choices=TargetKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    baseline_year = models.PositiveSmallIntegerField(_("compared with"), null=True, blank=True)
    value = models.DecimalField(_("target value (%)"), max_digits=6, decimal_places=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["municipality", "year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "indicator", "year"], name="monitor_target_once"
            )
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.municipality_id} {self.indicator} {self.year}"


class EstimateCache(models.Model):
    """A computed hidden number for one municipality, area and period: the estimate takes
    about a second, so a page reuses it for a day (``ESTIMATE_MAX_AGE``) instead of fitting
    the models on every view."""

    key = models.CharField(max_length=64, unique=True)
    result = models.JSONField()
    computed_at = models.DateTimeField()

    def __str__(self):
        return self.key
