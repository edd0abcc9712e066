"""Who sees which municipality in the monitor: administrators of a municipality their own,
national analysts all of them; nobody else, and nobody ever a person."""

from __future__ import annotations

from zicht.access.policy import admitted_as, allows
from zicht.accounts.constants import Role


def own_municipality(membership) -> str | None:
    """The CBS code of the municipality this member administers (``monitor.configure``:
    an administrator of a municipality), or None."""
    if not allows("monitor.configure", membership):
        return None
    return membership.organisation.municipality_id


def is_analyst(membership) -> bool:
    """Admitted to the monitor as an analyst: every municipality (``monitor.view``)."""
    who = admitted_as("monitor.view", membership)
    return who is not None and who.role == Role.ANALYST


def may_view(membership, municipality: str) -> bool:
    return is_analyst(membership) or own_municipality(membership) == municipality
