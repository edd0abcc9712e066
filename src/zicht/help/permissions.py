"""Who may do what with anonymous conversations. Plain functions on the membership."""

from zicht.accounts.constants import Role, roles_for


def is_counsellor(membership) -> bool:
    """Only an active counsellor membership of an active organisation of a type that may
    have counsellors (``accounts.constants.roles_for``) reads conversations - so a
    counsellor role set by mistake in, say, a police organisation opens nothing."""
    return (
        membership is not None
        and membership.is_active
        and membership.role == Role.COUNSELLOR
        and membership.organisation.is_active
        and Role.COUNSELLOR in roles_for(membership.organisation.type)
    )


def is_professional(membership) -> bool:
    """An active professional membership of an active organisation.

    Such a professional reads the conversations a counsellor of the same organisation
    handed over as a signal (and only those): the selectors check the organisation."""
    return (
        membership is not None
        and membership.is_active
        and membership.role == Role.PROFESSIONAL
        and membership.organisation.is_active
    )
