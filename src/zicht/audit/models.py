"""The append-only, hash-chained audit log.

Each event stores the SHA-256 of its own canonical content and of the event
before it, so deleting, inserting or editing any event breaks the chain from that
point on; ``ChainHead`` holds the sequence number and hash of the newest event so
that removing events from the end is detected too. Actor and organisation are
stored as plain ids (no foreign keys), so deleting a user can never cascade into
or rewrite the log.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogImmutableError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    timestamp = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    organisation_id = models.BigIntegerField(
        _("organisation"), null=True, blank=True, db_index=True
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutableError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutableError("Audit events cannot be deleted.")


class ChainHead(models.Model):
    """A single row: the last sequence number and hash. Locked while appending."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return f"audit chain head #{self.last_seq}"
