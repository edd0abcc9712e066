"""Who may do what with organisations and members: the role from the access policy
(``organisation.members``), the object rule - *that* organisation - checked here."""

from zicht.access.policy import allows


def can_manage_members(membership, organisation) -> bool:
    """Only an active organisation administrator of *that* organisation."""
    return (
        allows("organisation.members", membership) and membership.organisation_id == organisation.pk
    )
