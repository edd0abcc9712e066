"""Names for codes stored on a signal, so pages never show "F" or "created"."""

import datetime as dt

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from zicht.intake.constants import Sex

register = template.Library()

REVISION_ACTIONS = {
    "created": _("recorded"),
    "edited": _("changed"),
    "withdrawn": _("withdrawn"),
}


@register.filter
def sex_label(code) -> str:
    return str(Sex(code).label) if code in Sex.values else "—"


@register.filter
def revision_action(code) -> str:
    return str(REVISION_ACTIONS.get(code, code))


@register.filter
def iso_date(value) -> str:
    """A date stored as ISO text (an encrypted identity field) read like every other date:
    "2009-03-14" -> "14 maart 2009" ("14 March 2009" in English); "" stays ""."""
    if not value:
        return ""
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return date_format(day, "j F Y")


@register.filter
def young_person(rows, signal_id):
    """The ``SignalRow`` of one of the organisation's own signals from a {signal id: row}
    mapping made for the page shown (``intake.selectors.signal_rows``), or None."""
    return rows.get(signal_id) if rows else None
