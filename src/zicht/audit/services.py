"""Record audit events: the one way to record an access or a change.

``record()`` must be called inside the transaction of the change it records (it
joins the caller's transaction, or opens its own when there is none), so that an
event exists exactly when the change does. It also writes a line to the
``zicht.audit`` logger. Details must never contain identity plaintext: pass ids,
codes and counts only.

The chain is keyed: each event's hash is an HMAC under ``ZICHT_AUDIT_KEY`` (a secret
outside the database), so rewriting an event and re-hashing every later one needs the
key. Events written before the key existed (``hash_version`` 1, plain SHA-256) keep
verifying with the old rule, but only below the chain head's ``keyed_from_seq``, which
is itself signed with the key (``head_anchor_mac``); nobody without the key can move
that boundary to pass off rewritten events as old ones. ``checkpoint_write()`` anchors
the head outside the database (docs/adr/0002-audit-hash-chain.md).

Appending locks the chain's single head row until the transaction commits, so two
transactions that record events append one after the other. A service that does much
work after its first event (signal creation: encryption, encoding, matching) wraps its
transaction in ``deferred()``: its events are then collected and appended together at
the end of the block, so the head is locked only for the append and the commit, not
for the whole request (issue 18: the lock held from the first event to the commit made
every signal creation on PostgreSQL wait for the one before it).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from zicht.audit import keys
from zicht.audit.catalogue import EVENTS, AuditAction
from zicht.audit.models import HASH_KEYED, HASH_LEGACY, AuditEvent, ChainHead

__all__ = ["record", "deferred", "event_hash", "head_anchor_mac"]

logger = logging.getLogger("zicht.audit")

# Events recorded inside ``deferred()`` in this thread, waiting to be appended.
_deferred = threading.local()

GENESIS_HASH = "0" * 64


def event_hash(
    *,
    seq: int,
    timestamp: str,
    actor_id: int | None,
    actor_label: str,
    organisation_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    details: dict,
    prev_hash: str,
    hash_version: int = HASH_KEYED,
) -> str:
    """The hash of an event: over a canonical JSON rendering of the event and the
    previous hash, an HMAC under the audit key (version 2) or, for events written before
    the chain was keyed, plain SHA-256 (version 1)."""
    content = {
        "seq": seq,
        "timestamp": timestamp,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "organisation_id": organisation_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "details": details,
        "prev_hash": prev_hash,
    }
    if hash_version == HASH_LEGACY:
        return hashlib.sha256(_canonical(content)).hexdigest()
    if hash_version != HASH_KEYED:
        raise ValueError(f"Unknown audit hash version {hash_version!r}.")
    return keys.mac(keys.EVENT, _canonical({**content, "hash_version": hash_version}))


def _canonical(content: dict) -> bytes:
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str
    ).encode("ascii")


def head_anchor_mac(keyed_from_seq: int) -> str:
    """Signature of the chain head's boundary between unkeyed and keyed events."""
    return keys.mac(keys.HEAD, f"keyed_from_seq={int(keyed_from_seq)}".encode("ascii"))


def canonical_timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(
    *,
    action: AuditAction,
    actor: Any = None,
    organisation: Any = None,
    object_type: str = "",
    object_id: Any = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the current transaction.

    ``action`` is a member of :class:`~zicht.audit.catalogue.AuditAction`, the catalogue
    that gives every event its words; a code outside it is refused with ``ValueError``
    before anything is written, so no event reaches the log that a reader cannot read.

    Inside ``deferred()`` the event is appended at the end of that block instead (the
    returned event gets its ``seq`` and ``hash`` then)."""
    event = AuditEvent(
        actor_id=getattr(actor, "pk", None),
        actor_label=getattr(actor, "username", "") if actor else "",
        organisation_id=getattr(organisation, "pk", organisation),
        action=_code(action),
        object_type=object_type,
        object_id=str(object_id),
        details=json.loads(json.dumps(details or {}, default=str)),
        hash_version=HASH_KEYED,
    )
    pending = getattr(_deferred, "events", None)
    if pending is not None:
        # Kept only if the savepoint it was recorded in is not rolled back: Django drops
        # the on-commit callbacks of a rolled-back savepoint, and so drops the marker.
        marker = _Marker()
        transaction.on_commit(marker)
        pending.append((event, marker))
        return event
    with transaction.atomic():
        _append([event])
    return event


def _code(action: AuditAction) -> str:
    """The stored code of ``action``; a string outside the catalogue (a caller that got
    past the type checker) is refused before anything is written."""
    if action not in EVENTS:
        raise ValueError(f"{action!r} is not an audit action of zicht.audit.catalogue.")
    return str(action)


class _Marker:
    """An on-commit callback that does nothing; its presence says the savepoint of a
    deferred event was not rolled back."""

    def __call__(self) -> None:
        return None


@contextmanager
def deferred() -> Iterator[None]:
    """One transaction whose audit events are appended to the chain at its end.

    Use it instead of ``transaction.atomic()`` around a write that records events early
    and then works on: the chain's head row is locked only for the append at the end and
    the commit. The events still exist exactly when the change does (they are written
    in the same transaction) and keep the order they were recorded in; their timestamp
    is the moment of the append. Nested, the innermost block joins the outermost one.
    An exception discards the events with the transaction.
    """
    if getattr(_deferred, "events", None) is not None:
        # Joining needs no savepoint: an exception inside dooms the outer transaction
        # anyway (its events and changes go together), and a SAVEPOINT / RELEASE pair
        # is two round trips on every nested use (one per API POST).
        with transaction.atomic(savepoint=False):
            yield
        return
    with transaction.atomic():
        _deferred.events = []
        try:
            yield
            # Entries are (savepoint ids, callback, robust); the stubs know two of them.
            live = {id(entry[1]) for entry in connection.run_on_commit}
            events = [event for event, marker in _deferred.events if id(marker) in live]
        finally:
            _deferred.events = None
        if events:
            _append(events)


def _locked_head() -> ChainHead:
    """The chain's head row, locked until commit; created (with its signed boundary) by the
    first event ever. The boundary's MAC is computed only then, not on every append."""
    try:
        return ChainHead.objects.select_for_update().get(id=1)
    except ChainHead.DoesNotExist:
        head, _ = ChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"keyed_from_seq": 1, "keyed_from_mac": head_anchor_mac(1)}
        )
        return head


def _append(events: list[AuditEvent]) -> None:
    """Give ``events`` the next sequence numbers and hashes under the locked head and
    write them (inside the caller's transaction)."""
    head = _locked_head()
    now = timezone.now()
    ts = canonical_timestamp(now)
    seq, prev_hash = head.last_seq, head.last_hash
    for event in events:
        seq += 1
        event.seq = seq
        event.timestamp = now
        event.prev_hash = prev_hash
        event.hash = event_hash(
            seq=seq,
            timestamp=ts,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            organisation_id=event.organisation_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            details=event.details,
            prev_hash=prev_hash,
            hash_version=HASH_KEYED,
        )
        prev_hash = event.hash
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        AuditEvent.objects.bulk_create(events)
    head.last_seq = seq
    head.last_hash = prev_hash
    head.save(update_fields=["last_seq", "last_hash"])
    for event in events:
        logger.info(
            "audit seq=%s action=%s actor=%s organisation=%s object=%s:%s",
            event.seq,
            event.action,
            event.actor_id,
            event.organisation_id,
            event.object_type,
            event.object_id,
        )
