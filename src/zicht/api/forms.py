"""The form an organisation administrator fills in to create an API key."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zicht.api.scopes import SCOPES


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
        help_text=_("Optional. The key stops working at the end of this day."),
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return day

    def expiry_datetime(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
        return timezone.make_aware(end)
