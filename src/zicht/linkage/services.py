"""Writes of the person index: index a signal's pseudonyms, find matches, decide them.

Only pseudonyms arrive here (``encode()`` runs on the identity in memory and the
plaintext is dropped). Matches are recorded for both sides and both contacts are
notified after commit, in-app and by e-mail, naming the other organisation, its
contact person and the dates - never a score, the other file or an identity.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.core.tasks import send_email_on_commit
from zicht.intake import selectors as intake_selectors
from zicht.linkage.constants import UNDO_WINDOW_HOURS, MatchKind, MatchStatus
from zicht.linkage.models import BlockToken, ExactToken, IndexEntry, Match, Notification
from zicht.pprl import fuzzy
from zicht.pprl.encoding import Encoding, Identity, encode
from zicht.pprl.evidence import Evidence, evidence_for
from zicht.pprl.keys import PseudonymKey, parse_key_bytes
from zicht.pprl.spec import BLOCK_TOKEN_HEX, EXACT_TOKEN_HEX

if TYPE_CHECKING:  # pragma: no cover
    from django.contrib.auth.models import AnonymousUser

    from zicht.accounts.types import Membership, User

__all__ = [
    "current_key",
    "signal_index",
    "signal_unindex",
    "match_decide",
    "match_undo",
    "notifications_mark_read",
]


def current_key() -> PseudonymKey:
    return PseudonymKey.from_bytes(parse_key_bytes(settings.PSEUDONYM_KEY.encode("ascii")))


@dataclass(frozen=True)
class Candidate:
    signal_id: uuid.UUID
    organisation_id: int
    exact: bool
    strong: bool


def _store(
    *, signal_id: uuid.UUID, organisation_id: int, encoding: Encoding, expires_on: dt.date
) -> IndexEntry:
    IndexEntry.objects.filter(signal_id=signal_id, key_id=encoding.key_id).delete()
    entry = IndexEntry.objects.create(
        signal_id=signal_id,
        organisation_id=organisation_id,
        key_id=encoding.key_id,
        spec_version=encoding.spec_version,
        bloom=encoding.bloom,
        expires_on=expires_on,
    )
    ExactToken.objects.bulk_create(
        [ExactToken(entry=entry, token=t) for t in encoding.exact_tokens]
    )
    BlockToken.objects.bulk_create(
        [BlockToken(entry=entry, token=t) for t in encoding.block_tokens]
    )
    return entry


def _candidates(*, entry: IndexEntry, encoding: Encoding) -> dict[uuid.UUID, Candidate]:
    """Entries that agree exactly or score >= the possible threshold (own organisation
    included: those become statistics-only links, never shown or notified).

    Fuzzy candidates are scored for the own birth year first, then for the -1 and +1
    year probes; an entry keeps the first query that reaches the threshold."""
    found: dict[uuid.UUID, Candidate] = {}
    exact_ids = (
        ExactToken.objects.filter(token__in=encoding.exact_tokens, entry__key_id=entry.key_id)
        .exclude(entry__signal_id=entry.signal_id)
        .values_list("entry__signal_id", "entry__organisation_id")
        .distinct()
    )
    for signal_id, organisation_id in exact_ids:
        found[signal_id] = Candidate(signal_id, organisation_id, True, True)
    strong_of = _fuzzy_hits(entry=entry, queries=encoding.all_queries())
    hits = IndexEntry.objects.filter(pk__in=list(strong_of)).values_list(
        "pk", "signal_id", "organisation_id"
    )
    for pk, signal_id, organisation_id in sorted(hits):
        if signal_id not in found:
            found[signal_id] = Candidate(signal_id, organisation_id, False, strong_of[pk])
    return found


def _fuzzy_hits(
    *, entry: IndexEntry, queries: Iterable[tuple[bytes, Iterable[str]]]
) -> dict[int, bool]:
    """Entry id -> strong (>= MATCH_THRESHOLD) for every other entry under the same key
    that shares a block with one of ``queries`` (own birth year, then the -1 and +1
    year probes) and reaches POSSIBLE_THRESHOLD; the first query that reaches it counts.

    One query for all three years, starting from the token index: joining from the
    entries instead let PostgreSQL scan every entry of the key (a sequential scan that
    grows with the index) before it looked at a token. Only filters and ids travel;
    signal and organisation are read afterwards for the few entries that score."""
    rows = (
        BlockToken.objects.filter(
            token__in={t for _, tokens in queries for t in tokens}, entry__key_id=entry.key_id
        )
        .exclude(entry__signal_id=entry.signal_id)
        .values_list("token", "entry_id", "entry__bloom")
    )
    members: dict[str, list[int]] = {}
    blooms: dict[int, bytes] = {}
    for token, pk, bloom in rows:
        members.setdefault(token, []).append(pk)
        blooms[pk] = bytes(bloom)  # a memoryview on PostgreSQL
    strong_of: dict[int, bool] = {}
    for bloom, tokens in queries:
        pks = sorted({pk for t in tokens for pk in members.get(t, ())} - strong_of.keys())
        if not pks:
            continue
        scores = fuzzy.dice_many(bloom, fuzzy.blooms_to_matrix([blooms[pk] for pk in pks]))
        for pk, score in zip(pks, scores.tolist(), strict=True):
            if score >= fuzzy.POSSIBLE_THRESHOLD:
                strong_of[pk] = score >= fuzzy.MATCH_THRESHOLD
    return strong_of


def signal_index(
    *,
    signal_id: uuid.UUID,
    organisation_id: int,
    identity: Identity,
    expires_on: dt.date,
    actor: User | None = None,
) -> list[Match]:
    """(Re-)index one signal and record matches with other organisations' signals.

    Must run inside the caller's transaction (the signal's create or edit). Raises
    ``zicht.pprl.encoding.EncodingError`` for an identity that cannot be encoded.
    """
    encoding = encode(identity, current_key())
    entry = _store(
        signal_id=signal_id,
        organisation_id=organisation_id,
        encoding=encoding,
        expires_on=expires_on,
    )
    return _record_matches(entry=entry, encoding=encoding, actor=actor)


def _record_matches(*, entry: IndexEntry, encoding: Encoding, actor: User | None) -> list[Match]:
    """Record a match for every candidate of a freshly stored entry; notify after commit."""
    signal_id, organisation_id = entry.signal_id, entry.organisation_id
    new_matches = []
    for candidate in _candidates(entry=entry, encoding=encoding).values():
        existing = Match.objects.filter(
            signal_a_id__in=[candidate.signal_id, signal_id],
            signal_b_id__in=[candidate.signal_id, signal_id],
        ).first()
        internal = candidate.organisation_id == organisation_id
        evidence = _evidence(entry=entry, encoding=encoding, other_signal_id=candidate.signal_id)
        if existing is not None:
            if existing.status == MatchStatus.POSSIBLE:  # a decided match keeps what was shown
                _set_evidence(existing, evidence)
                existing.save(update_fields=["evidence_name", "evidence_dob", "evidence_bsn"])
            if candidate.strong and not existing.strong:
                existing.strong = True
                existing.save(update_fields=["strong"])
            if candidate.exact and existing.status == MatchStatus.POSSIBLE:
                existing.kind = MatchKind.EXACT
                existing.status = MatchStatus.CONFIRMED
                existing.decided_at = timezone.now()
                existing.save(update_fields=["kind", "status", "decided_at"])
                _notify(existing, "confirmed")
            continue
        if internal:
            status = MatchStatus.INTERNAL
        else:
            status = MatchStatus.CONFIRMED if candidate.exact else MatchStatus.POSSIBLE
        match = Match.objects.create(
            signal_a_id=candidate.signal_id,
            organisation_a_id=candidate.organisation_id,
            signal_b_id=signal_id,
            organisation_b_id=organisation_id,
            kind=MatchKind.EXACT if candidate.exact else MatchKind.FUZZY,
            status=status,
            strong=candidate.strong,
            evidence_name=evidence.name,
            evidence_dob=evidence.date_of_birth,
            evidence_bsn=evidence.bsn,
        )
        if internal:
            continue
        audit.record(
            action=AuditAction.LINKAGE_MATCH_FOUND,
            actor=actor,
            organisation=organisation_id,
            object_type="match",
            object_id=match.pk,
            details={"kind": match.kind, "other_organisation": candidate.organisation_id},
        )
        _notify(match, "new")
        new_matches.append(match)
    return new_matches


def _evidence(*, entry: IndexEntry, encoding: Encoding, other_signal_id: uuid.UUID) -> Evidence:
    """Which elements of the fresh ``encoding`` agree with the other signal's entry
    (levels only; see zicht.pprl.evidence)."""
    other = IndexEntry.objects.filter(signal_id=other_signal_id, key_id=entry.key_id).first()
    if other is None:
        return Evidence()
    return evidence_for(
        own_bloom=encoding.bloom,
        own_blocks=encoding.block_tokens,
        other_bloom=bytes(other.bloom),
        other_blocks=other.block_tokens.values_list("token", flat=True),
        other_exact=other.exact_tokens.values_list("token", flat=True),
        probes=[(p.bloom, p.block_tokens) for p in encoding.probes],
        bsn_token=encoding.bsn_token,
    )


def _set_evidence(match: Match, evidence: Evidence) -> None:
    match.evidence_name = evidence.name
    match.evidence_dob = evidence.date_of_birth
    match.evidence_bsn = evidence.bsn


def signal_unindex(
    *, signal_id: uuid.UUID, actor: User | None = None, reason: str = "withdrawn"
) -> int:
    """Remove a signal from the index at once and end its matches."""
    deleted, _ = IndexEntry.objects.filter(signal_id=signal_id).delete()
    ended = (
        Match.objects.filter(signal_a_id=signal_id) | Match.objects.filter(signal_b_id=signal_id)
    ).exclude(status__in=[MatchStatus.REJECTED, MatchStatus.ENDED, MatchStatus.INTERNAL])
    ended.update(status=MatchStatus.ENDED)
    return deleted


def match_decide(*, membership: Membership, match: Match, confirm: bool) -> Match:
    """One of the two professionals confirms or rejects a possible match."""
    side = match.side_of(membership.organisation_id)
    if side is None:
        raise PermissionDenied
    with transaction.atomic():
        match = Match.objects.select_for_update().get(pk=match.pk)
        if match.status != MatchStatus.POSSIBLE:
            raise ValidationError(_("This match has already been decided."))
        match.status = MatchStatus.CONFIRMED if confirm else MatchStatus.REJECTED
        match.decided_at = timezone.now()
        match.decided_by = membership.user
        match.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            action=AuditAction.LINKAGE_MATCH_CONFIRMED
            if confirm
            else AuditAction.LINKAGE_MATCH_REJECTED,
            actor=membership.user,
            organisation=membership.organisation,
            object_type="match",
            object_id=match.pk,
        )
        _notify(match, "confirmed" if confirm else "rejected")
    return match


def match_undo_deadline(match: Match) -> dt.datetime | None:
    """Until when the decider may undo the decision (None if it was not a member's)."""
    if match.decided_at is None or match.decided_by_id is None:
        return None
    return match.decided_at + dt.timedelta(hours=UNDO_WINDOW_HOURS)


def match_can_undo(*, user: User | AnonymousUser, match: Match) -> bool:
    """Only the member who decided, only a confirm or reject, only within the window."""
    deadline = match_undo_deadline(match)
    return (
        deadline is not None
        and match.decided_by_id == getattr(user, "pk", None)
        and match.status in (MatchStatus.CONFIRMED, MatchStatus.REJECTED)
        and timezone.now() < deadline
    )


def match_undo(*, membership: Membership, match: Match) -> Match:
    """The member who decided a possible match takes the decision back within 24 hours.

    A mistaken click must not stand (a wrongly confirmed match links two files), but after
    a day others may have acted on it, so then the decision is final. The match is
    possible again, both contacts are told and the undo is audit-logged.
    """
    if match.side_of(membership.organisation_id) is None:
        raise PermissionDenied
    with transaction.atomic():
        match = Match.objects.select_for_update().get(pk=match.pk)
        if not match_can_undo(user=membership.user, match=match):
            raise ValidationError(
                _("Only the person who decided can undo the decision, within 24 hours.")
            )
        previous = match.status
        match.status = MatchStatus.POSSIBLE
        match.decided_at = None
        match.decided_by = None
        match.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(
            action=AuditAction.LINKAGE_MATCH_DECISION_UNDONE,
            actor=membership.user,
            organisation=membership.organisation,
            object_type="match",
            object_id=match.pk,
            details={"previous": previous},
        )
        _notify(match, "undone")
    return match


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _notify(match: Match, event: str) -> None:
    """In-app notification for both contacts now; e-mail to both queued after commit.

    The mail (contacts, references and dates; never an identity) is rendered now and sent
    by the ``zicht.core.tasks.send_email`` task: a mail server that fails never fails or
    rolls back the signal or decision that made the match.
    """
    a = intake_selectors.signal_contact(signal_id=match.signal_a_id)
    b = intake_selectors.signal_contact(signal_id=match.signal_b_id)
    if a is None or b is None:
        return
    for me, other in ((a, b), (b, a)):
        Notification.objects.create(recipient_id=me.author_id, match=match, event=event)
        if me.author_email:
            subject, body = _mail(match, event, me, other)
            send_email_on_commit(
                purpose=f"linkage.match_{event}",
                subject=subject,
                body=body,
                recipients=[me.author_email],
            )


def _mail(
    match: Match,
    event: str,
    me: intake_selectors.SignalContact,
    other: intake_selectors.SignalContact,
) -> tuple[str, str]:
    """Subject and body of the match e-mail to ``me`` (in Dutch)."""
    with translation.override("nl"):
        context = {"match": match, "event": event, "me": me, "other": other}
        subject = {
            "new": _("Zicht: another organisation is involved with the same young person"),
            "confirmed": _("Zicht: match confirmed"),
            "rejected": _("Zicht: possible match rejected"),
            "undone": _("Zicht: a match decision was undone"),
        }[event]
        body = render_to_string("linkage/email/match.txt", context)
    return subject, body


def signal_is_indexed(*, signal_id: uuid.UUID, key_id: str) -> bool:
    return IndexEntry.objects.filter(signal_id=signal_id, key_id=key_id).exists()


def index_drop_other_keys(*, key_id: str) -> int:
    """Delete every index entry made under another key (after a rotation)."""
    deleted, _ = IndexEntry.objects.exclude(key_id=key_id).delete()
    return deleted


# --- Encodings computed on a partner's premises (partner API) -------------------------


def encoding_check(*, encoding: Encoding) -> None:
    """Refuse an encoding that does not fit zicht-pprl-1 under the current key.

    ``Encoding.from_json`` has checked the shape, the spec version and the filter size;
    this checks the key and the token formats, so that nothing but well-formed tokens
    reaches the index. Raises ``ValidationError`` keyed by the encoding's field names.
    """
    exact_re = re.compile(rf"^[0-9a-f]{{{EXACT_TOKEN_HEX}}}$")
    block_re = re.compile(rf"^[0-9a-f]{{{BLOCK_TOKEN_HEX}}}$")

    def blocks_ok(tokens: Sequence[str]) -> bool:
        return 1 <= len(tokens) <= 12 and all(block_re.match(t) for t in tokens)

    errors: dict[str, str] = {}
    if encoding.key_id != current_key().key_id:
        errors["key_id"] = _(
            "This encoding was made with another pseudonymisation key than the current one."
        )
    if len(encoding.exact_tokens) > 5 or not all(exact_re.match(t) for t in encoding.exact_tokens):
        errors["exact_tokens"] = _("Expected at most 5 tokens of %(n)s lowercase hex digits.") % {
            "n": EXACT_TOKEN_HEX
        }
    if not blocks_ok(encoding.block_tokens):
        errors["block_tokens"] = _("Expected 1 to 12 tokens of %(n)s lowercase hex digits.") % {
            "n": BLOCK_TOKEN_HEX
        }
    offsets = [p.year_offset for p in encoding.probes]
    if (
        len(offsets) != len(set(offsets))
        or not set(offsets) <= {-1, 1}
        or not all(blocks_ok(p.block_tokens) for p in encoding.probes)
    ):
        errors["probes"] = _("Expected at most one probe for year offset -1 and one for +1.")
    if errors:
        raise ValidationError(errors)


def signal_index_encoded(
    *,
    signal_id: uuid.UUID,
    organisation_id: int,
    encoding: Encoding,
    expires_on: dt.date,
    actor: User | None = None,
) -> list[Match]:
    """``signal_index`` for an encoding computed on the organisation's own premises.

    Zicht never sees the plaintext. Must run inside the caller's transaction; raises
    ``ValidationError`` for an encoding that ``encoding_check`` refuses.
    """
    encoding_check(encoding=encoding)
    entry = _store(
        signal_id=signal_id,
        organisation_id=organisation_id,
        encoding=encoding,
        expires_on=expires_on,
    )
    return _record_matches(entry=entry, encoding=encoding, actor=actor)


__all__ += ["encoding_check", "signal_index_encoded"]
