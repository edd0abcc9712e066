"""What every action leaves behind: a timeline entry, an audit event, a notification.

Each action records these inside its own transaction, so a decision that is rolled
back leaves no trace and one that is committed always has all three. Notifications
are queued with ``transaction.on_commit``: no e-mail about a change that did not happen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.coordination.models import CoordinationFile, TimelineEntry

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership, User


def step(
    file: CoordinationFile,
    *,
    membership: Membership | None = None,
    actor: User | None = None,
    event: str,
    details: dict[str, Any] | None = None,
    note: str = "",
    for_referrer: bool = False,
) -> None:
    """Add an entry to the file's timeline (``for_referrer``: the referrers see it too)."""
    TimelineEntry.objects.create(
        file=file,
        actor=actor or getattr(membership, "user", None),
        organisation=getattr(membership, "organisation", None),
        event=event,
        details=details or {},
        note=note or "",
        for_referrer=for_referrer,
    )


def audit_event(
    action: AuditAction,
    *,
    membership: Membership | None = None,
    object_type: str = "coordination_file",
    object_id: object = "",
    **details: Any,
) -> None:
    """Record ``action`` in the audit log."""
    audit.record(
        action=action,
        actor=getattr(membership, "user", None),
        organisation=getattr(membership, "organisation", None),
        object_type=object_type,
        object_id=object_id,
        details=details,
    )


def notify(event: str, file: CoordinationFile, *, to: str) -> None:
    """Queue an e-mail after commit. ``to``: "referrers", "coordinators" or "providers:<id>"."""
    from zicht.coordination import tasks  # noqa: PLC0415 - tasks imports the services (cycle)

    transaction.on_commit(
        lambda: tasks.send_notification.enqueue(event=event, file_id=file.pk, to=to), robust=True
    )
