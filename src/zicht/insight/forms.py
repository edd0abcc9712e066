from django import forms
from django.utils.translation import gettext_lazy as _

from zicht.accounts import selectors as account_selectors


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's name
        super().__init__(attrs=attrs, format=format)


class InsightFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    compare_from = forms.DateField(label=_("Compare with: from"), required=False, widget=DateInput)
    compare_to = forms.DateField(label=_("Compare with: to"), required=False, widget=DateInput)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), required=False, queryset=None, to_field_name="code"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = account_selectors.municipality_list()

    def clean(self):
        data = super().clean()
        for start, end in (("date_from", "date_to"), ("compare_from", "compare_to")):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                raise forms.ValidationError(_("The start date must not be after the end date."))
        if bool(data.get("compare_from")) != bool(data.get("compare_to")):
            raise forms.ValidationError(_("Give both dates of the comparison period."))
        return data

    def comparison(self) -> dict | None:
        """The comparison period, if one was given (same municipality filter)."""
        if not self.is_bound or not self.is_valid() or not self.cleaned_data.get("compare_from"):
            return None
        d = self.cleaned_data
        return {
            "date_from": d["compare_from"],
            "date_to": d["compare_to"],
            "municipality": d["municipality"].code if d.get("municipality") else None,
        }

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        d = self.cleaned_data
        return {
            "date_from": d.get("date_from"),
            "date_to": d.get("date_to"),
            "municipality": d["municipality"].code if d.get("municipality") else None,
        }
