"""Coordination files, the referrals that feed them and what the centre does with them.

Business rules live in ``services.py`` and the allowed state changes in
``workflow.py``; these models only describe the data. Free text that may name a
person (reasons, notes) is encrypted at rest and removed by the retention purge;
statuses, dates, kinds, municipality and age stay for the statistics.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zicht.coordination.constants import (
    CareStatus,
    CareType,
    ClosureDecision,
    ClosureOutcome,
    Consent,
    FileStatus,
    MeasureKind,
    MeasureStatus,
    ParentConsent,
    ReferralKind,
    ScreeningDecision,
    Urgency,
)
from zicht.core.crypto import EncryptedTextField


class CoordinationFile(models.Model):
    """One file per young person at the coordination centre."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=FileStatus.choices, default=FileStatus.SCREENING
    )
    # Optimistic concurrency: every change increments it; a decision made on an older
    # version is refused with a conflict message (services.StaleFileError).
    version = models.PositiveIntegerField(_("version"), default=1)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordination_files",
    )
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    opened_on = models.DateField(_("opened on"))
    screening_deadline = models.DateField(_("screening deadline"), db_index=True)
    screening_decision = models.CharField(
        _("screening decision"), max_length=20, choices=ScreeningDecision.choices, blank=True
    )
    screening_reasons = EncryptedTextField(_("reasons"), blank=True)
    screened_on = models.DateField(_("screened on"), null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminder_sent_on = models.DateField(null=True, blank=True)
    closure_outcome = models.CharField(
        _("outcome"), max_length=20, choices=ClosureOutcome.choices, blank=True
    )
    closure_note = EncryptedTextField(_("note"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_files"
    )
    # Coarse facts for the management indicators, kept after anonymisation.
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, null=True, blank=True
    )
    age_at_referral = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["screening_deadline", "created_at"]
        verbose_name = _("coordination file")
        verbose_name_plural = _("coordination files")

    def __str__(self):
        return self.reference


class Referral(models.Model):
    """A professional's referral of their own signal to the coordination centre."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=ReferralKind.choices)
    file = models.ForeignKey(
        CoordinationFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    # The signal of the referring organisation (intake). Emptied by the retention purge.
    signal_id = models.UUIDField(null=True, blank=True, db_index=True)
    # A referral handed over from a consented help conversation: its case code, so the
    # file's coordinator can read the conversation (zicht.help). Emptied by the purge.
    conversation_code = models.CharField(_("case code"), max_length=8, blank=True, db_index=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    reason = EncryptedTextField(_("reason for referral"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices)
    consent_young_person = models.CharField(
        _("consent of the young person"), max_length=16, choices=Consent.choices
    )
    consent_parents = models.CharField(
        _("consent of the parents"), max_length=16, choices=ParentConsent.choices
    )
    is_minor = models.BooleanField(_("minor at referral"))
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, null=True, blank=True
    )
    age_at_referral = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("referred"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self):
        return f"referral {self.pk}"


class Assessment(models.Model):
    """The individual assessment of protection needs (one per file, updated in place)."""

    file = models.OneToOneField(
        CoordinationFile, on_delete=models.CASCADE, related_name="assessment"
    )
    answers = models.JSONField(_("answers"), default=dict)
    note = EncryptedTextField(_("note"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return f"assessment of {self.file_id}"


class Measure(models.Model):
    file = models.ForeignKey(CoordinationFile, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("measure"), max_length=24, choices=MeasureKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED
    )
    proposed_by_assessment = models.BooleanField(default=False)
    owner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("owner organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Decided when the file was closed with this item still open (services.closure).
    closure_decision = models.CharField(
        _("decision at closing"), max_length=12, choices=ClosureDecision.choices, blank=True
    )
    closure_reason = EncryptedTextField(_("reason for dropping"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["file", "kind"], name="one_measure_per_kind")
        ]

    def __str__(self):
        return f"{self.kind} ({self.status})"


class CareReferral(models.Model):
    """A referral from the centre to a shelter or youth-care organisation in the platform."""

    file = models.ForeignKey(
        CoordinationFile, on_delete=models.CASCADE, related_name="care_referrals"
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="care_referrals",
    )
    care_type = models.CharField(_("type of care"), max_length=24, choices=CareType.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=CareStatus.choices, default=CareStatus.REQUESTED
    )
    version = models.PositiveIntegerField(default=1)
    note = EncryptedTextField(_("note for the provider"), blank=True)
    refusal_reason = EncryptedTextField(_("reason for refusal"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refused"), null=True, blank=True)
    placed_at = models.DateTimeField(_("placed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("care referral")
        verbose_name_plural = _("care referrals")

    def __str__(self):
        return f"care referral {self.pk} ({self.status})"


class FollowUpTask(models.Model):
    file = models.ForeignKey(CoordinationFile, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("task"))
    due_date = models.DateField(_("due date"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    # Decided when the file was closed with this item still open (services.closure).
    closure_decision = models.CharField(
        _("decision at closing"), max_length=12, choices=ClosureDecision.choices, blank=True
    )
    closure_reason = EncryptedTextField(_("reason for dropping"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "due_date", "id"]

    def __str__(self):
        return f"task {self.pk}"


class TimelineEntry(models.Model):
    """One step in the story of a file. ``details`` holds codes and ids, never identities."""

    file = models.ForeignKey(CoordinationFile, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.CharField(max_length=40)
    details = models.JSONField(default=dict, blank=True)
    # Free text belonging to the step (reasons, notes): encrypted, removed by the purge.
    note = EncryptedTextField(blank=True)
    # Shown to referring professionals (status changes only, never the assessment).
    for_referrer = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.file_id} {self.event}"
