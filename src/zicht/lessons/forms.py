from django import forms
from django.utils.translation import gettext_lazy as _

from zicht.lessons import selectors


class TeacherStartForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send you a link to start the class. We do not keep your address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    lesson = forms.ChoiceField(label=_("Lesson"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].choices = [
            (lesson.slug, str(lesson.title)) for lesson in selectors.lessons_published()
        ]


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the board"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class AnswerForm(forms.Form):
    step = forms.CharField(max_length=80)
    choice = forms.CharField(max_length=80)


class AdvanceForm(forms.Form):
    to = forms.CharField(max_length=80)
