"""Signals: what a professional saw, with the young person's identity encrypted at rest.

The identity lives in its own table (``SignalIdentity``) with every field encrypted,
so purging identity data is deleting one row, and the person index (``linkage``)
never sees it: it receives pseudonyms only.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zicht.core.crypto import EncryptedTextField
from zicht.intake.constants import (
    ContactSetting,
    JusticeStatus,
    NationalityCategory,
    SignalStatus,
)


class IndicatorCatalogue(models.Model):
    """One published version of the indicator list. Never edited once signals use it."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    published = models.DateField(_("published"))
    data = models.JSONField(_("content"))
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("indicator catalogue")
        verbose_name_plural = _("indicator catalogues")

    def __str__(self):
        return f"v{self.version}"


class Signal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="signals"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signals"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SignalStatus.choices, default=SignalStatus.ACTIVE
    )
    contact_date = models.DateField(_("date of contact"))
    setting = models.CharField(_("setting"), max_length=16, choices=ContactSetting.choices)
    catalogue = models.ForeignKey(IndicatorCatalogue, on_delete=models.PROTECT)
    indicator_codes = models.JSONField(_("indicators"), default=list)
    forms = models.JSONField(_("suspected forms of exploitation"), default=list)
    account = EncryptedTextField(_("what you saw"), blank=True)
    immediate_danger = models.BooleanField(_("immediate danger"), default=False)
    # Victim and suspect at once: kept on the signal so the referral and the coordination
    # file show it; the acts are free text, so encrypted and purged like the account.
    justice_status = models.CharField(
        _("suspect, arrested or prosecuted"),
        max_length=16,
        choices=JusticeStatus.choices,
        default=JusticeStatus.NONE,
    )
    justice_offences = EncryptedTextField(_("for which acts"), blank=True, default="")
    # Coarse (Dutch / other EU / outside the EU), for the register of possible victims.
    nationality_category = models.CharField(
        _("nationality"),
        max_length=8,
        choices=NationalityCategory.choices,
        default=NationalityCategory.UNKNOWN,
    )
    # Coarse, non-identifying facts kept for statistics after the identity is purged.
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, null=True, blank=True
    )
    age_at_contact = models.PositiveSmallIntegerField(_("age at contact"), null=True, blank=True)
    # Optional, filled by the professional: the CBS buurt code (BU + 8 digits) where the young
    # person lives, so the municipal monitor can place the signal in or out of an area.
    neighbourhood_code = models.CharField(_("neighbourhood (CBS code)"), max_length=10, blank=True)
    expires_on = models.DateField(_("expires on"), db_index=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        indexes = [models.Index(fields=["organisation", "status", "-created_at"])]

    def __str__(self):
        return self.reference


class SignalIdentity(models.Model):
    """The young person as the recording organisation knows them. All fields encrypted."""

    signal = models.OneToOneField(Signal, on_delete=models.CASCADE, related_name="identity")
    given_names = EncryptedTextField(_("given names"))
    surname = EncryptedTextField(_("surname"))
    date_of_birth = EncryptedTextField(_("date of birth"), blank=True)
    age_estimate = EncryptedTextField(_("estimated age"), blank=True)
    sex = EncryptedTextField(_("sex"), blank=True)
    bsn = EncryptedTextField(_("BSN"), blank=True)
    municipality = EncryptedTextField(_("municipality of residence"), blank=True)
    alias = EncryptedTextField(_("nickname or alias"), blank=True)
    phone = EncryptedTextField(_("phone number"), blank=True)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")

    def __str__(self):
        return f"identity of {self.signal_id}"


class SignalRevision(models.Model):
    """Who changed what and when. Field names only: values stay in the signal."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=16)
    changed_fields = models.JSONField(default=list)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.signal_id} {self.action}"


class SignalSearchToken(models.Model):
    """One keyed blind-index token of a signal's identity (``zicht.intake.search``).

    Lets the recording organisation find its own signals by name, date of birth or BSN
    without decrypting every identity. A token is an HMAC under a key of the signal's
    organisation: it reveals nothing without the key and cannot be compared across
    organisations. The rows go when the identity goes (withdrawal, purge).
    """

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="search_tokens")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE)
    kind = models.CharField(max_length=8)
    token = models.CharField(max_length=32)
    key_id = models.CharField(max_length=16)

    class Meta:
        indexes = [models.Index(fields=["organisation", "token"], name="intake_search_org_token")]

    def __str__(self):
        return f"{self.kind} token of {self.signal_id}"
