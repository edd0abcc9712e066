"""What every action leaves behind: a timeline entry, an audit event, a notification.

Each action records these inside its own transaction, so a decision that is rolled
back leaves no trace and one that is committed always has all three. Notifications
are queued with ``transaction.on_commit``: no e-mail about a change that did not happen.
"""

from __future__ import annotations

from django.db import transaction

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.coordination.models import CoordinationFile, TimelineEntry


def step(file, *, membership=None, actor=None, event, details=None, note="", for_referrer=False):
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
    membership=None,
    object_type="coordination_file",
    object_id="",
    **details,
):
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
