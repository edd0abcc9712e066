"""Opening and reopening files, shared by referrals, closure and merging.

A file opens with a screening deadline in working days; a closed file that is reopened
(by a coordinator, or because a new referral of the same person arrives) is screened
again with a new deadline. Both paths must reset the same fields, so they share
``reopen``; a file's urgency only ever goes up (``raise_urgency``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from zicht.coordination import workflow
from zicht.coordination.constants import SCREENING_WORKING_DAYS_DEFAULT, Urgency
from zicht.coordination.models import CoordinationFile
from zicht.coordination.workdays import add_working_days
from zicht.core.references import new_reference

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Municipality

URGENCY_ORDER = [Urgency.NORMAL, Urgency.URGENT, Urgency.ACUTE]


def screening_working_days() -> int:
    """ZICHT_SCREENING_WORKING_DAYS: working days for a screening decision (default 5)."""
    return int(getattr(settings, "ZICHT_SCREENING_WORKING_DAYS", SCREENING_WORKING_DAYS_DEFAULT))


def _new_reference() -> str:
    return new_reference(
        "ZC", taken=lambda ref: CoordinationFile.objects.filter(reference=ref).exists()
    )


def file_open(
    *, urgency: str, municipality: Municipality | None = None, age: int | None = None
) -> CoordinationFile:
    """A new file, awaiting screening within the configured number of working days."""
    today = timezone.localdate()
    return CoordinationFile.objects.create(
        reference=_new_reference(),
        urgency=urgency,
        opened_on=today,
        screening_deadline=add_working_days(today, screening_working_days()),
        municipality=municipality,
        age_at_referral=age,
    )


def reopen(file: CoordinationFile) -> list[str]:
    """Reopen a closed file for a new screening, with a new deadline; the changed fields."""
    file.status = workflow.target(workflow.FILE, "reopen", file.status)
    file.screening_decision = ""
    file.screened_on = None
    file.screened_by = None
    file.screening_deadline = add_working_days(timezone.localdate(), screening_working_days())
    file.reminder_sent_on = None
    file.closed_at = None
    file.closure_outcome = ""
    return [
        "status",
        "screening_decision",
        "screened_on",
        "screened_by",
        "screening_deadline",
        "reminder_sent_on",
        "closed_at",
        "closure_outcome",
    ]


def raise_urgency(file: CoordinationFile, urgency: str) -> list[str]:
    """Raise the file's urgency to ``urgency`` if that is higher; the changed fields."""
    if URGENCY_ORDER.index(Urgency(urgency)) > URGENCY_ORDER.index(Urgency(file.urgency)):
        file.urgency = urgency
        return ["urgency"]
    return []
