"""Forms of the public help pages and the counsellor inbox."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zicht.core import ratelimit
from zicht.help import conf, pow, selfcheck
from zicht.help.constants import CloseReason, HandoverKind
from zicht.help.services import MAX_MESSAGE_LENGTH, SIGNAL_REFERENCE_PATTERN


class MessageField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_MESSAGE_LENGTH)
        kwargs.setdefault(
            "widget", forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "true"})
        )
        super().__init__(**kwargs)


class StartForm(forms.Form):
    """Start a conversation. Proof-of-work with JavaScript, a honeypot without it."""

    message = MessageField(
        label=_("Your question or story"),
        help_text=_(
            "Write what is going on, in your own words. You don't have to give your name. "
            "Better not to write names, addresses or phone numbers."
        ),
    )
    challenge = forms.CharField(widget=forms.HiddenInput)
    solution = forms.CharField(widget=forms.HiddenInput, required=False)
    # The honeypot: hidden from people (CSS and aria-hidden), filled in by simple bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    expired_message = _("This form has expired. Please send your message again.")

    def clean(self):
        data = super().clean()
        challenge = data.get("challenge") or ""
        if data.get("website"):
            raise ValidationError(_("Your message could not be sent. Please try again."))
        age = pow.form_age_seconds(challenge)
        if age is None:
            raise ValidationError(self.expired_message, code="expired")
        solution = (data.get("solution") or "").strip()
        if solution:
            bits = pow.verified_bits(challenge, solution)
            if not bits:
                raise ValidationError(self.expired_message, code="expired")
            if bits < pow.start_bits() - 1:
                # Solved when it was quieter: the current price is higher. The page comes
                # back with a fresh challenge that the browser solves and sends again.
                raise ValidationError(
                    _(
                        "It is busy right now. Your browser does a little more work and then sends your message again. This can take a few seconds."
                    ),
                    code="more_work",
                )
            return data
        # Without JavaScript: not faster than a person, limited per hour, once per form.
        if age < conf.min_form_seconds():
            raise ValidationError(
                _("That was very fast. Please check your message and send it again."),
                code="too_fast",
            )
        if not pow.mark_used(challenge):
            raise ValidationError(self.expired_message, code="expired")
        if ratelimit.hit("start-nojs", minutes=60) > conf.nojs_starts_per_hour():
            raise ValidationError(
                _(
                    "It is very busy right now. Please try again in an hour, or call one of the numbers below."
                ),
                code="busy",
            )
        return data


class ResumeForm(forms.Form):
    """Case code and passphrase; after several wrong passphrases for a code, also a
    solved proof-of-work (``services.resume_proof_bits``), which the browser adds."""

    code = forms.CharField(
        label=_("Case code"),
        max_length=20,
        help_text=_("8 letters and digits, for example ABCD-EF23."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    passphrase = forms.CharField(
        label=_("Passphrase"),
        max_length=200,
        help_text=_("The five words you wrote down."),
        widget=forms.PasswordInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    challenge = forms.CharField(widget=forms.HiddenInput, required=False)
    solution = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)

    def proof_bits(self) -> int:
        """The work proven with this form (0 without a solved challenge); uses it up."""
        challenge = self.cleaned_data.get("challenge") or ""
        solution = (self.cleaned_data.get("solution") or "").strip()
        return pow.verified_bits(challenge, solution) if challenge and solution else 0


class VisitorMessageForm(forms.Form):
    body = MessageField(label=_("Your message"))


class SelfCheckForm(forms.Form):
    """One optional radio group per statement; nothing is saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in selfcheck.QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=selfcheck.ANSWERS,
                required=False,
                widget=forms.RadioSelect,
            )


class ReplyForm(forms.Form):
    body = MessageField(label=_("Your answer"))


class HandoverForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hand over as"), choices=HandoverKind.choices)


class RouteForm(forms.Form):
    """Pass a conversation to another counsellor service (choices from the selector)."""

    to = forms.ChoiceField(label=_("Pass on to"))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = list(choices)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (CloseReason.FINISHED, CloseReason.FINISHED.label),
            (CloseReason.ABUSIVE, CloseReason.ABUSIVE.label),
        ],
    )


class TakeUpForm(forms.Form):
    """A professional takes up a signal hand-over; the signal reference is optional."""

    signal_reference = forms.CharField(
        label=_("Reference of the signal you recorded (optional)"),
        help_text=_("For example ZS-2026-012345. Leave empty if you have not recorded one."),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_signal_reference(self):
        reference = self.cleaned_data["signal_reference"].strip().upper()
        if reference and not SIGNAL_REFERENCE_PATTERN.fullmatch(reference):
            raise ValidationError(
                _("A signal reference looks like ZS-2026-012345."), code="signal_reference"
            )
        return reference
