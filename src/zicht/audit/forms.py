from django import forms
from django.utils.translation import gettext_lazy as _

from zicht.audit import catalogue


class AuditFilterForm(forms.Form):
    """Filters of the audit log: a person (one of the organisation's members), a kind of
    event (an event or a whole group from the catalogue) and a period. Choices, not free
    text, so a reader finds events without knowing their codes."""

    actor = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind of event"), required=False)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", _("Everyone")), *people]
        kinds = [("", _("All events"))]
        for group, events in catalogue.action_choices():
            every = (group.value, _("All: %(group)s") % {"group": group.label})
            kinds.append((group.label, [every, *events]))
        self.fields["kind"].choices = kinds

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data
