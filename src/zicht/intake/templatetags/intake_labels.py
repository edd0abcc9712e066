"""Names for codes stored on a signal, so pages never show "F" or "created"."""

from django import template
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
