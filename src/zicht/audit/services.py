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
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from zicht.audit import keys
from zicht.audit.models import HASH_KEYED, HASH_LEGACY, AuditEvent, ChainHead

__all__ = ["record", "event_hash", "head_anchor_mac"]

logger = logging.getLogger("zicht.audit")

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
    action: str,
    actor: Any = None,
    organisation: Any = None,
    object_type: str = "",
    object_id: Any = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the current transaction."""
    details = json.loads(json.dumps(details or {}, default=str))
    actor_id = getattr(actor, "pk", None)
    actor_label = getattr(actor, "username", "") if actor else ""
    organisation_id = getattr(organisation, "pk", organisation)
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"keyed_from_seq": 1, "keyed_from_mac": head_anchor_mac(1)}
        )
        seq = head.last_seq + 1
        now = timezone.now()
        ts = canonical_timestamp(now)
        digest = event_hash(
            seq=seq,
            timestamp=ts,
            actor_id=actor_id,
            actor_label=actor_label,
            organisation_id=organisation_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            details=details,
            prev_hash=head.last_hash,
            hash_version=HASH_KEYED,
        )
        event = AuditEvent.objects.create(
            seq=seq,
            timestamp=now,
            actor_id=actor_id,
            actor_label=actor_label,
            organisation_id=organisation_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            details=details,
            prev_hash=head.last_hash,
            hash=digest,
            hash_version=HASH_KEYED,
        )
        head.last_seq = seq
        head.last_hash = digest
        head.save(update_fields=["last_seq", "last_hash"])
    logger.info(
        "audit seq=%s action=%s actor=%s organisation=%s object=%s:%s",
        seq,
        action,
        actor_id,
        organisation_id,
        object_type,
        object_id,
    )
    return event
