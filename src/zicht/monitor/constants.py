"""Shared vocabulary of the monitor: kinds of neighbourhood, target indicators, the
municipalities that started Preventie met Gezag."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

WIJK_RE = re.compile(r"^WK\d{6}$")
BUURT_RE = re.compile(r"^BU\d{8}$")
MUNICIPALITY_RE = re.compile(r"^GM\d{4}$")

# Ages the programme counts per 10,000 (Preventie met Gezag works with 8-27).
POPULATION_AGES = "8-27"
PER = 10_000


class NeighbourhoodKind(models.TextChoices):
    WIJK = "wijk", _("district (wijk)")
    BUURT = "buurt", _("neighbourhood (buurt)")


class TargetIndicator(models.TextChoices):
    SIGNALS_SCHOOL = "signals_school", _("Signals from schools in the area")
    SIGNALS_YOUTH_CARE = (
        "signals_youth_care",
        _("Signals from youth work and youth care in the area"),
    )
    SIGNALS_HEALTH_CARE = "signals_health_care", _("Signals from health care in the area")
    SIGNALS_ALL = "signals_all", _("All signals in the area")
    PERSONS = "persons", _("Distinct young people in the area")
    SCREENING = "screening", _("Screening within the deadline (5 working days)")


# The source type each signal target counts (None: every source).
TARGET_SOURCES = {
    TargetIndicator.SIGNALS_SCHOOL: "school",
    TargetIndicator.SIGNALS_YOUTH_CARE: "youth_care",
    TargetIndicator.SIGNALS_HEALTH_CARE: "health_care",
    TargetIndicator.SIGNALS_ALL: None,
}


class TargetKind(models.TextChoices):
    CHANGE = "change", _("change against a base year (%)")
    SHARE = "share", _("share at least (%)")


class Judgement(models.TextChoices):
    GREEN = "green", _("on track")
    AMBER = "amber", _("behind")
    RED = "red", _("off track")
    GREY = "grey", _("no judgement yet")


# The fifteen municipalities that started Preventie met Gezag in 2022 (source document),
# by CBS code; "Zaandam" is in Zaanstad and "Breda-Noord" in Breda.
PARTICIPANTS_2022 = (
    "GM0363",  # Amsterdam
    "GM0995",  # Lelystad
    "GM0479",  # Zaanstad
    "GM0606",  # Schiedam
    "GM0599",  # Rotterdam
    "GM0518",  # 's-Gravenhage
    "GM0344",  # Utrecht
    "GM0356",  # Nieuwegein
    "GM0014",  # Groningen
    "GM0772",  # Eindhoven
    "GM0202",  # Arnhem
    "GM0855",  # Tilburg
    "GM0758",  # Breda
    "GM0080",  # Leeuwarden
    "GM0917",  # Heerlen
)
