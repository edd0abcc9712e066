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


# Which roles an organisation of each type can give its members. Organisation
# administrators hand out roles, so this is what keeps a police administrator from making
# a colleague a counsellor (who reads every anonymous help conversation) or a national
# analyst. Every organisation has professionals and administrators.
_EVERYWHERE = frozenset({Role.PROFESSIONAL, Role.ORG_ADMIN})
ROLES_BY_ORGANISATION_TYPE: dict[str, frozenset[str]] = {
    OrganisationType.COORDINATION_CENTRE: frozenset(Role.values),
    OrganisationType.YOUTH_CARE: _EVERYWHERE | {Role.COUNSELLOR},
    OrganisationType.SHELTER: _EVERYWHERE | {Role.COUNSELLOR},
    OrganisationType.HEALTH_CARE: _EVERYWHERE | {Role.COUNSELLOR},
    OrganisationType.OTHER: _EVERYWHERE | {Role.COUNSELLOR, Role.ANALYST},
}


def roles_for(organisation_type: str) -> frozenset[str]:
    """The roles members of an organisation of this type may have."""
    return ROLES_BY_ORGANISATION_TYPE.get(organisation_type, _EVERYWHERE)


def role_choices_for(organisation_type: str) -> list[tuple[str, str]]:
    allowed = roles_for(organisation_type)
    return [(value, label) for value, label in Role.choices if value in allowed]
