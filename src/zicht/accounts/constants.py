from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    POLICE = "police", _("Police")
    MUNICIPALITY = "municipality", _("Municipality")
    YOUTH_CARE = "youth_care", _("Youth care")
    SCHOOL = "school", _("School")
    HEALTH_CARE = "health_care", _("Health care")
    SHELTER = "shelter", _("Shelter")
    COORDINATION_CENTRE = "coordination_centre", _("Coordination centre")
    PUBLIC_PROSECUTION = "public_prosecution", _("Public prosecution")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    ORG_ADMIN = "org_admin", _("Organisation administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    COUNSELLOR = "counsellor", _("Counsellor")
    ANALYST = "analyst", _("Analyst")
