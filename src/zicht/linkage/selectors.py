"""Reads of matches: only the requesting organisation's side, with the other side's contact."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from zicht.intake import selectors as intake_selectors
from zicht.linkage.constants import MatchStatus
from zicht.linkage.models import Match, Notification

__all__ = [
    "match_list",
    "match_get",
    "MatchView",
    "unread_notifications",
    "possible_match_count",
]


@dataclass(frozen=True)
class MatchView:
    match: Match
    own: object  # SignalContact of the requesting organisation's signal
    other: object  # SignalContact of the other organisation: name, contact, dates only


def _view(match: Match, organisation_id: int) -> MatchView | None:
    if match.status == "internal":
        return None
    side = match.side_of(organisation_id)
    if side is None:
        return None
    own_id, other_id = (
        (match.signal_a_id, match.signal_b_id)
        if side == "a"
        else (match.signal_b_id, match.signal_a_id)
    )
    own = intake_selectors.signal_contact(signal_id=own_id)
    other = intake_selectors.signal_contact(signal_id=other_id)
    if own is None or other is None:
        return None
    return MatchView(match=match, own=own, other=other)


def match_list(*, membership, status: str | None = None) -> list[MatchView]:
    if membership is None:
        return []
    org = membership.organisation_id
    qs = Match.objects.filter(organisation_a_id=org) | Match.objects.filter(organisation_b_id=org)
    qs = qs.exclude(status="internal")
    if status:
        qs = qs.filter(status=status)
    views = (_view(m, org) for m in qs.order_by("-created_at")[:500])
    return [v for v in views if v is not None]


def match_get(*, membership, match_id: int) -> MatchView:
    match = Match.objects.filter(pk=match_id).first()
    view = _view(match, membership.organisation_id) if match and membership else None
    if view is None:
        raise Http404
    return view


def matches_for_signal(*, membership, signal_id) -> list[MatchView]:
    qs = Match.objects.filter(signal_a_id=signal_id) | Match.objects.filter(signal_b_id=signal_id)
    views = (_view(m, membership.organisation_id) for m in qs.order_by("-created_at"))
    return [v for v in views if v is not None]


def possible_match_count(*, membership) -> int:
    """Possible matches of the member's organisation that still wait for a decision."""
    if membership is None:
        return 0
    org = membership.organisation_id
    qs = Match.objects.filter(organisation_a_id=org) | Match.objects.filter(organisation_b_id=org)
    return qs.filter(status=MatchStatus.POSSIBLE).count()


def unread_notifications(*, user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).select_related("match")


def confirmed_pairs() -> list[tuple]:
    """(signal_a_id, signal_b_id) of the pairs statistics treat as one person: confirmed
    by a professional, or strong (exact, or fuzzy at/above the calibrated match threshold)
    and not rejected - links within one organisation included. With
    ``ZICHT_STATISTICS_LINK = "possible"`` every possible match that was not rejected counts.
    """
    from django.conf import settings
    from django.db.models import Q

    from zicht.linkage.constants import MatchStatus

    automatic = Q(strong=True)
    if getattr(settings, "ZICHT_STATISTICS_LINK", "strong") == "possible":
        automatic = Q()
    return list(
        Match.objects.filter(
            Q(status=MatchStatus.CONFIRMED) | (automatic & ~Q(status=MatchStatus.REJECTED))
        ).values_list("signal_a_id", "signal_b_id")
    )


def confirmed_same_person(*, signal_id) -> set:
    """Ids of every other signal confirmed (directly or through others) as the same person.

    Follows confirmed matches transitively, so that one coordination file collects
    the referrals of all organisations that see the same young person.
    """
    from django.db.models import Q

    from zicht.linkage.constants import MatchStatus

    seen = {signal_id}
    frontier = {signal_id}
    while frontier:
        rows = Match.objects.filter(status=MatchStatus.CONFIRMED).filter(
            Q(signal_a_id__in=frontier) | Q(signal_b_id__in=frontier)
        )
        found = set()
        for a, b in rows.values_list("signal_a_id", "signal_b_id"):
            found.update((a, b))
        frontier = found - seen
        seen |= found
    seen.discard(signal_id)
    return seen
