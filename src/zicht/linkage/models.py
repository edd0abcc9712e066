"""The person index and the matches it finds.

The index stores tokens, encodings, organisation, signal id and dates, nothing else
(docs/linkage.md). Similarity scores are computed in memory and never stored.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zicht.linkage.constants import (
    BsnEvidence,
    DateOfBirthEvidence,
    MatchKind,
    MatchStatus,
    NameEvidence,
)


class IndexEntry(models.Model):
    """One signal's pseudonyms under one key and spec version.

    ``spec_version`` says how to read it: a zicht-pprl-1 entry holds its hardened filter
    in ``bloom``; a zicht-pprl-2 entry holds its field filters and tokens in ``fields``
    (``pprl2.Encoding2.to_json()`` without the query probes) and ``bloom`` is empty. Both
    keep exact tokens of zicht-pprl-1 (the BSN, name + date) so that a pair of entries of
    different versions can still be recognised while the index is being re-encoded.
    """

    signal_id = models.UUIDField(db_index=True)
    organisation_id = models.BigIntegerField(db_index=True)
    key_id = models.CharField(max_length=32, db_index=True)
    spec_version = models.CharField(max_length=32)
    bloom = models.BinaryField(default=b"", blank=True)
    fields = models.JSONField(null=True, blank=True)
    # zicht-pprl-2 entries: the bytes of the first pass (``zicht.linkage.prefilter``):
    # its filters, letter tokens and BSN token prefix, so that a lookup parses and
    # compares only the block members that can reach a decision.
    prefilter = models.BinaryField(default=b"", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField(db_index=True)

    class Meta:
        constraints = [
            # Two versions of one signal coexist only while it is re-encoded: the new
            # entry is written before the old one is deleted.
            models.UniqueConstraint(
                fields=["signal_id", "key_id", "spec_version"], name="one_entry_per_key_spec"
            )
        ]

    def __str__(self):
        return f"index entry {self.pk}"


class ExactToken(models.Model):
    entry = models.ForeignKey(IndexEntry, on_delete=models.CASCADE, related_name="exact_tokens")
    token = models.CharField(max_length=64, db_index=True)

    def __str__(self):
        return self.token[:8]


class BlockToken(models.Model):
    """A block an entry belongs to. A zicht-pprl-1 block row repeats the entry's pprl-1
    filter, a zicht-pprl-2 block row its entry's first-pass bytes: on PostgreSQL a
    covering index ``(token) INCLUDE (entry_id, bloom, pprl2_entry, prefilter)``
    (migrations 0004 and 0006) then answers a lookup from the index alone, without
    visiting the token table or the entries."""

    entry = models.ForeignKey(IndexEntry, on_delete=models.CASCADE, related_name="block_tokens")
    token = models.CharField(max_length=64, db_index=True)
    bloom = models.BinaryField(default=b"", blank=True)
    # The row belongs to a zicht-pprl-2 entry: a pprl-2 signal compares such entries by
    # pprl-2 and skips their pprl-1 rows without reading an entry.
    pprl2_entry = models.BooleanField(default=False)
    # zicht-pprl-2 block rows: the entry's ``IndexEntry.prefilter`` (248 bytes), so the
    # first pass over a block's members reads no entry (a year-month block holds some
    # 7,000 entries at 10^6; fetching each from the entries' heap was the lookup's cost).
    prefilter = models.BinaryField(default=b"", blank=True)

    def __str__(self):
        return self.token[:8]


class Match(models.Model):
    """Two signals of two organisations that concern the same young person."""

    signal_a_id = models.UUIDField(db_index=True)
    organisation_a_id = models.BigIntegerField(db_index=True)
    signal_b_id = models.UUIDField(db_index=True)
    organisation_b_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=MatchKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=MatchStatus.choices)
    # Exact tokens agree, or the fuzzy score reached the calibrated MATCH_THRESHOLD. The
    # score itself is never stored; this flag lets statistics link people automatically
    # while professionals still confirm every fuzzy match they are shown.
    strong = models.BooleanField(default=False)
    # Which elements agreed, as levels only (zicht.pprl.evidence): never a score or a
    # value, so that showing them reveals nothing of the other organisation's file.
    # zicht-pprl-1 compares both names in one filter (``evidence_name``); zicht-pprl-2
    # judges each name field on its own (``evidence_given_name``, ``evidence_surname``)
    # and leaves ``evidence_name`` not compared.
    evidence_name = models.CharField(
        _("name similarity"),
        max_length=16,
        choices=NameEvidence.choices,
        default=NameEvidence.NOT_COMPARED,
    )
    evidence_given_name = models.CharField(
        _("given name"),
        max_length=16,
        choices=NameEvidence.choices,
        default=NameEvidence.NOT_COMPARED,
    )
    evidence_surname = models.CharField(
        _("surname"),
        max_length=16,
        choices=NameEvidence.choices,
        default=NameEvidence.NOT_COMPARED,
    )
    evidence_names_swapped = models.BooleanField(_("given name and surname swapped"), default=False)
    evidence_dob = models.CharField(
        _("date of birth"),
        max_length=20,
        choices=DateOfBirthEvidence.choices,
        default=DateOfBirthEvidence.NOT_COMPARED,
    )
    evidence_bsn = models.CharField(
        _("BSN"), max_length=16, choices=BsnEvidence.choices, default=BsnEvidence.NOT_COMPARED
    )
    created_at = models.DateTimeField(_("found"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["signal_a_id", "signal_b_id"], name="one_match_per_pair"
            )
        ]
        verbose_name = _("match")
        verbose_name_plural = _("matches")

    def __str__(self):
        return f"match {self.pk} ({self.status})"

    def side_of(self, organisation_id: int) -> str | None:
        if organisation_id == self.organisation_a_id:
            return "a"
        if organisation_id == self.organisation_b_id:
            return "b"
        return None


class Notification(models.Model):
    """An in-app message about a match, for one user."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="match_notifications"
    )
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.event} for {self.recipient_id}"
