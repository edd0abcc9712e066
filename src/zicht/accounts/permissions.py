"""Who may do what with organisations and members. Plain functions, checked on the object."""

from zicht.accounts.constants import Role


def can_manage_members(membership, organisation) -> bool:
    """Only an active organisation administrator of *that* organisation."""
    return (
        membership is not None
        and membership.is_active
        and membership.role == Role.ORG_ADMIN
        and membership.organisation_id == organisation.pk
        and membership.organisation.is_active
    )
