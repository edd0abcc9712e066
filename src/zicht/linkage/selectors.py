"""Reads of matches: only the requesting organisation's side, with the other side's contact."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Case, Count, Max, Q, QuerySet, When
from django.http import Http404

from zicht.accounts.constants import Role
from zicht.intake import selectors as intake_selectors
from zicht.linkage.constants import MatchStatus
from zicht.linkage.models import Match, Notification

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership, User
    from zicht.intake.selectors import SignalContact

__all__ = [
    "match_list",
    "match_views",
    "match_get",
    "MatchView",
    "unread_notifications",
    "possible_match_count",
]


@dataclass(frozen=True)
class MatchView:
    match: Match
    own: SignalContact  # of the requesting organisation's signal
    other: SignalContact  # of the other organisation: name, contact, dates only


def _sides(match: Match, organisation_id: int) -> tuple[uuid.UUID, uuid.UUID] | None:
    """(own signal id, other signal id), or None when the match is not for this
    organisation's eyes (another organisation's, or same-organisation statistics only)."""
    if match.status == MatchStatus.INTERNAL:
        return None
    side = match.side_of(organisation_id)
    if side is None:
        return None
    if side == "a":
        return match.signal_a_id, match.signal_b_id
    return match.signal_b_id, match.signal_a_id


def match_views(*, membership: Membership | None, matches: Iterable[Match]) -> list[MatchView]:
    """Views of ``matches`` (e.g. one page of ``match_list``) for the member's
    organisation, with both sides' contacts read in one query."""
    if membership is None:
        return []
    org = membership.organisation_id
    pairs = [(m, sides) for m in matches if (sides := _sides(m, org)) is not None]
    contacts = intake_selectors.signal_contacts(
        signal_ids={signal_id for _, sides in pairs for signal_id in sides}
    )
    views = []
    for match, (own_id, other_id) in pairs:
        own, other = contacts.get(own_id), contacts.get(other_id)
        if own is not None and other is not None:
            views.append(MatchView(match=match, own=own, other=other))
    return views


def match_list(*, membership: Membership | None, status: str | None = None) -> QuerySet[Match]:
    """Every match of the member's organisation with another organisation: those waiting
    for a decision first, then newest first (a queryset: paginate it, then build the
    page's views with ``match_views``)."""
    if membership is None:
        return Match.objects.none()
    org = membership.organisation_id
    qs = Match.objects.filter(Q(organisation_a_id=org) | Q(organisation_b_id=org)).exclude(
        status=MatchStatus.INTERNAL
    )
    if status:
        qs = qs.filter(status=status)
    waiting_first = Case(When(status=MatchStatus.POSSIBLE, then=0), default=1)
    return qs.order_by(waiting_first, "-created_at", "-pk")


def match_get(*, membership: Membership | None, match_id: int) -> MatchView:
    match = Match.objects.filter(pk=match_id).first()
    views = match_views(membership=membership, matches=[match]) if match else []
    if not views:
        raise Http404
    return views[0]


def matches_for_signal(*, membership: Membership | None, signal_id: uuid.UUID) -> list[MatchView]:
    qs = Match.objects.filter(Q(signal_a_id=signal_id) | Q(signal_b_id=signal_id))
    return match_views(membership=membership, matches=qs.order_by("-created_at", "-pk"))


def possible_match_count(*, membership: Membership | None) -> int:
    """Possible matches of the member's organisation that still wait for a decision by
    one of its professionals (0 for other roles, who cannot open the match list)."""
    if membership is None or membership.role != Role.PROFESSIONAL:
        return 0
    return match_list(membership=membership, status=MatchStatus.POSSIBLE).count()


def unread_notifications(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).select_related("match")


def confirmed_pairs() -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(signal_a_id, signal_b_id) of the pairs statistics treat as one person: confirmed
    by a professional, or strong (exact, or fuzzy at/above the calibrated match threshold)
    and not rejected - links within one organisation included. With
    ``ZICHT_STATISTICS_LINK = "possible"`` every possible match that was not rejected counts.
    """
    return list(confirmed_pairs_query())


def confirmed_pairs_query() -> QuerySet[Match, tuple[uuid.UUID, uuid.UUID]]:
    """The query of :func:`confirmed_pairs`, for a reader of every pair that takes the
    ids raw from the cursor (zicht.insight.snapshot: converting 100,000 ids to UUIDs
    cost it a third of a second)."""
    automatic = Q(strong=True)
    if getattr(settings, "ZICHT_STATISTICS_LINK", "strong") == "possible":
        automatic = Q()
    return Match.objects.filter(
        Q(status=MatchStatus.CONFIRMED) | (automatic & ~Q(status=MatchStatus.REJECTED))
    ).values_list("signal_a_id", "signal_b_id")


def confirmed_pairs_version() -> tuple:
    """A cheap fingerprint of what confirmed_pairs() returns: the matches per status and
    strength, the newest found and decided. Statistics that cluster persons once and keep
    the result (zicht.insight.snapshot) compare it to know when to cluster again; any
    match created, decided, ended or deleted changes it."""
    counts = tuple(
        sorted(
            (status, strong, n)
            for status, strong, n in Match.objects.order_by()
            .values_list("status", "strong")
            .annotate(n=Count("id"))
        )
    )
    newest = Match.objects.aggregate(found=Max("created_at"), decided=Max("decided_at"))
    return (
        getattr(settings, "ZICHT_STATISTICS_LINK", "strong"),
        counts,
        str(newest["found"]),
        str(newest["decided"]),
    )


def confirmed_same_person(*, signal_id: uuid.UUID) -> set[uuid.UUID]:
    """Ids of every other signal confirmed (directly or through others) as the same person.

    Follows confirmed matches transitively, so that one coordination file collects
    the referrals of all organisations that see the same young person.
    """
    seen = {signal_id}
    frontier = {signal_id}
    while frontier:
        rows = Match.objects.filter(status=MatchStatus.CONFIRMED).filter(
            Q(signal_a_id__in=frontier) | Q(signal_b_id__in=frontier)
        )
        found: set[uuid.UUID] = set()
        for a, b in rows.values_list("signal_a_id", "signal_b_id"):
            found.update((a, b))
        frontier = found - seen
        seen |= found
    seen.discard(signal_id)
    return seen
