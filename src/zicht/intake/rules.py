"""The rules a signal must meet - identity of the young person and what was seen - in one
place for the web form (``forms.SignalForm``), the partner API's serializer and the services
(``services.signal_input_check``): a Django form used as a validator, never rendered here."""

from __future__ import annotations

import copy
import datetime as dt
import re

from django import forms
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zicht.accounts import selectors as account_selectors
from zicht.core import ages
from zicht.intake.catalogue import item_codes
from zicht.intake.constants import (
    ContactSetting,
    ExploitationForm,
    JusticeStatus,
    NationalityCategory,
    Sex,
)
from zicht.pprl import normalise
from zicht.pprl.encoding import EncodingError, normalise_bsn

PHONE_RE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
PHONE_MIN_DIGITS = 6


#: What a signal records about what was seen, and who it is about (encrypted at rest).
SIGNAL_FIELDS = (
    "contact_date",
    "setting",
    "indicator_codes",
    "forms",
    "account",
    "immediate_danger",
    "justice_status",
    "justice_offences",
    "neighbourhood_code",
    "nationality_category",
)
IDENTITY_FIELDS = (
    "given_names",
    "surname",
    "date_of_birth",
    "age_estimate",
    "sex",
    "bsn",
    "municipality",
    "alias",
    "phone",
)


def clean_bsn(value: str) -> str:
    """A BSN as nine digits that pass the eleven-test, or "" when none is given; the
    one check for every form that takes a BSN (the signal, the name search)."""
    raw = value.strip()
    if not raw:
        return ""
    try:
        return normalise_bsn(raw)
    except EncodingError:
        raise forms.ValidationError(
            _("This is not a valid BSN: nine digits that pass the eleven-test.")
        ) from None


class DateInput(forms.DateInput):
    """An HTML date input; its value must be ISO (YYYY-MM-DD) whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's name
        super().__init__(attrs=attrs, format=format)


class SignalRules(forms.Form):
    immediate_danger = forms.BooleanField(
        label=_("The young person is in immediate danger"),
        required=False,
        help_text=_("Call 112 first. Then record the signal."),
    )
    given_names = forms.CharField(label=_("Given names"), max_length=150)
    surname = forms.CharField(
        label=_("Surname"),
        max_length=150,
        help_text=_("With particles as written, e.g. 'van der Berg' or 'El Amrani'."),
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput)
    age_estimate = forms.IntegerField(
        label=_("Estimated age"),
        required=False,
        help_text=_("Only when the date of birth is unknown: the age at the date of contact."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    bsn = forms.CharField(
        label=_("BSN (citizen service number)"),
        required=False,
        max_length=12,
        help_text=_("Only when known. Nine digits."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality of residence"), queryset=None, required=False
    )
    neighbourhood_code = forms.CharField(
        label=_("Neighbourhood (CBS buurt code)"),
        required=False,
        max_length=10,
        help_text=_("Optional: the neighbourhood where the young person lives, e.g. BU05990110."),
    )
    alias = forms.CharField(label=_("Nickname or alias"), required=False, max_length=100)
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=20)

    contact_date = forms.DateField(label=_("Date of contact"), widget=DateInput)
    setting = forms.ChoiceField(label=_("Where did you see this?"), choices=ContactSetting.choices)
    indicator_codes = forms.MultipleChoiceField(
        label=_("Indicators"), required=False, widget=forms.CheckboxSelectMultiple
    )
    account = forms.CharField(
        label=_("What did you see or hear?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Facts: what you saw and heard, when and where. No opinions."),
    )

    nationality_category = forms.ChoiceField(
        label=_("Nationality"),
        choices=NationalityCategory.choices,
        initial=NationalityCategory.UNKNOWN,
        required=False,
        help_text=_("Only the category, no country: for the register of possible victims."),
    )
    justice_status = forms.ChoiceField(
        label=_("Is the young person (also) a suspect, arrested or prosecuted for these acts?"),
        choices=JusticeStatus.choices,
        initial=JusticeStatus.NONE,
        required=False,
        help_text=_(
            "A young person who commits offences may be a victim of exploitation. Record "
            "it so that it is seen; it is no reason to stop looking."
        ),
    )
    justice_offences = forms.CharField(
        label=_("For which acts?"),
        required=False,
        max_length=500,
        help_text=_("For example: drug dealing, acting as a money mule. No names."),
    )

    # Declared last: the field name 'forms' shadows the forms module in this class body.
    forms = forms.MultipleChoiceField(
        label=_("Suspected forms of exploitation"),
        choices=ExploitationForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, catalogue, shared_fields: bool = False, **kwargs):
        """``shared_fields``: for a form that is only validated, never rendered (the
        API's and the services' check): its fields are built once per process and
        catalogue instead of deep-copied for every instance, as Django does so that a
        page may change its own fields. Validation only reads them."""
        if shared_fields:
            self.base_fields = {}  # nothing for BaseForm.__init__ to deep-copy
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        if shared_fields:
            self.fields = _validator_fields(type(self), _indicator_choices(catalogue))
        else:
            _bind_lookups(self.fields, _indicator_choices(catalogue))
        if not self.is_bound:
            self.initial.setdefault("contact_date", timezone.localdate())

    def clean_bsn(self):
        return clean_bsn(self.cleaned_data["bsn"])

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        if dob is None:
            return None
        today = timezone.localdate()
        if dob > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        # Older than the upper bound today: the signal would be removed the next night
        # (zicht.core.ages.retention), so it is refused now with the bound named.
        age = ages.age_on(today, dob)
        if age > ages.age_max():
            raise forms.ValidationError(ages.age_error(age))
        return dob

    def clean_age_estimate(self):
        # Checked here rather than with min_value/max_value: the bounds are settings read
        # at call time, and the message names the bound crossed.
        estimate = self.cleaned_data["age_estimate"]
        if estimate is not None and (message := ages.age_error(estimate)):
            raise forms.ValidationError(message)
        return estimate

    def clean_given_names(self):
        # The person index compares names in Latin letters; a name with none (say "!!!",
        # or a name in another script) cannot be matched.
        value = self.cleaned_data["given_names"]
        if not normalise.given_tokens(value):
            raise forms.ValidationError(
                _(
                    "Write the given names in letters of the Latin alphabet (accents are "
                    "fine); punctuation or digits alone cannot be used."
                )
            )
        return value

    def clean_surname(self):
        value = self.cleaned_data["surname"]
        if not normalise.surname_tokens(value):
            raise forms.ValidationError(
                _(
                    "Write the surname in letters of the Latin alphabet (accents are fine); "
                    "punctuation or digits alone cannot be used."
                )
            )
        return value

    def clean_contact_date(self):
        day = self.cleaned_data["contact_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of contact cannot be in the future."))
        if day < timezone.localdate() - dt.timedelta(days=3 * 365):
            raise forms.ValidationError(_("The date of contact is more than three years ago."))
        return day

    def clean_neighbourhood_code(self):
        """A known CBS buurt code or nothing. The list is reference data imported by the
        monitor app (``import_neighbourhoods``), which sits above intake in the layers, so it
        is looked up through the app registry rather than imported."""
        code = self.cleaned_data["neighbourhood_code"].strip().upper()
        if not code:
            return ""
        known = (
            apps.is_installed("zicht.monitor")
            and (
                apps.get_model("monitor", "Neighbourhood").objects.filter(code=code, kind="buurt")
            ).exists()
        )
        if not known:
            raise forms.ValidationError(
                _("%(code)s is not a neighbourhood (buurt) code in the imported CBS list.")
                % {"code": code}
            )
        return code

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(
                _("Enter a phone number with digits only, e.g. 0612345678.")
            )
        if phone and sum(ch.isdigit() for ch in phone) < PHONE_MIN_DIGITS:
            raise forms.ValidationError(
                _("A phone number has at least %(n)s digits, e.g. 0612345678.")
                % {"n": PHONE_MIN_DIGITS}
            )
        return phone

    def clean_nationality_category(self):
        return self.cleaned_data["nationality_category"] or NationalityCategory.UNKNOWN

    def clean_justice_status(self):
        return self.cleaned_data["justice_status"] or JusticeStatus.NONE

    def clean(self):
        data = super().clean()
        if (
            data.get("justice_status") == JusticeStatus.NONE
            and (data.get("justice_offences") or "").strip()
        ):
            self.add_error(
                "justice_offences",
                _(
                    "Only when the young person is a suspect, arrested or prosecuted: choose "
                    "which, or empty this field."
                ),
            )
        dob, contact_date = data.get("date_of_birth"), data.get("contact_date")
        if dob and contact_date and dob > contact_date:
            self.add_error(
                "date_of_birth", _("The date of birth cannot be after the date of contact.")
            )
        elif dob and contact_date and "date_of_birth" not in self.errors:
            # The age at contact is what the signal is about (and what is counted).
            if message := ages.age_error(ages.age_on(contact_date, dob)):
                self.add_error("date_of_birth", message)
        if dob and data.get("age_estimate") not in (None, ""):
            # The date of birth fixes the age; two answers that may disagree help nobody.
            self.add_error(
                "age_estimate",
                _(
                    "You entered a date of birth and an estimated age. Keep only the date "
                    "of birth when you know it; empty the estimated age."
                ),
            )
        # Only when neither field has its own error already: one clear message per problem.
        if (
            not dob
            and data.get("age_estimate") in (None, "")
            and "date_of_birth" not in self.errors
            and "age_estimate" not in self.errors
        ):
            self.add_error(
                "date_of_birth", _("Enter the date of birth, or an estimated age if it is unknown.")
            )
        return data

    def split(self) -> tuple[dict, dict]:
        """(signal data, identity data) for the services."""
        d = self.cleaned_data
        identity = {k: d.get(k) for k in IDENTITY_FIELDS}
        if identity["date_of_birth"]:
            identity["age_estimate"] = None
        data = {k: d.get(k) for k in SIGNAL_FIELDS}
        return data, identity


def _indicator_choices(catalogue) -> tuple[tuple[str, str], ...]:
    return tuple((code, code) for code in sorted(item_codes(catalogue.data)))


def _bind_lookups(fields: dict, indicator_choices: tuple[tuple[str, str], ...]) -> None:
    """What the class cannot declare: the municipalities (a query, made lazily) and the
    indicator codes of the catalogue the signal is checked against."""
    fields["municipality"].queryset = account_selectors.municipality_list()
    fields["indicator_codes"].choices = list(indicator_choices)


# Fields of forms only validated, by form class and catalogue codes (see SignalRules).
_VALIDATOR_FIELDS: dict[tuple[type, tuple], dict] = {}
_VALIDATOR_FIELDS_MAX = 8


def _validator_fields(form_class: type, indicator_choices: tuple[tuple[str, str], ...]) -> dict:
    key = (form_class, indicator_choices)
    fields = _VALIDATOR_FIELDS.get(key)
    if fields is None:
        fields = copy.deepcopy(form_class.base_fields)
        _bind_lookups(fields, indicator_choices)
        if len(_VALIDATOR_FIELDS) >= _VALIDATOR_FIELDS_MAX:
            _VALIDATOR_FIELDS.clear()
        _VALIDATOR_FIELDS[key] = fields
    return fields
