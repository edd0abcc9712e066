"""Follow-up tasks on a file: small to-dos with a due date, for the coordinators.

Kept apart from the status workflow: a task never changes the file's status; like
every other change it raises the file's version and adds to its timeline.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zicht.audit.catalogue import AuditAction
from zicht.coordination.limits import TASK_TITLE_MAX_LENGTH, check_dates, check_lengths
from zicht.coordination.models import FollowUpTask
from zicht.coordination.services.guards import require_coordinator, require_open
from zicht.coordination.services.locking import lock_file, save_file
from zicht.coordination.services.trail import audit_event, step

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership, User
    from zicht.coordination.models import CoordinationFile


def task_create(
    *,
    membership: Membership,
    file: CoordinationFile,
    title: str,
    due_date: dt.date | None,
    assigned_to: User | None = None,
) -> FollowUpTask:
    require_coordinator(membership, action="task_create", object_id=file.pk)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Describe the task.")})
    check_lengths(title=(title, TASK_TITLE_MAX_LENGTH))
    if due_date is None:
        raise ValidationError({"due_date": _("Give the due date.")})
    check_dates(due_date=due_date)
    with transaction.atomic():
        file = lock_file(file, None)
        require_open(file, _("A closed file has no new tasks."))
        if due_date < file.opened_on:
            raise ValidationError(
                {
                    "due_date": _("The due date lies before the file was opened (%(date)s).")
                    % {"date": date_format(file.opened_on)}
                }
            )
        task = FollowUpTask.objects.create(
            file=file, title=title, due_date=due_date, assigned_to=assigned_to or membership.user
        )
        save_file(file)
        step(
            file,
            membership=membership,
            event="task_created",
            details={"due": due_date.isoformat()},
            note=title,
        )
        audit_event(
            AuditAction.COORDINATION_TASK_CREATED,
            membership=membership,
            object_id=file.pk,
            task=task.pk,
        )
    return task


def task_complete(*, membership: Membership, task: FollowUpTask) -> FollowUpTask:
    require_coordinator(membership, action="task_complete", object_id=task.file_id)
    with transaction.atomic():
        file = lock_file(task.file, None)
        task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
        if task.done_at is not None:
            raise ValidationError(_("This task is already done."))
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        save_file(file)
        step(file, membership=membership, event="task_done", note=task.title)
        audit_event(
            AuditAction.COORDINATION_TASK_COMPLETED,
            membership=membership,
            object_id=file.pk,
            task=task.pk,
        )
    return task
