"""Organisation API keys and stored responses for idempotent retries.

Business rules live in ``services.py``; these models only describe the data.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from zicht.core.crypto import EncryptedTextField


class OrganisationAPIKey(AbstractAPIKey):
    """A key for one organisation's system. Only a SHA-512 hash of the key is stored.

    The contact person (a professional of the organisation) is the author of the
    signals the system records and receives the match notifications.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    contact = models.ForeignKey(
        "accounts.Membership",
        verbose_name=_("contact person"),
        on_delete=models.PROTECT,
        related_name="api_keys",
    )
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("organisation API key")
        verbose_name_plural = _("organisation API keys")


class IdempotencyRecord(models.Model):
    """The first successful response to a POST with an ``Idempotency-Key`` header.

    Kept for ``ZICHT_API_IDEMPOTENCY_HOURS`` (24). The body may contain the
    organisation's own identity data, so it is stored encrypted; the request is kept
    only as a keyed hash.
    """

    api_key = models.ForeignKey(
        OrganisationAPIKey, on_delete=models.CASCADE, related_name="idempotency_records"
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    location = models.CharField(max_length=255, blank=True)
    body = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="one_response_per_key")
        ]

    def __str__(self):
        return f"idempotency record {self.pk}"
