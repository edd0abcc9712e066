"""Forms of the coordination app. Validation of business rules stays in the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zicht.coordination.constants import (
    CONTEXT_QUESTIONS,
    RISK_QUESTIONS,
    VULNERABILITY_QUESTIONS,
    CareType,
    ClosureDecision,
    ClosureOutcome,
    Consent,
    MeasureKind,
    ParentConsent,
    ScreeningDecision,
    Urgency,
)
from zicht.coordination.limits import (
    LONG_TEXT_MAX_LENGTH,
    REOPEN_REASON_MAX_LENGTH,
    TASK_TITLE_MAX_LENGTH,
    validate_date_window,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PrefixedIdForm(forms.Form):
    """Several forms share the file page: each gets its own id prefix."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)

    def service_arguments(self) -> dict:
        """The valid input as keyword arguments of the service this form submits to."""
        return dict(self.cleaned_data)


class VersionedForm(PrefixedIdForm):
    """Carries the file version the user saw, for the conflict check."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def service_arguments(self) -> dict:
        arguments = super().service_arguments()
        arguments["expected_version"] = arguments.pop("version")
        return arguments


class ReferralForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you refer?"),
        max_length=LONG_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What worries you, and what has been done so far. Facts, no opinions."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect, initial="normal"
    )
    consent_young_person = forms.ChoiceField(
        label=_("Consent of the young person"), choices=Consent.choices, widget=forms.RadioSelect
    )
    consent_parents = forms.ChoiceField(
        label=_("Consent of the parents"),
        choices=ParentConsent.choices,
        widget=forms.RadioSelect,
        help_text=_("For a minor: the parents or guardians with parental authority."),
    )


class AssignForm(VersionedForm):
    id_prefix = "assign"
    coordinator = forms.ChoiceField(label=_("Coordinator"), required=False)

    def __init__(self, *args, coordinators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.coordinators = {str(m.pk): m for m in coordinators}
        self.fields["coordinator"].choices = [("", _("Nobody"))] + [
            (str(m.pk), m.user.get_full_name() or m.user.username) for m in coordinators
        ]

    def chosen(self):
        return self.coordinators.get(self.cleaned_data.get("coordinator") or "")

    def service_arguments(self) -> dict:
        return {"coordinator": self.chosen(), "expected_version": self.cleaned_data["version"]}


class ScreeningForm(VersionedForm):
    id_prefix = "screen"
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ScreeningDecision.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=LONG_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Which facts and indicators the decision rests on."),
    )


class AssessmentForm(VersionedForm):
    id_prefix = "assess"
    note = forms.CharField(
        label=_("Notes on the assessment"),
        max_length=LONG_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    GROUPS = (
        (_("Vulnerability"), VULNERABILITY_QUESTIONS),
        (_("Risks"), RISK_QUESTIONS),
        (_("Circumstances"), CONTEXT_QUESTIONS),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for _title, questions in self.GROUPS:
            for q in questions:
                self.fields[q.value] = forms.BooleanField(label=q.label, required=False)

    def groups(self):
        return [(title, [self[q.value] for q in questions]) for title, questions in self.GROUPS]

    def answers(self) -> dict:
        return {
            q.value: self.cleaned_data.get(q.value, False)
            for _t, questions in self.GROUPS
            for q in questions
        }

    def service_arguments(self) -> dict:
        return {
            "answers": self.answers(),
            "note": self.cleaned_data.get("note", ""),
            "expected_version": self.cleaned_data["version"],
        }


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_type_display()})"

    def group_likely_first(self, likely) -> None:
        """Show the ``likely`` owners in a group of their own above all organisations, so
        the police, the public prosecutor and the file's municipality are not lost among
        hundreds of names. Validation still accepts any organisation of the queryset."""
        # owner-filter.js adds a search box above the list (progressive enhancement).
        self.widget.attrs.update(
            {"data-owner-filter": "", "data-filter-label": _("Search an organisation")}
        )
        likely = list(likely)
        if not likely:
            return
        self.choices = [
            ("", self.empty_label or "---------"),
            (_("Likely owners"), [(o.pk, self.label_from_instance(o)) for o in likely]),
            (
                _("All organisations"),
                [(o.pk, self.label_from_instance(o)) for o in self.queryset],
            ),
        ]


class MeasureDecisionForm(VersionedForm):
    id_prefix = "measure"
    action = forms.ChoiceField(
        choices=[
            ("accept", _("Accept")),
            ("reject", _("Reject")),
            ("start", _("In place")),
            ("end", _("End")),
        ],
        widget=forms.HiddenInput,
    )
    owner = OwnerChoiceField(label=_("Owner organisation"), queryset=None, required=False)
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=DATE, validators=[validate_date_window]
    )
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=DATE, validators=[validate_date_window]
    )

    def __init__(self, *args, organisations=None, likely_owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = organisations
        self.fields["owner"].group_likely_first(likely_owners)
        self.fields["start_date"].initial = timezone.localdate()


class MeasureAddForm(VersionedForm):
    id_prefix = "madd"
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    owner = OwnerChoiceField(label=_("Owner organisation"), queryset=None)
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=DATE, validators=[validate_date_window]
    )
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=DATE, validators=[validate_date_window]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=LONG_TEXT_MAX_LENGTH)

    def __init__(self, *args, organisations=None, likely_owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = organisations
        self.fields["owner"].group_likely_first(likely_owners)
        self.fields["start_date"].initial = timezone.localdate()


class CareReferralForm(VersionedForm):
    id_prefix = "care"
    provider = OwnerChoiceField(label=_("Provider"), queryset=None)
    care_type = forms.ChoiceField(label=_("Type of care"), choices=CareType.choices)
    note = forms.CharField(
        label=_("Note for the provider"),
        max_length=LONG_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the provider needs to know to decide. The provider sees this note."),
    )

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class CareActionForm(VersionedForm):
    id_prefix = "careact"
    reason = forms.CharField(
        label=_("Reason (required when refusing)"),
        max_length=LONG_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TaskForm(PrefixedIdForm):
    id_prefix = "task"
    title = forms.CharField(label=_("Task"), max_length=TASK_TITLE_MAX_LENGTH)
    due_date = forms.DateField(label=_("Due date"), widget=DATE, validators=[validate_date_window])


class CloseForm(VersionedForm):
    """Outcome and note, and a decision per open measure or task (``open_items``: pairs
    of key and label, from ``services.closure.open_work``)."""

    id_prefix = "close"
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ClosureOutcome.choices)
    note = forms.CharField(
        label=_("Closing note"),
        required=False,
        max_length=LONG_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, open_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.open_items = list(open_items)
        for key, label in self.open_items:
            # Required here too: the service refuses an undecided item either way.
            self.fields[key] = forms.ChoiceField(
                label=label,
                choices=ClosureDecision.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose: carry over to follow-up, or drop with a reason.")
                },
            )
            self.fields[f"{key}_reason"] = forms.CharField(
                label=_("Reason for dropping"),
                required=False,
                max_length=LONG_TEXT_MAX_LENGTH,
            )

    def decision_fields(self):
        return [(self[key], self[f"{key}_reason"]) for key, _label in self.open_items]

    def service_arguments(self) -> dict:
        arguments = super().service_arguments()
        decisions = {}
        for key, _label in self.open_items:
            decisions[key] = (arguments.pop(key), arguments.pop(f"{key}_reason", ""))
        arguments["decisions"] = decisions
        return arguments


class ReopenForm(VersionedForm):
    id_prefix = "reopen"
    reason = forms.CharField(
        label=_("Why is the file reopened?"), max_length=REOPEN_REASON_MAX_LENGTH
    )


class MergeForm(VersionedForm):
    """The duplicate file to merge into this one, and the version of this file the user saw."""

    id_prefix = "merge"
    duplicate = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


class InboxFilterForm(forms.Form):
    view = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("open", _("All open files")),
            ("mine", _("Assigned to me")),
            ("unassigned", _("Not assigned")),
            ("awaiting", _("Awaiting screening")),
            ("overdue", _("Past the screening deadline")),
            ("closed", _("Closed files")),
        ],
    )


class InboxSearchForm(forms.Form):
    """Find a file by the young person's name, the file number or a signal number.
    Posted, never in a URL: a name is personal data (docs/coordination.md)."""

    q = forms.CharField(
        label=_("Name, file number or signal number"),
        max_length=150,
        help_text=_("A typo or 'van der' in a name makes no difference."),
        error_messages={"required": _("Type a name, a file number or a signal number.")},
    )
