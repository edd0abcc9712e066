"""Who may do what with anonymous conversations. Plain functions on the membership."""

from zicht.accounts.constants import Role


def is_counsellor(membership) -> bool:
    """Only an active counsellor membership of an active organisation reads conversations."""
    return (
        membership is not None
        and membership.is_active
        and membership.role == Role.COUNSELLOR
        and membership.organisation.is_active
    )
