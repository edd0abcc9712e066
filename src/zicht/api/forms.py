"""The form an organisation administrator fills in to create an API key."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from zicht.api.scopes import SCOPES

#: A key is valid for at most this many years; a new one can be made before it expires.
MAX_VALIDITY_YEARS = 2


def latest_expiry(today: dt.date) -> dt.date:
    """The last day a key created ``today`` may be valid: MAX_VALIDITY_YEARS ahead."""
    try:
        return today.replace(year=today.year + MAX_VALIDITY_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + MAX_VALIDITY_YEARS, day=28)


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.user.get_full_name() or obj.user.username


class APIKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        help_text=_("Which system uses the key, e.g. 'Case system youth care'."),
    )
    contact = ContactChoiceField(
        label=_("Contact person"),
        queryset=None,
        help_text=_(
            "A professional of your organisation: the author of signals this system records, "
            "who receives the match notifications."
        ),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What the key may do"),
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Optional, at most two years ahead. The key stops working at the end of this day."
        ),
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day is not None and day < today:
            raise forms.ValidationError(_("Choose today or a later day."))
        if day is not None and day > latest_expiry(today):
            raise forms.ValidationError(
                _("A key is valid for at most two years: choose %(date)s or an earlier day.")
                % {"date": date_format(latest_expiry(today), "j F Y")}
            )
        return day

    def expiry_datetime(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
        return timezone.make_aware(end)
