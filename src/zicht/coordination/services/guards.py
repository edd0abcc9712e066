"""Refusals before anything changes: who may act, and in which status of the file.

Several actions share the same checks; keeping them here keeps the recorded refusal
(an audit event for a wrong role) and the kind of error (``IllegalTransition`` for a
wrong status) the same everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.coordination import permissions, workflow
from zicht.coordination.constants import FileStatus

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership
    from zicht.coordination.models import CoordinationFile


def require_coordinator(
    membership: Membership | None, *, action: str, object_id: object = ""
) -> None:
    """Refuse (and record the attempt) unless ``membership`` is a coordinator."""
    if not permissions.is_coordinator(membership):
        audit.record(
            action=AuditAction.COORDINATION_ACCESS_DENIED,
            actor=getattr(membership, "user", None),
            organisation=getattr(membership, "organisation", None),
            object_type="coordination_file",
            object_id=object_id,
            details={"attempted": action},
        )
        raise PermissionDenied(_("Only coordinators of the coordination centre can do this."))


def require_in_care(file: CoordinationFile, message: str) -> None:
    """Measures and care belong to a file in assessment or support."""
    if file.status not in (FileStatus.ASSESSMENT, FileStatus.SUPPORT):
        raise workflow.IllegalTransition(message)


def require_open(file: CoordinationFile, message: str) -> None:
    """A closed or merged file takes no new work."""
    if file.status in (FileStatus.CLOSED, FileStatus.MERGED):
        raise workflow.IllegalTransition(message)
