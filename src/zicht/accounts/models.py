"""Organisations, their members and the roles members hold.

Business rules live in ``services.py``; these models only describe the data.
"""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from zicht.accounts.constants import OrganisationType, Role, roles_for


class Municipality(models.Model):
    """A Dutch municipality by its CBS code (``GM`` + four digits)."""

    code = models.CharField(_("CBS code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    safety_region = models.CharField(_("safety region"), max_length=4, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return f"{self.name} ({self.code})"


class User(AbstractUser):
    """A staff account. Every account must enrol in two-factor authentication."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's place in one organisation, with one role there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    def clean(self):
        """The Django admin validates the role against the organisation's type too."""
        if self.organisation_id and self.role not in roles_for(self.organisation.type):
            raise ValidationError(
                {
                    "role": _(
                        "The role %(role)s is not available in an organisation of the type "
                        "%(type)s."
                    )
                    % {
                        "role": self.get_role_display(),
                        "type": self.organisation.get_type_display(),
                    }
                }
            )

    @property
    def is_org_admin(self) -> bool:
        return self.is_active and self.role == Role.ORG_ADMIN

    @property
    def is_invited(self) -> bool:
        """Invited with a new account that has not yet chosen a password and logged in:
        the administrator sees "invited" and may resend or withdraw the invitation."""
        return not self.user.has_usable_password() and self.user.last_login is None


class Invitation(models.Model):
    """An administrator's invitation of an *existing* account into their organisation.

    It grants nothing until the invited user, logged in, accepts it (``services.
    invitation_accept`` then creates the membership); they may also decline it. A new
    account needs no such step: its membership exists from the invitation and is used
    once its owner has chosen a password through the one-time link.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_org",
            )
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.get_status_display()})"
