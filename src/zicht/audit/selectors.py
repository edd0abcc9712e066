"""Read the audit log: browsing for administrators and chain verification."""

from __future__ import annotations

import datetime
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from zicht.access.policy import allows
from zicht.audit import catalogue
from zicht.audit.models import HASH_KEYED, HASH_LEGACY, AuditEvent, ChainHead
from zicht.audit.services import GENESIS_HASH, canonical_timestamp, event_hash, head_anchor_mac

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser

    from zicht.audit.checkpoints import Checkpoint

__all__ = ["audit_event_list", "audit_rows", "AuditRow", "verify_chain", "ChainProblem"]


class Reader(Protocol):
    """What the audit log needs of the reader's membership (accounts' ``Membership``; audit
    does not import the accounts app's models)."""

    organisation_id: int

    @property
    def is_org_admin(self) -> bool: ...


# Events recorded before anyone chose an organisation (logins, two-step verification)
# carry no organisation; an organisation's administrators see them for its members.
_PERSONAL_GROUPS = (catalogue.EventGroup.LOGIN,)


def _scope(
    *, user: AbstractUser, membership: Reader | None, filters: dict[str, Any]
) -> QuerySet[AuditEvent]:
    if user.is_superuser:
        qs = AuditEvent.objects.all()
        if filters.get("organisation"):
            qs = qs.filter(organisation_id=filters["organisation"])
        return qs
    if membership is not None and allows("audit.browse", membership):
        organisation_id = membership.organisation_id
        member_ids = (
            get_user_model()
            .objects.filter(memberships__organisation_id=organisation_id)
            .values("pk")
        )
        personal = [code for group in _PERSONAL_GROUPS for code in catalogue.codes_in(group)]
        return AuditEvent.objects.filter(
            Q(organisation_id=organisation_id)
            | Q(organisation_id__isnull=True, action__in=personal, actor_id__in=member_ids)
        )
    raise PermissionDenied


def audit_event_list(
    *, user: AbstractUser, membership: Reader | None, filters: dict[str, Any] | None = None
) -> QuerySet[AuditEvent]:
    """Events a user may browse: all for system administrators; for organisation
    administrators their own organisation's, plus the login and two-step verification
    events of its members (recorded before an organisation was chosen, so without one);
    none for anyone else. Filters: ``actor`` (user id), ``kind`` (an event code or a
    group of the catalogue), ``date_from``/``date_to`` (dates, inclusive)."""
    filters = filters or {}
    qs = _scope(user=user, membership=membership, filters=filters)
    if filters.get("actor"):
        qs = qs.filter(actor_id=filters["actor"])
    kind = filters.get("kind")
    if kind in catalogue.EventGroup.values:
        qs = qs.filter(action__in=catalogue.codes_in(kind))
    elif kind:
        qs = qs.filter(action=kind)
    if filters.get("date_from"):
        qs = qs.filter(timestamp__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(timestamp__date__lte=filters["date_to"])
    return qs.order_by("-seq")


@dataclass(frozen=True)
class AuditRow:
    seq: int
    timestamp: datetime.datetime
    actor: str
    sentence: str
    kind: str


def audit_rows(
    events: Iterable[AuditEvent], *, user: AbstractUser, membership: Reader | None
) -> list[AuditRow]:
    """Events as a reader sees them: the actor by display name and one sentence in the
    active language, naming the object by its reference. Names and references are looked
    up for the reader's organisation only (everything for a system administrator), and
    ``details`` never reach the reader except the few values the catalogue puts in words."""
    events = list(events)
    if user.is_superuser:
        organisation_id = None
    elif membership is not None:
        organisation_id = membership.organisation_id
    else:
        raise PermissionDenied
    references = catalogue.references_for(events, organisation_id=organisation_id)
    names = catalogue.names_for(
        [e.actor_id for e in events if e.actor_id], organisation_id=organisation_id
    )
    rows = []
    for event in events:
        actor = names.get(str(event.actor_id), event.actor_label)
        reference = references.get((event.object_type, event.object_id), "")
        kind = catalogue.EVENTS.get(event.action)
        rows.append(
            AuditRow(
                seq=event.seq,
                timestamp=event.timestamp,
                actor=actor,
                sentence=catalogue.describe(event, actor_name=actor, reference=reference),
                kind=str(kind.group.label) if kind else event.action,
            )
        )
    return rows


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def verify_chain(
    *, checkpoints: Sequence[Checkpoint] = (), batch_size: int = 2000
) -> tuple[int, ChainProblem | None]:
    """Walk the chain in order; return (events checked, first problem or None).

    Checks each event's link and keyed hash, the signed boundary below which events may
    use the old unkeyed hash, the chain head, and every checkpoint given: an event at a
    checkpointed sequence number must have the checkpoint's hash, and the database must
    still hold at least as many events as each checkpoint counted.
    """
    head = ChainHead.objects.filter(id=1).first()
    keyed_from = 1
    if head is not None:
        if not hmac.compare_digest(head.keyed_from_mac, head_anchor_mac(head.keyed_from_seq)):
            return 0, ChainProblem(head.keyed_from_seq, "the chain head's signature is invalid")
        keyed_from = head.keyed_from_seq
    expected: dict[int, Checkpoint] = {}
    for checkpoint in checkpoints:
        expected.setdefault(checkpoint.seq, checkpoint)
    expected_prev = GENESIS_HASH
    checked = 0
    for _attempt in range(5):
        while True:
            batch = list(AuditEvent.objects.filter(seq__gt=checked).order_by("seq")[:batch_size])
            if not batch:
                break
            for event in batch:
                problem = _check_event(event, checked + 1, expected_prev, keyed_from, expected)
                if problem is not None:
                    return checked, problem
                expected_prev = event.hash
                checked += 1
        head = ChainHead.objects.filter(id=1).first()
        # Events appended while we walked: catch up with the head before comparing.
        if head is None or head.last_seq <= checked:
            break
    if head is None and checked:
        return checked, ChainProblem(checked, "the chain head is missing")
    if head is not None and head.last_seq > checked:
        return checked, ChainProblem(checked + 1, "missing event")
    if head is not None and (head.last_seq != checked or head.last_hash != expected_prev):
        return checked, ChainProblem(checked, "chain head does not match")
    for checkpoint in sorted(checkpoints, key=lambda c: c.seq):
        if max(checkpoint.seq, checkpoint.count) > checked:
            return checked, ChainProblem(
                checked + 1,
                f"missing event: the checkpoint of {checkpoint.time} recorded "
                f"{checkpoint.count} events up to #{checkpoint.seq}, the database holds "
                f"{checked}",
            )
    return checked, None


def _check_event(
    event: AuditEvent,
    seq: int,
    prev_hash: str,
    keyed_from: int,
    checkpoints: dict[int, Checkpoint],
) -> ChainProblem | None:
    if event.seq != seq:
        return ChainProblem(seq, "missing event")
    if event.prev_hash != prev_hash:
        return ChainProblem(event.seq, "previous hash does not match")
    version = HASH_LEGACY if event.seq < keyed_from else HASH_KEYED
    if event.hash_version != version:
        return ChainProblem(event.seq, "hashed by another rule than the signed chain head allows")
    digest = event_hash(
        seq=event.seq,
        timestamp=canonical_timestamp(event.timestamp),
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        organisation_id=event.organisation_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        details=event.details,
        prev_hash=event.prev_hash,
        hash_version=version,
    )
    if not hmac.compare_digest(digest, event.hash):
        return ChainProblem(event.seq, "content was altered")
    checkpoint = checkpoints.get(event.seq)
    if checkpoint is not None and checkpoint.hash != event.hash:
        return ChainProblem(event.seq, f"the hash differs from the checkpoint of {checkpoint.time}")
    return None
