"""Record audit events: the one way to record an access or a change.

``record()`` must be called inside the transaction of the change it records (it
joins the caller's transaction, or opens its own when there is none), so that an
event exists exactly when the change does. It also writes a line to the
``zicht.audit`` logger. Details must never contain identity plaintext: pass ids,
codes and counts only.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from zicht.audit.models import AuditEvent, ChainHead

__all__ = ["record", "event_hash"]

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
) -> str:
    """SHA-256 over a canonical JSON rendering of the event and the previous hash."""
    payload = json.dumps(
        {
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
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        default=str,
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def canonical_timestamp(value) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(
    *,
    action: str,
    actor=None,
    organisation=None,
    object_type: str = "",
    object_id: Any = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the current transaction."""
    details = json.loads(json.dumps(details or {}, default=str))
    actor_id = getattr(actor, "pk", None)
    actor_label = getattr(actor, "username", "") if actor else ""
    organisation_id = getattr(organisation, "pk", organisation)
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
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
