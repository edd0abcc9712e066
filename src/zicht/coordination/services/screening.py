"""Assignment and screening: the first stage of a file, and reminders of its deadline.

A coordinator takes the file (or is given it) and decides within a number of working
days whether the person may be a victim. Files near or past that deadline are
reminded once a day.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.audit.catalogue import AuditAction
from zicht.coordination import permissions, workflow
from zicht.coordination.constants import (
    AWAITING_SCREENING,
    REMINDER_WORKING_DAYS_DEFAULT,
    ScreeningDecision,
)
from zicht.coordination.limits import LONG_TEXT_MAX_LENGTH, check_lengths
from zicht.coordination.models import CoordinationFile
from zicht.coordination.services.guards import require_coordinator
from zicht.coordination.services.locking import lock_file, save_file
from zicht.coordination.services.trail import audit_event, notify, step
from zicht.coordination.workdays import add_working_days, working_days_between

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership, User


def _reminder_working_days() -> int:
    """ZICHT_SCREENING_REMINDER_WORKING_DAYS: remind this many working days before (default 1)."""
    return int(
        getattr(settings, "ZICHT_SCREENING_REMINDER_WORKING_DAYS", REMINDER_WORKING_DAYS_DEFAULT)
    )


def file_assign(
    *,
    membership: Membership,
    file: CoordinationFile,
    coordinator: User | None,
    expected_version: int | str | None = None,
) -> CoordinationFile:
    """Assign the file to a coordinator (``None`` to unassign)."""
    require_coordinator(membership, action="assign", object_id=file.pk)
    if coordinator is not None and not permissions.is_coordinator(coordinator):
        raise ValidationError(_("Files can only be assigned to coordinators."))
    with transaction.atomic():
        file = lock_file(file, expected_version)
        file.assigned_to = getattr(coordinator, "user", None)
        save_file(file, "assigned_to")
        step(
            file,
            membership=membership,
            event="assigned",
            details={"to": file.assigned_to.get_full_name() if file.assigned_to else ""},
        )
        audit_event(
            AuditAction.COORDINATION_FILE_ASSIGNED,
            membership=membership,
            object_id=file.pk,
            to=getattr(file.assigned_to, "pk", None),
        )
    return file


def file_screen(
    *,
    membership: Membership,
    file: CoordinationFile,
    decision: str,
    reasons: str,
    expected_version: int | str | None = None,
) -> CoordinationFile:
    """Decide the screening: possible victim, not a victim, or more information needed."""
    require_coordinator(membership, action="screen", object_id=file.pk)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    check_lengths(reasons=(reasons, LONG_TEXT_MAX_LENGTH))
    actions: dict[str, str] = {
        ScreeningDecision.POSSIBLE_VICTIM: "decide_possible_victim",
        ScreeningDecision.NOT_VICTIM: "decide_not_victim",
        ScreeningDecision.MORE_INFORMATION: "decide_more_information",
    }
    action = actions.get(decision)
    if action is None:
        raise ValidationError({"decision": _("Choose a decision.")})
    with transaction.atomic():
        file = lock_file(file, expected_version)
        file.status = workflow.target(workflow.FILE, action, file.status)
        today = timezone.localdate()
        file.screening_decision = decision
        file.screening_reasons = reasons
        fields = ["status", "screening_decision", "screening_reasons"]
        if decision != ScreeningDecision.MORE_INFORMATION:
            file.screened_on = today
            file.screened_by = membership.user
            fields += ["screened_on", "screened_by"]
        if file.assigned_to_id is None:
            file.assigned_to = membership.user
            fields.append("assigned_to")
        save_file(file, *fields)
        within = today <= file.screening_deadline
        step(
            file,
            membership=membership,
            event="screened",
            details={"decision": decision, "within_deadline": within},
            note=reasons,
            for_referrer=True,
        )
        audit_event(
            AuditAction.COORDINATION_FILE_SCREENED,
            membership=membership,
            object_id=file.pk,
            decision=decision,
            within_deadline=within,
            working_days=working_days_between(file.opened_on, today),
        )
        notify("status_changed", file, to="referrers")
    return file


def screening_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind coordinators of files whose screening deadline is near or passed (once a day)."""
    today = today or timezone.localdate()
    horizon = add_working_days(today, _reminder_working_days())
    due = CoordinationFile.objects.filter(
        status__in=AWAITING_SCREENING, screening_deadline__lte=horizon
    ).exclude(reminder_sent_on=today)
    count = 0
    for file_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            file = CoordinationFile.objects.select_for_update().get(pk=file_id)
            file.reminder_sent_on = today
            file.save(update_fields=["reminder_sent_on"])
            step(file, event="reminder_sent", details={"deadline": str(file.screening_deadline)})
            audit_event(
                AuditAction.COORDINATION_REMINDER_SENT,
                object_id=file.pk,
                deadline=file.screening_deadline,
            )
            notify("deadline_near", file, to="coordinators")
        count += 1
    return count
