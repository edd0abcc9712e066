"""The intake's web forms: the signal form (its rules live in ``rules.SignalRules``, shared
with the API and the services), withdrawal, the list's filter and the name search."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zicht.intake.constants import ExploitationForm
from zicht.intake.rules import DateInput, SignalRules, clean_bsn
from zicht.pprl import normalise

__all__ = ["SignalForm", "WithdrawForm", "SignalFilterForm", "SignalSearchForm", "DateInput"]


class SignalForm(SignalRules):
    """The signal as a page: the fields and rules of ``SignalRules``, rendered."""


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is the signal withdrawn?"), max_length=200)


class SignalFilterForm(forms.Form):
    q = forms.CharField(label=_("Search reference or author"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("active", _("Active")),
            ("withdrawn", _("Withdrawn")),
            ("expired", _("Expired")),
        ],
    )
    form = forms.ChoiceField(
        label=_("Form of exploitation"),
        required=False,
        choices=[("", _("All")), *ExploitationForm.choices],
    )
    immediate_danger = forms.BooleanField(label=_("Only immediate danger"), required=False)
    date_from = forms.DateField(label=_("Contact from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Contact to"), required=False, widget=DateInput)


class SignalSearchForm(forms.Form):
    """Find the organisation's own signals by the young person's name, date of birth or
    BSN. Posted, never in a URL: the query is personal data (docs/intake.md)."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=150,
        help_text=_("Given name, surname or alias. A typo or 'van der' makes no difference."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": _("Enter the date of birth as a date, e.g. 14-03-2009.")},
    )
    bsn = forms.CharField(label=_("BSN"), required=False, max_length=12)

    def clean_name(self):
        value = self.cleaned_data["name"].strip()
        if value and not normalise.fold(value).replace("-", ""):
            raise forms.ValidationError(
                _("Search with letters of the Latin alphabet (accents are fine).")
            )
        return value

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        if dob is not None and dob > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        return dob

    def clean_bsn(self):
        return clean_bsn(self.cleaned_data["bsn"])

    def clean(self):
        data = super().clean()
        if not self.errors and not (
            data.get("name") or data.get("date_of_birth") or data.get("bsn")
        ):
            raise forms.ValidationError(_("Fill in a name, a date of birth or a BSN to search."))
        return data
