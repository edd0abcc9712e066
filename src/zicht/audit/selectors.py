"""Read the audit log: browsing for administrators and chain verification."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from zicht.audit.models import AuditEvent, ChainHead
from zicht.audit.services import GENESIS_HASH, canonical_timestamp, event_hash

__all__ = ["audit_event_list", "verify_chain", "ChainProblem"]


def audit_event_list(*, user, membership, filters: dict | None = None):
    """Events a user may browse: all for system administrators, their own
    organisation's for organisation administrators, none for anyone else."""
    filters = filters or {}
    if user.is_superuser:
        qs = AuditEvent.objects.all()
        if filters.get("organisation"):
            qs = qs.filter(organisation_id=filters["organisation"])
    elif membership is not None and membership.is_org_admin:
        qs = AuditEvent.objects.filter(organisation_id=membership.organisation_id)
    else:
        raise PermissionDenied
    if filters.get("action"):
        qs = qs.filter(action__startswith=filters["action"])
    if filters.get("actor"):
        qs = qs.filter(actor_label__iexact=filters["actor"])
    if filters.get("date_from"):
        qs = qs.filter(timestamp__date__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(timestamp__date__lte=filters["date_to"])
    return qs.order_by("-seq")


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def verify_chain(*, batch_size: int = 2000) -> tuple[int, ChainProblem | None]:
    """Walk the chain in order; return (events checked, first problem or None)."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_seen = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last_seen).order_by("seq")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.seq != expected_seq:
                return checked, ChainProblem(expected_seq, "missing event")
            if event.prev_hash != expected_prev:
                return checked, ChainProblem(event.seq, "previous hash does not match")
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
            )
            if digest != event.hash:
                return checked, ChainProblem(event.seq, "content was altered")
            expected_prev = event.hash
            expected_seq += 1
            checked += 1
            last_seen = event.seq
    head = ChainHead.objects.filter(id=1).first()
    if head is not None and head.last_seq != checked:
        return checked, ChainProblem(checked + 1, "missing event")
    if head is not None and head.last_hash != expected_prev:
        return checked, ChainProblem(checked, "chain head does not match")
    return checked, None
