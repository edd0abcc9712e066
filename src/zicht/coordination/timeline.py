"""Timeline entries as sentences, so that the timeline tells the story of a file."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zicht.coordination.constants import (
    CareType,
    ClosureOutcome,
    MeasureKind,
    ScreeningDecision,
    Urgency,
)


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _date(value) -> str:
    try:
        return date_format(dt.date.fromisoformat(str(value)[:10]), "j F Y")
    except ValueError:
        return str(value)


def describe(entry, *, for_referrer: bool = False) -> str:
    """One sentence for a timeline entry. The referrer version names no provider.

    An event without a sentence (none should exist) is shown by its code.
    """
    d = entry.details or {}
    e = entry.event
    if e.startswith("measure_"):
        return _measure_sentence(e, d)
    if e.startswith("care_"):
        return _care_sentence(e, d, for_referrer=for_referrer)
    sentence = (
        _progress_sentence(e, d, for_referrer=for_referrer)
        or _task_sentence(e, d)
        or _closing_sentence(e, d)
    )
    return sentence or e


def _progress_sentence(e: str, d: dict, *, for_referrer: bool) -> str | None:
    """From the referral to the start of support: opened, referred, assigned, screened,
    assessed."""
    if e == "file_opened":
        return _("File opened; screening deadline %(deadline)s.") % {
            "deadline": _date(d.get("deadline"))
        }
    if e == "referral_received":
        return _("Referral received from %(organisation)s (urgency: %(urgency)s).") % {
            "organisation": d.get("organisation", ""),
            "urgency": _label(Urgency, d.get("urgency", "")).lower(),
        }
    if e == "assigned":
        return _("Assigned to %(name)s.") % {"name": d["to"]} if d.get("to") else _("Unassigned.")
    if e == "screened":
        text = _("Screening decision: %(decision)s.") % {
            "decision": _label(ScreeningDecision, d.get("decision"))
        }
        if not for_referrer:
            text += " " + (
                _("Within the deadline.") if d.get("within_deadline") else _("After the deadline.")
            )
        return text
    if e == "assessment_completed":
        n = len(d.get("proposed", []))
        return ngettext(
            "Individual assessment completed; %(n)s measure proposed.",
            "Individual assessment completed; %(n)s measures proposed.",
            n,
        ) % {"n": n}
    if e == "support_started":
        return _("Protection and care are being arranged.")
    return None


def _measure_sentence(e: str, d: dict) -> str:
    """A protection measure added, decided on, started, ended or settled at closing."""
    verbs = {
        "measure_accept": _("Measure accepted: %(measure)s (owner: %(owner)s)."),
        "measure_added": _("Measure added: %(measure)s (owner: %(owner)s)."),
        "measure_reject": _("Measure rejected: %(measure)s."),
        "measure_start": _("Measure in place: %(measure)s."),
        "measure_end": _("Measure ended: %(measure)s."),
        "measure_carry_over": _("At closing, carried over to follow-up: %(measure)s."),
        "measure_drop": _("At closing, dropped: %(measure)s."),
    }
    return verbs.get(e, e) % {
        "measure": _label(MeasureKind, d.get("measure")),
        "owner": d.get("owner", ""),
    }


def _care_sentence(e: str, d: dict, *, for_referrer: bool) -> str:
    """A care referral and the provider's answer; the referrer's version names no provider."""
    care_type = _label(CareType, d.get("care_type"))
    if for_referrer:
        texts = {
            "care_requested": _("Care requested (%(type)s)."),
            "care_accepted": _("Care accepted by the provider (%(type)s)."),
            "care_refused": _("Care refused by the provider (%(type)s)."),
            "care_placed": _("Placed in care (%(type)s)."),
            "care_ended": _("Care ended (%(type)s)."),
        }
        return texts.get(e, e) % {"type": care_type}
    texts = {
        "care_requested": _("Care requested from %(provider)s (%(type)s)."),
        "care_accepted": _("%(provider)s accepted the care referral (%(type)s)."),
        "care_refused": _("%(provider)s refused the care referral (%(type)s)."),
        "care_placed": _("%(provider)s placed the young person (%(type)s)."),
        "care_ended": _("%(provider)s ended the care (%(type)s)."),
    }
    return texts.get(e, e) % {"provider": d.get("provider", ""), "type": care_type}


def _task_sentence(e: str, d: dict) -> str | None:
    """A task added, done, or settled at closing."""
    if e == "task_created":
        return _("Task added, due %(due)s.") % {"due": _date(d.get("due"))}
    if e == "task_done":
        return _("Task done.")
    if e == "task_carry_over":
        return _("At closing, an open task was carried over to follow-up.")
    if e == "task_drop":
        return _("At closing, an open task was dropped.")
    return None


def _closing_sentence(e: str, d: dict) -> str | None:
    """Closing, reopening, reminders, merging and anonymising."""
    if e == "closed":
        return _("File closed: %(outcome)s.") % {
            "outcome": _label(ClosureOutcome, d.get("outcome"))
        }
    if e == "reopened":
        if d.get("because") == "new_referral":
            return _("File reopened because of a new referral.")
        return _("File reopened.")
    if e == "reminder_sent":
        return _("Reminder sent: screening deadline %(deadline)s.") % {
            "deadline": _date(d.get("deadline"))
        }
    if e == "merged_in":
        return _("File %(other)s about the same person merged into this file.") % {
            "other": d.get("other", "")
        }
    if e == "merged_away":
        return _("Merged into file %(file)s: the same person.") % {"file": d.get("file", "")}
    if e == "anonymised":
        return _("File anonymised after the retention period.")
    return None
