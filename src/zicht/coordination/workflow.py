"""The state machines of the coordination app. Every allowed transition is declared once.

Services ask ``target(MACHINE, action, current_status)`` for the new status; an
action that is not declared for the current status raises ``IllegalTransition``
and nothing changes. Who may perform an action (coordinator or provider) is part
of the declaration, so views and services never decide that themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zicht.coordination.constants import CareStatus, FileStatus, MeasureStatus

__all__ = [
    "Transition",
    "IllegalTransition",
    "FILE",
    "CARE",
    "MEASURE",
    "target",
    "allowed_actions",
    "actor_of",
]

COORDINATOR = "coordinator"
PROVIDER = "provider"


class IllegalTransition(ValidationError):
    """The action is not allowed in the object's current state."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    actor: str
    label: object


FILE: tuple[Transition, ...] = (
    Transition(
        "decide_possible_victim",
        (FileStatus.SCREENING, FileStatus.MORE_INFORMATION),
        FileStatus.ASSESSMENT,
        COORDINATOR,
        gettext_lazy("screen as possible victim"),
    ),
    Transition(
        "decide_not_victim",
        (FileStatus.SCREENING, FileStatus.MORE_INFORMATION),
        FileStatus.NOT_VICTIM,
        COORDINATOR,
        gettext_lazy("screen as not a victim"),
    ),
    Transition(
        "decide_more_information",
        (FileStatus.SCREENING,),
        FileStatus.MORE_INFORMATION,
        COORDINATOR,
        gettext_lazy("ask for more information"),
    ),
    Transition(
        "complete_assessment",
        (FileStatus.ASSESSMENT,),
        FileStatus.SUPPORT,
        COORDINATOR,
        gettext_lazy("complete the assessment"),
    ),
    Transition(
        "close",
        (FileStatus.ASSESSMENT, FileStatus.SUPPORT, FileStatus.NOT_VICTIM),
        FileStatus.CLOSED,
        COORDINATOR,
        gettext_lazy("close the file"),
    ),
    Transition(
        "merge",
        (FileStatus.SCREENING, FileStatus.MORE_INFORMATION),
        FileStatus.MERGED,
        COORDINATOR,
        gettext_lazy("merge this file into another file of the same person"),
    ),
    Transition(
        "reopen",
        (FileStatus.CLOSED,),
        FileStatus.SCREENING,
        COORDINATOR,
        gettext_lazy("reopen the file"),
    ),
)

CARE: tuple[Transition, ...] = (
    Transition(
        "accept",
        (CareStatus.REQUESTED,),
        CareStatus.ACCEPTED,
        PROVIDER,
        gettext_lazy("accept the care referral"),
    ),
    Transition(
        "refuse",
        (CareStatus.REQUESTED,),
        CareStatus.REFUSED,
        PROVIDER,
        gettext_lazy("refuse the care referral"),
    ),
    Transition(
        "place",
        (CareStatus.ACCEPTED,),
        CareStatus.PLACED,
        PROVIDER,
        gettext_lazy("place the young person"),
    ),
    Transition(
        "end",
        (CareStatus.PLACED,),
        CareStatus.ENDED,
        PROVIDER,
        gettext_lazy("end the care"),
    ),
)

MEASURE: tuple[Transition, ...] = (
    Transition(
        "accept",
        (MeasureStatus.PROPOSED, MeasureStatus.REJECTED),
        MeasureStatus.ACCEPTED,
        COORDINATOR,
        gettext_lazy("accept the measure"),
    ),
    Transition(
        "reject",
        (MeasureStatus.PROPOSED, MeasureStatus.ACCEPTED),
        MeasureStatus.REJECTED,
        COORDINATOR,
        gettext_lazy("reject the measure"),
    ),
    Transition(
        "start",
        (MeasureStatus.ACCEPTED,),
        MeasureStatus.IN_PLACE,
        COORDINATOR,
        gettext_lazy("mark the measure as in place"),
    ),
    Transition(
        "end",
        (MeasureStatus.IN_PLACE,),
        MeasureStatus.ENDED,
        COORDINATOR,
        gettext_lazy("end the measure"),
    ),
)


def _find(machine, action: str) -> Transition | None:
    return next((t for t in machine if t.action == action), None)


def target(machine, action: str, current: str) -> str:
    """The status after ``action``; ``IllegalTransition`` when it is not allowed now."""
    transition = _find(machine, action)
    if transition is None:
        raise IllegalTransition(_("Unknown action."), code="unknown_action")
    if current not in transition.sources:
        raise IllegalTransition(
            _("You cannot %(action)s now: the status is “%(status)s”.")
            % {"action": transition.label, "status": _status_label(machine, current)},
            code="illegal_transition",
        )
    return transition.target


def actor_of(machine, action: str) -> str:
    transition = _find(machine, action)
    if transition is None:
        raise IllegalTransition(_("Unknown action."), code="unknown_action")
    return transition.actor


def allowed_actions(machine, current: str) -> list[str]:
    return [t.action for t in machine if current in t.sources]


def _status_label(machine, value: str) -> str:
    choices = (
        FileStatus
        if machine is FILE
        else CareStatus
        if machine is CARE
        else MeasureStatus
        if machine is MEASURE
        else None
    )
    try:
        return str(choices(value).label) if choices else value
    except ValueError:
        return value
