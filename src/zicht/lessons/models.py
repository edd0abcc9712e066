"""Class sessions and the anonymous counts they leave behind.

Nothing here is about a pupil. A class session holds the lesson, the join code, the step
the class is at and how many devices joined; its choice counts are per step and choice,
never per pupil (a pupil's own answers live only in their signed cookie). Closing a class
adds its counts to the monthly aggregates and deletes the session with its counts.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClassSession(models.Model):
    join_code = models.CharField(_("join code"), max_length=8, unique=True)
    lesson_slug = models.SlugField(_("lesson"), max_length=80)
    lesson_version = models.PositiveIntegerField(_("lesson version"))
    current_step = models.CharField(_("current step"), max_length=80)
    pupils_joined = models.PositiveIntegerField(_("devices joined"), default=0)
    # SHA-256 of the e-mailed start link, so that one link starts one class only.
    confirmation_hash = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField(_("started at"))
    expires_at = models.DateTimeField(_("closes at the latest"))

    class Meta:
        verbose_name = _("class session")
        verbose_name_plural = _("class sessions")

    def __str__(self) -> str:
        return f"{self.lesson_slug} ({self.join_code})"


class ClassChoiceCount(models.Model):
    class_session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="counts")
    step = models.CharField(max_length=80)
    choice = models.CharField(max_length=80)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["class_session", "step", "choice"], name="lessons_one_count_per_choice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step}/{self.choice}: {self.count}"


class LessonMonth(models.Model):
    """Per lesson and month: how many classes played it and how many devices joined."""

    lesson_slug = models.SlugField(_("lesson"), max_length=80)
    month = models.DateField(_("month"))  # the first day of the month
    sessions = models.PositiveIntegerField(_("classes"), default=0)
    pupils = models.PositiveIntegerField(_("devices joined"), default=0)

    class Meta:
        verbose_name = _("lesson use per month")
        verbose_name_plural = _("lesson use per month")
        constraints = [
            models.UniqueConstraint(fields=["lesson_slug", "month"], name="lessons_one_row_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.lesson_slug} {self.month:%Y-%m}"


class LessonChoiceMonth(models.Model):
    """Per lesson version, step, choice and month: how often classes' pupils chose it."""

    lesson_slug = models.SlugField(_("lesson"), max_length=80)
    lesson_version = models.PositiveIntegerField(_("lesson version"))
    month = models.DateField(_("month"))
    step = models.CharField(_("step"), max_length=80)
    choice = models.CharField(_("choice"), max_length=80)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("choices per month")
        verbose_name_plural = _("choices per month")
        constraints = [
            models.UniqueConstraint(
                fields=["lesson_slug", "lesson_version", "month", "step", "choice"],
                name="lessons_one_choice_row_a_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lesson_slug} {self.month:%Y-%m} {self.step}/{self.choice}: {self.count}"


class StaffLesson(models.Model):
    """A lesson added or edited by staff in the admin, in the same format as the files in
    ``content/`` (checked with the same validator on every save)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True, editable=False)
    version = models.PositiveIntegerField(_("version"), editable=False)
    data = models.JSONField(
        _("lesson"),
        help_text=_("The lesson in the format of docs/lessons.md (Dutch and English)."),
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published lessons are public.")
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.slug} (v{self.version})"


class LessonMediaStorage(FileSystemStorage):
    """Uploads of the lessons app under ``ZICHT_VAR_DIR/lessons`` (read when used, so a
    test can point ``VAR_DIR`` elsewhere). Served by the lesson views, never by a CDN."""

    @property
    def base_location(self):
        return str(Path(settings.VAR_DIR) / "lessons")

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def validate_webvtt(upload) -> None:
    """A WebVTT file: starts with ``WEBVTT`` and has at least one cue (``-->``)."""
    upload.seek(0)
    head = upload.read(200_000)
    upload.seek(0)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("Captions must be a WebVTT file in UTF-8.")) from None
    if not text.startswith("WEBVTT") or "-->" not in text:
        raise ValidationError(
            _("Captions must be a WebVTT file: it starts with WEBVTT and has timed cues.")
        )


class LessonVideo(models.Model):
    """A video staff uploaded for a lesson step, with required captions in both languages."""

    key = models.SlugField(
        _("key"),
        max_length=80,
        unique=True,
        help_text=_("The name a lesson step uses to show this video."),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("video file"),
        storage=LessonMediaStorage(),
        upload_to="videos/",
        validators=[FileExtensionValidator(["mp4", "webm"])],
    )
    captions_nl = models.FileField(
        _("Dutch captions (WebVTT)"),
        storage=LessonMediaStorage(),
        upload_to="captions/",
        validators=[FileExtensionValidator(["vtt"]), validate_webvtt],
    )
    captions_en = models.FileField(
        _("English captions (WebVTT)"),
        storage=LessonMediaStorage(),
        upload_to="captions/",
        validators=[FileExtensionValidator(["vtt"]), validate_webvtt],
    )

    class Meta:
        verbose_name = _("lesson video")
        verbose_name_plural = _("lesson videos")

    def __str__(self) -> str:
        return self.key
