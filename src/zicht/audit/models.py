"""The append-only, keyed and anchored hash chain of audit events.

Each event stores an HMAC (under ``ZICHT_AUDIT_KEY``, kept outside the database) of its
own canonical content and of the event before it, so deleting, inserting or editing any
event breaks the chain from that point on, and nobody without the key can re-hash the
events after an edit. ``ChainHead`` holds the sequence number and hash of the newest
event so that removing events from the end is detected too; signed checkpoints written
outside the database (``audit_checkpoint``) catch a head rolled back with them. On
PostgreSQL and SQLite a database trigger refuses UPDATE and DELETE of an event (migration
0003). Actor and organisation are stored as plain ids (no foreign keys), so deleting a
user can never cascade into or rewrite the log.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

HASH_LEGACY = 1  # plain SHA-256: events written before the chain was keyed
HASH_KEYED = 2  # HMAC-SHA256 under ZICHT_AUDIT_KEY


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
    hash_version = models.PositiveSmallIntegerField(
        _("hash version"), choices=[(HASH_LEGACY, "SHA-256"), (HASH_KEYED, "HMAC-SHA256")]
    )

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
    """A single row: the last sequence number and hash. Locked while appending.

    ``keyed_from_seq`` is the first event hashed with the key (1 on a database created
    after the key was introduced); events below it were hashed with plain SHA-256.
    ``keyed_from_mac`` signs that boundary with the key, so it cannot be moved up to pass
    off rewritten events as unkeyed old ones.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    keyed_from_seq = models.PositiveBigIntegerField(default=1)
    keyed_from_mac = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"audit chain head #{self.last_seq}"
