"""Who may do what in coordination. Plain functions, checked on the object."""

from zicht.accounts.constants import OrganisationType, Role

PROVIDER_TYPES = (OrganisationType.SHELTER, OrganisationType.YOUTH_CARE)
PROVIDER_ROLES = (Role.PROFESSIONAL, Role.ORG_ADMIN)


def is_coordinator(membership) -> bool:
    """An active coordinator of an active coordination centre."""
    return (
        membership is not None
        and membership.is_active
        and membership.role == Role.COORDINATOR
        and membership.organisation.type == OrganisationType.COORDINATION_CENTRE
        and membership.organisation.is_active
    )


def can_refer(membership, signal) -> bool:
    """Only the author of a signal, as a professional of its organisation."""
    return (
        membership is not None
        and membership.is_active
        and membership.role == Role.PROFESSIONAL
        and signal.organisation_id == membership.organisation_id
        and signal.author_id == membership.user_id
    )


def is_provider(membership) -> bool:
    return (
        membership is not None
        and membership.is_active
        and membership.role in PROVIDER_ROLES
        and membership.organisation.type in PROVIDER_TYPES
    )


def can_act_on_care_referral(membership, care_referral) -> bool:
    """Providers act on referrals to their own organisation only."""
    return is_provider(membership) and care_referral.provider_id == membership.organisation_id
