"""Who may do what with anonymous conversations. Plain functions on the membership."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from zicht.access.policy import allows
from zicht.accounts.constants import OrganisationType

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership
    from zicht.help.models import Conversation


def is_counsellor(membership: Membership | None) -> TypeGuard[Membership]:
    """Only an active counsellor membership of an active organisation of a type that may
    have counsellors (``accounts.constants.roles_for``) reads conversations - so a
    counsellor role set by mistake in, say, a police organisation opens nothing."""
    return allows("conversation.counsel", membership)


def is_professional(membership: Membership | None) -> TypeGuard[Membership]:
    """An active professional membership of an active organisation.

    Such a professional reads the conversations a counsellor of the same organisation
    handed over as a signal (and only those): the selectors check the organisation."""
    return allows("handover.take_up", membership)


def is_centre_counsellor(membership: Membership | None) -> TypeGuard[Membership]:
    """A counsellor of the national coordination centre, which answers every conversation
    nobody passed on (``Conversation.routed_to`` empty). Organisations of that type are
    created by the platform's operators, not by organisation administrators."""
    return (
        is_counsellor(membership)
        and membership.organisation.type == OrganisationType.COORDINATION_CENTRE
    )


def can_counsel(membership: Membership | None, conversation: Conversation) -> bool:
    """Read and answer this conversation: a counsellor of the service that answers it.

    Conversations belong to one counsellor service at a time: the coordination centre
    unless a counsellor passed the conversation to another organisation's counsellors.
    An administrator who makes a colleague counsellor in their own organisation (which
    they may, for organisations that counsel) so gives them only the conversations passed
    to that organisation, not those of the 133 others."""
    if not is_counsellor(membership):
        return False
    if conversation.routed_to_id is None:
        return is_centre_counsellor(membership)
    return conversation.routed_to_id == membership.organisation_id
