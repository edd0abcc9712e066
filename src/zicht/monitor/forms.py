from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zicht.monitor.constants import TargetIndicator, TargetKind


def _years():
    this = timezone.localdate().year
    return [(y, str(y)) for y in range(this, this - 5, -1)]


class PeriodForm(forms.Form):
    """Which period the monitor shows: a year, or one quarter of it."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_years)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("whole year")), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")],
    )
    area = forms.ChoiceField(label=_("Area"), required=False)
    municipality = forms.ChoiceField(label=_("Municipality"), required=False)

    def __init__(self, *args, areas=None, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is None:  # the programme view compares whole municipalities
            del self.fields["area"]
        else:
            self.fields["area"].choices = [("", _("all areas together"))] + [
                (str(a.pk), a.name) for a in areas
            ]
        if municipalities is None:
            del self.fields["municipality"]
        else:
            self.fields["municipality"].choices = municipalities

    def values(self) -> dict:
        today = timezone.localdate()
        if not self.is_bound or not self.is_valid():
            return {"year": today.year, "quarter": None, "area": "", "municipality": ""}
        return {
            "year": self.cleaned_data["year"],
            "quarter": self.cleaned_data["quarter"],
            "area": self.cleaned_data.get("area") or "",
            "municipality": self.cleaned_data.get("municipality") or "",
        }


class AreaForm(forms.Form):
    name = forms.CharField(label=_("Name of the area"), max_length=100)
    codes = forms.MultipleChoiceField(
        label=_("Wijken and buurten"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A wijk includes all its buurten."),
    )

    def __init__(self, *args, neighbourhoods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(n.code, f"{n.name} ({n.code})") for n in neighbourhoods]


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"), choices=TargetIndicator.choices)
    kind = forms.ChoiceField(label=_("Kind of target"), choices=TargetKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2022, max_value=2100)
    baseline_year = forms.IntegerField(
        label=_("Base year (change targets)"), required=False, min_value=2000, max_value=2100
    )
    value = forms.DecimalField(
        label=_("Target (%)"),
        max_digits=6,
        decimal_places=1,
        min_value=-100,
        max_value=1000,
        help_text=_("E.g. 25 for +25% on the base year, or 90 for a share of at least 90%."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("indicator") == TargetIndicator.SCREENING
            and data.get("kind") == TargetKind.CHANGE
        ):
            self.add_error("kind", _("Screening in time is a share: choose 'share at least'."))
        if (
            data.get("indicator") != TargetIndicator.SCREENING
            and data.get("kind") == TargetKind.SHARE
        ):
            self.add_error("kind", _("Counts get a change target against a base year."))
        return data
