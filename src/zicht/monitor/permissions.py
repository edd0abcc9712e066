"""Who sees which municipality in the monitor: administrators of a municipality their own,
national analysts all of them; nobody else, and nobody ever a person."""

from __future__ import annotations

from zicht.accounts.constants import OrganisationType, Role


def own_municipality(membership) -> str | None:
    """The CBS code of the municipality this member administers, or None."""
    if membership is None or not membership.is_active or membership.role != Role.ORG_ADMIN:
        return None
    organisation = membership.organisation
    if organisation.type != OrganisationType.MUNICIPALITY:
        return None
    return organisation.municipality_id


def is_analyst(membership) -> bool:
    return membership is not None and membership.is_active and membership.role == Role.ANALYST


def may_view(membership, municipality: str) -> bool:
    return is_analyst(membership) or own_municipality(membership) == municipality
