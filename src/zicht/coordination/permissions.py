"""Who may do what in coordination: the roles come from the access policy
(``zicht.access.policy``), the object rules are checked here on the object."""

from zicht.access.policy import PROVIDER_TYPES, allows

__all__ = [
    "PROVIDER_TYPES",
    "can_act_on_care_referral",
    "can_refer",
    "is_coordinator",
    "is_provider",
]


def is_coordinator(membership) -> bool:
    """An active coordinator of an active coordination centre (``file.coordinate``)."""
    return allows("file.coordinate", membership)


def can_refer(membership, signal) -> bool:
    """Only the author of a signal, as a professional of its organisation."""
    return (
        allows("referral.make", membership)
        and signal.organisation_id == membership.organisation_id
        and signal.author_id == membership.user_id
    )


def is_provider(membership) -> bool:
    """A professional or administrator of a shelter or youth care (``care_referral.act``)."""
    return allows("care_referral.act", membership)


def can_act_on_care_referral(membership, care_referral) -> bool:
    """Providers act on referrals to their own organisation only."""
    return is_provider(membership) and care_referral.provider_id == membership.organisation_id
