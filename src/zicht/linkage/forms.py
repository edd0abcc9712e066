"""The filter of the match list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zicht.linkage.constants import MatchStatus


class MatchFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            (MatchStatus.POSSIBLE, _("Possible match")),
            (MatchStatus.CONFIRMED, _("Confirmed")),
            (MatchStatus.REJECTED, _("Not the same person")),
            (MatchStatus.ENDED, _("Ended")),
        ],
    )
