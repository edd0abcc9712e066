"""Reads for accounts: always given the requesting user, returning what they may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from zicht.accounts.constants import OrganisationType, Role
from zicht.accounts.models import Invitation, Membership, Municipality, Organisation, User
from zicht.accounts.permissions import can_manage_members

__all__ = [
    "memberships_for",
    "membership_for_session",
    "members_of",
    "member_get",
    "home_actions_for",
    "HomeAction",
    "municipality_list",
    "role_intro_for",
    "organisation_list",
    "organisation_by_name",
    "municipality_get",
    "active_members",
    "coordinators",
    "user_has_two_factor",
    "invitations_for",
    "invitation_for",
    "invitations_of",
    "invitation_of_organisation",
    "invitation_names",
    "with_two_factor",
    "member_names",
    "user_names",
]


def memberships_for(*, user: User) -> QuerySet[Membership]:
    """The user's active memberships in active organisations."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation", "organisation__municipality")
        .order_by("organisation__name")
    )


def membership_for_session(*, user: User, membership_id: Any) -> Membership | None:
    """One of the user's active memberships by its id, or None - also for an id that is no
    whole number (a tampered form or session), which must not reach the database as a
    lookup error."""
    try:
        membership_id = int(membership_id)
    except (TypeError, ValueError):
        return None
    if not 0 < membership_id < 2**63:  # beyond a database integer
        return None
    return memberships_for(user=user).filter(pk=membership_id).first()


def members_of(
    *, membership: Membership | None, organisation: Organisation, include_inactive: bool = True
) -> QuerySet[Membership]:
    """Members of an organisation, for its administrators only."""
    if not can_manage_members(membership, organisation):
        raise PermissionDenied
    qs = Membership.objects.filter(organisation=organisation).select_related("user")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("-is_active", "user__last_name", "user__username")


def member_get(*, membership: Membership | None, member_id: Any) -> Membership:
    """One membership of the administrator's own organisation; 404 for any other."""
    if membership is None or not membership.is_org_admin:
        raise PermissionDenied
    try:
        return Membership.objects.select_related("user", "organisation").get(
            pk=member_id, organisation_id=membership.organisation_id
        )
    except Membership.DoesNotExist:
        raise Http404 from None


def user_has_two_factor(*, user: User) -> bool:
    """Whether the user has enrolled a confirmed authenticator (a TOTP device)."""
    return user_has_device(user, confirmed=True)


def with_two_factor(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """Only the memberships whose user has enrolled a confirmed authenticator."""
    enrolled = TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)
    return memberships.filter(Exists(enrolled))


def invitations_for(*, user: User) -> QuerySet[Invitation]:
    """The open invitations addressed to ``user`` (into active organisations), newest first."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    return Invitation.objects.filter(
        user=user, status=Invitation.Status.PENDING, organisation__is_active=True
    ).select_related("organisation", "invited_by")


def invitation_for(*, user: User, invitation_id: Any) -> Invitation:
    """One invitation addressed to ``user``, whatever its status; 404 for anyone else's."""
    try:
        return Invitation.objects.select_related("organisation").get(pk=invitation_id, user=user)
    except Invitation.DoesNotExist:
        raise Http404 from None


def invitations_of(
    *, membership: Membership | None, organisation: Organisation
) -> QuerySet[Invitation]:
    """Invitations of existing accounts into the organisation that were not accepted (open
    or declined), for its administrators only; an accepted one is a membership."""
    if not can_manage_members(membership, organisation):
        raise PermissionDenied
    return (
        Invitation.objects.filter(organisation=organisation)
        .exclude(status=Invitation.Status.ACCEPTED)
        .select_related("user")
        .order_by("status", "-created_at")
    )


def invitation_of_organisation(*, membership: Membership | None, invitation_id: Any) -> Invitation:
    """One invitation of the administrator's own organisation; 404 for any other."""
    if membership is None or not membership.is_org_admin:
        raise PermissionDenied
    try:
        return Invitation.objects.select_related("user", "organisation").get(
            pk=invitation_id, organisation_id=membership.organisation_id
        )
    except Invitation.DoesNotExist:
        raise Http404 from None


def municipality_list() -> QuerySet[Municipality]:
    return Municipality.objects.filter(is_active=True).order_by("name")


def organisation_list(*, type: str | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(is_active=True).select_related("municipality")
    if type:
        qs = qs.filter(type=type)
    return qs.order_by("name")


def organisation_by_name(*, name: str) -> Organisation | None:
    """The organisation with this (unique) name, active or not; ``None`` if there is none.

    No permission check: for demo data and commands, never for a view.
    """
    return Organisation.objects.filter(name=name).first()


def municipality_get(*, code: str) -> Municipality:
    """One municipality by its CBS code (e.g. ``GM0599``), active or not.

    Raises ``Municipality.DoesNotExist`` for an unknown code.
    """
    return Municipality.objects.get(code=code)


def active_members(
    *, organisation_id: int, roles: Iterable[str] | None = None
) -> QuerySet[Membership]:
    """Active memberships of one organisation (whether or not the organisation itself is
    active), optionally only those with one of ``roles``, with user and organisation.

    No permission check: for notifications and demo data, never hand the result to a view.
    """
    qs = Membership.objects.filter(organisation_id=organisation_id, is_active=True)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return qs.select_related("user", "organisation")


def coordinators() -> QuerySet[Membership]:
    """Active coordinators of the active coordination centres, with user and organisation."""
    return Membership.objects.filter(
        role=Role.COORDINATOR,
        is_active=True,
        organisation__type=OrganisationType.COORDINATION_CENTRE,
        organisation__is_active=True,
    ).select_related("user", "organisation")


@dataclass(frozen=True)
class HomeAction:
    title: str
    description: str
    url: str


# What each role can do next, in order. Entries whose URL does not exist (yet) are
# left out, so the home page never shows a dead link.
ROLE_ACTIONS: dict[str, list[tuple[str, str | Promise, str | Promise]]] = {
    Role.PROFESSIONAL: [
        (
            "intake:signal_create",
            _("Record a signal"),
            _("Write down what you saw, guided by the indicator list."),
        ),
        (
            "intake:signal_list",
            _("My organisation's signals"),
            _("Find, follow up and update signals."),
        ),
        (
            "linkage:match_list",
            _("Matches"),
            _("See which other organisations are involved with the same young person."),
        ),
        (
            "coordination:my_referrals",
            _("My referrals"),
            _("Follow the status of referrals to the coordination centre."),
        ),
        (
            "help:handover_list",
            _("Handed-over help conversations"),
            _("Conversations from the help pages passed on to your organisation for a signal."),
        ),
    ],
    Role.ORG_ADMIN: [
        (
            "accounts:member_list",
            _("Members"),
            _("Invite colleagues, change roles and deactivate accounts."),
        ),
        ("audit:list", _("Audit log"), _("See who did what in your organisation.")),
        ("api:key_list", _("API keys"), _("Manage keys for your organisation's systems.")),
        ("insight:dashboard", _("Insight dashboard"), _("Your organisation's signals in figures.")),
    ],
    Role.COORDINATOR: [
        (
            "coordination:inbox",
            _("Coordination inbox"),
            _("Screen referrals before their deadline."),
        ),
    ],
    Role.COUNSELLOR: [
        (
            "help:counsellor_inbox",
            _("Conversations"),
            _("Answer anonymous questions from the help pages."),
        ),
    ],
    Role.ANALYST: [
        (
            "insight:dashboard",
            _("Insight dashboard"),
            _("Counts, overlaps and the estimated hidden number."),
        ),
    ],
}

ROLE_INTRO: dict[str, Promise] = {
    Role.PROFESSIONAL: _(
        "As a professional you record signals of possible criminal exploitation, see when "
        "another organisation is involved with the same young person, and refer to the "
        "coordination centre."
    ),
    Role.ORG_ADMIN: _(
        "As an organisation administrator you manage who works in Zicht for your "
        "organisation and with which role."
    ),
    Role.COORDINATOR: _(
        "As a coordinator you screen referrals, assess protection needs and arrange care."
    ),
    Role.COUNSELLOR: _(
        "As a counsellor you answer young people and parents who ask for help anonymously."
    ),
    Role.ANALYST: _("As an analyst you see counts, trends and estimates - never individual files."),
}


def home_actions_for(*, user: User, membership: Membership | None) -> list[HomeAction]:
    actions: list[HomeAction] = []
    if membership is not None:
        for url_name, title, description in ROLE_ACTIONS.get(membership.role, []):
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            actions.append(HomeAction(str(title), str(description), url))
        if membership.role == Role.ANALYST or (
            membership.role == Role.ORG_ADMIN
            and membership.organisation.type == OrganisationType.MUNICIPALITY
        ):
            # The municipal monitor: analysts and administrators of a municipality only,
            # so not in ROLE_ACTIONS (which is per role, whatever the organisation).
            try:
                actions.append(
                    HomeAction(
                        str(_("Preventie met Gezag monitor")),
                        str(_("Signals inside and outside the area, targets, comparison.")),
                        reverse("monitor:overview"),
                    )
                )
            except NoReverseMatch:
                pass
    actions.append(
        HomeAction(
            str(_("Two-step verification")),
            str(_("See your authenticator app and print new backup codes.")),
            reverse("two_factor:profile"),
        )
    )
    if user.is_superuser:
        actions.append(
            HomeAction(
                str(_("System administration")),
                str(_("Organisations, municipalities and accounts in the Django admin.")),
                reverse("admin:index"),
            )
        )
    return actions


def role_intro_for(*, membership: Membership | None) -> str:
    return str(ROLE_INTRO.get(membership.role, "")) if membership is not None else ""


def _display_name(user: User) -> str:
    return user.get_full_name() or user.username


def user_names(object_ids: Iterable[str], organisation_id: int | None) -> dict[str, str]:
    """Display names of staff accounts, for the audit log of ``organisation_id`` (only
    its members; everyone for the system administrator's ``None``). Staff names are not
    the identity of the young people and may be shown to their administrators."""
    ids = [int(i) for i in object_ids if str(i).isdigit()]
    qs = Membership.objects.filter(user_id__in=ids).select_related("user")
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return {str(m.user_id): _display_name(m.user) for m in qs}


def member_names(object_ids: Iterable[str], organisation_id: int | None) -> dict[str, str]:
    """Display names of memberships, for the audit log of ``organisation_id``."""
    ids = [int(i) for i in object_ids if str(i).isdigit()]
    qs = Membership.objects.filter(pk__in=ids).select_related("user")
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return {str(m.pk): _display_name(m.user) for m in qs}


def invitation_names(object_ids: Iterable[str], organisation_id: int | None) -> dict[str, str]:
    """Display names of invited accounts, for the audit log of ``organisation_id``."""
    ids = [int(i) for i in object_ids if str(i).isdigit()]
    qs = Invitation.objects.filter(pk__in=ids).select_related("user")
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return {str(i.pk): _display_name(i.user) for i in qs}
