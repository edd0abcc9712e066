"""Timeline entries as sentences, so that the timeline tells the story of a file.

:class:`TimelineEvent` names every step a coordination file's timeline records, and
:data:`PHRASES` gives each its words - an English source string with its Dutch translation,
in this one table - for the file page, the referrer's view and anything else that shows
a timeline. A step recorded under a code without words fails
``tests/coordination/test_timeline_and_commands.py``.

Placeholders come from the entry's ``details`` (codes and ids, never identities) through
:data:`_PLACEHOLDERS`; the referrer's variant of a care step names no provider.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from zicht.coordination.constants import (
    CareType,
    ClosureOutcome,
    MeasureKind,
    ScreeningDecision,
    Urgency,
)

__all__ = ["PHRASES", "TimelineEvent", "describe"]


class TimelineEvent(StrEnum):
    """The code stored in ``TimelineEntry.event`` for each step of a file."""

    FILE_OPENED = "file_opened"
    REFERRAL_RECEIVED = "referral_received"
    ASSIGNED = "assigned"
    SCREENED = "screened"
    ASSESSMENT_COMPLETED = "assessment_completed"
    SUPPORT_STARTED = "support_started"
    MEASURE_ADDED = "measure_added"
    MEASURE_ACCEPT = "measure_accept"
    MEASURE_REJECT = "measure_reject"
    MEASURE_START = "measure_start"
    MEASURE_END = "measure_end"
    MEASURE_CARRY_OVER = "measure_carry_over"
    MEASURE_DROP = "measure_drop"
    CARE_REQUESTED = "care_requested"
    CARE_ACCEPTED = "care_accepted"
    CARE_REFUSED = "care_refused"
    CARE_PLACED = "care_placed"
    CARE_ENDED = "care_ended"
    TASK_CREATED = "task_created"
    TASK_DONE = "task_done"
    TASK_CARRY_OVER = "task_carry_over"
    TASK_DROP = "task_drop"
    CLOSED = "closed"
    REOPENED = "reopened"
    REMINDER_SENT = "reminder_sent"
    MERGED_IN = "merged_in"
    MERGED_AWAY = "merged_away"
    ANONYMISED = "anonymised"


E = TimelineEvent

# Variants of one event's words (the second part of a PHRASES key); "" is the usual one.
UNASSIGNED = "unassigned"
WITHIN_DEADLINE = "within_deadline"
AFTER_DEADLINE = "after_deadline"
FOR_REFERRER = "for_referrer"
NEW_REFERRAL = "new_referral"

# The words of every step: (event, variant) -> the parts of the sentence, joined by a space.
PHRASES: dict[tuple[TimelineEvent, str], tuple[Promise, ...]] = {
    (E.FILE_OPENED, ""): (_("File opened; screening deadline %(deadline)s."),),
    (E.REFERRAL_RECEIVED, ""): (
        _("Referral received from %(organisation)s (urgency: %(urgency)s)."),
    ),
    (E.ASSIGNED, ""): (_("Assigned to %(name)s."),),
    (E.ASSIGNED, UNASSIGNED): (_("Unassigned."),),
    (E.SCREENED, FOR_REFERRER): (_("Screening decision: %(decision)s."),),
    (E.SCREENED, WITHIN_DEADLINE): (
        _("Screening decision: %(decision)s."),
        _("Within the deadline."),
    ),
    (E.SCREENED, AFTER_DEADLINE): (
        _("Screening decision: %(decision)s."),
        _("After the deadline."),
    ),
    (E.ASSESSMENT_COMPLETED, ""): (
        ngettext_lazy(
            "Individual assessment completed; %(n)s measure proposed.",
            "Individual assessment completed; %(n)s measures proposed.",
            "n",
        ),
    ),
    (E.SUPPORT_STARTED, ""): (_("Protection and care are being arranged."),),
    (E.MEASURE_ACCEPT, ""): (_("Measure accepted: %(measure)s (owner: %(owner)s)."),),
    (E.MEASURE_ADDED, ""): (_("Measure added: %(measure)s (owner: %(owner)s)."),),
    (E.MEASURE_REJECT, ""): (_("Measure rejected: %(measure)s."),),
    (E.MEASURE_START, ""): (_("Measure in place: %(measure)s."),),
    (E.MEASURE_END, ""): (_("Measure ended: %(measure)s."),),
    (E.MEASURE_CARRY_OVER, ""): (_("At closing, carried over to follow-up: %(measure)s."),),
    (E.MEASURE_DROP, ""): (_("At closing, dropped: %(measure)s."),),
    (E.CARE_REQUESTED, ""): (_("Care requested from %(provider)s (%(type)s)."),),
    (E.CARE_ACCEPTED, ""): (_("%(provider)s accepted the care referral (%(type)s)."),),
    (E.CARE_REFUSED, ""): (_("%(provider)s refused the care referral (%(type)s)."),),
    (E.CARE_PLACED, ""): (_("%(provider)s placed the young person (%(type)s)."),),
    (E.CARE_ENDED, ""): (_("%(provider)s ended the care (%(type)s)."),),
    (E.CARE_REQUESTED, FOR_REFERRER): (_("Care requested (%(type)s)."),),
    (E.CARE_ACCEPTED, FOR_REFERRER): (_("Care accepted by the provider (%(type)s)."),),
    (E.CARE_REFUSED, FOR_REFERRER): (_("Care refused by the provider (%(type)s)."),),
    (E.CARE_PLACED, FOR_REFERRER): (_("Placed in care (%(type)s)."),),
    (E.CARE_ENDED, FOR_REFERRER): (_("Care ended (%(type)s)."),),
    (E.TASK_CREATED, ""): (_("Task added, due %(due)s."),),
    (E.TASK_DONE, ""): (_("Task done."),),
    (E.TASK_CARRY_OVER, ""): (_("At closing, an open task was carried over to follow-up."),),
    (E.TASK_DROP, ""): (_("At closing, an open task was dropped."),),
    (E.CLOSED, ""): (_("File closed: %(outcome)s."),),
    (E.REOPENED, ""): (_("File reopened."),),
    (E.REOPENED, NEW_REFERRAL): (_("File reopened because of a new referral."),),
    (E.REMINDER_SENT, ""): (_("Reminder sent: screening deadline %(deadline)s."),),
    (E.MERGED_IN, ""): (_("File %(other)s about the same person merged into this file."),),
    (E.MERGED_AWAY, ""): (_("Merged into file %(file)s: the same person."),),
    (E.ANONYMISED, ""): (_("File anonymised after the retention period."),),
}

_CARE = frozenset({E.CARE_REQUESTED, E.CARE_ACCEPTED, E.CARE_REFUSED, E.CARE_PLACED, E.CARE_ENDED})


def _variant(event: TimelineEvent, details: dict[str, Any], for_referrer: bool) -> str:
    """Which of an event's phrases fits these details and this reader."""
    if event is E.ASSIGNED and not details.get("to"):
        return UNASSIGNED
    if event is E.SCREENED:
        if for_referrer:
            return FOR_REFERRER
        return WITHIN_DEADLINE if details.get("within_deadline") else AFTER_DEADLINE
    if event in _CARE and for_referrer:
        return FOR_REFERRER
    if event is E.REOPENED and details.get("because") == "new_referral":
        return NEW_REFERRAL
    return ""


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _date(value: Any) -> str:
    try:
        return date_format(dt.date.fromisoformat(str(value)[:10]), "j F Y")
    except ValueError:
        return str(value)


# Placeholder -> how its words come from an entry's details.
_PLACEHOLDERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "deadline": lambda d: _date(d.get("deadline")),
    "organisation": lambda d: d.get("organisation", ""),
    "urgency": lambda d: _label(Urgency, d.get("urgency", "")).lower(),
    "name": lambda d: d.get("to", ""),
    "decision": lambda d: _label(ScreeningDecision, d.get("decision")),
    "n": lambda d: len(d.get("proposed", [])),
    "measure": lambda d: _label(MeasureKind, d.get("measure")),
    "owner": lambda d: d.get("owner", ""),
    "provider": lambda d: d.get("provider", ""),
    "type": lambda d: _label(CareType, d.get("care_type")),
    "due": lambda d: _date(d.get("due")),
    "outcome": lambda d: _label(ClosureOutcome, d.get("outcome")),
    "other": lambda d: d.get("other", ""),
    "file": lambda d: d.get("file", ""),
}


class _Words(dict):
    """The placeholders of one entry, each worked out when a phrase asks for it."""

    def __init__(self, details: dict[str, Any]) -> None:
        super().__init__()
        self.details = details

    def __missing__(self, key: str) -> Any:
        self[key] = _PLACEHOLDERS[key](self.details)
        return self[key]


def describe(entry: Any, *, for_referrer: bool = False) -> str:
    """One sentence for a timeline entry. The referrer version names no provider; a code
    without words (an entry older than its event's removal) is shown as it is."""
    try:
        event = TimelineEvent(entry.event)
    except ValueError:
        return entry.event
    details = entry.details or {}
    parts = PHRASES[(event, _variant(event, details, for_referrer))]
    words = _Words(details)
    return " ".join(str(part % words) for part in parts)
