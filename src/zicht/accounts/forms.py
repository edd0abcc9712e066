from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from two_factor.forms import BackupTokenForm

from zicht.accounts.constants import Role, role_choices_for
from zicht.accounts.security import hash_backup_code


class ZichtAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "no_membership": _(
            "Your account has no active organisation. Contact your organisation's administrator."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_superuser:
            return
        if user.memberships.filter(is_active=True, organisation__is_active=True).exists():
            return
        # An account whose only way in is an open invitation logs in to answer it.
        if not user.invitations.filter(status="pending", organisation__is_active=True).exists():
            raise forms.ValidationError(self.error_messages["no_membership"], code="no_membership")


class _RoleChoice(forms.Form):
    """Offers only the roles the organisation's type allows (``roles_for``)."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.fields["role"].choices = role_choices_for(organisation.type)


class InviteForm(_RoleChoice):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    field_order = ["email", "first_name", "last_name", "role"]


class RoleForm(_RoleChoice):
    pass


class ZichtBackupTokenForm(BackupTokenForm):
    """The login wizard's backup-code step: the typed code is hashed before django-otp
    looks it up, because only hashes are stored (``zicht.accounts.security``)."""

    def clean_otp_token(self):
        return hash_backup_code(self.cleaned_data["otp_token"])


class ReauthenticationForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
