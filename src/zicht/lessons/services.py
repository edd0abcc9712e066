"""Writes of the lessons app: class sessions, their counts, and closing them.

Each function is one transaction. A class session stores no e-mail address, no name and
nothing per pupil: the teacher proved an e-mail address by clicking the link sent to it,
and only the SHA-256 of that link is kept (so the link starts one class only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from zicht.lessons.content import Lesson
from zicht.lessons.models import (
    ClassChoiceCount,
    ClassSession,
    LessonChoiceMonth,
    LessonMonth,
)

__all__ = [
    "JOIN_CODE_ALPHABET",
    "class_session_start",
    "class_session_join",
    "class_answer_record",
    "class_session_advance",
    "class_session_close",
    "class_sessions_close_expired",
]

# No 0/O, 1/I/L: a code read from the board is typed without doubt.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
CLASS_HOURS = 4


def _new_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper().replace("-", "")


def class_session_start(*, lesson: Lesson, confirmation: str) -> ClassSession:
    """Start a class with the confirmed link ``confirmation``; a used link is refused."""
    digest = hashlib.sha256(confirmation.encode("utf-8")).hexdigest()
    if ClassSession.objects.filter(confirmation_hash=digest).exists():
        raise ValidationError(_("This link has already started a class. Ask for a new link."))
    now = timezone.now()
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return ClassSession.objects.create(
                    join_code=_new_code(),
                    lesson_slug=lesson.slug,
                    lesson_version=lesson.version,
                    current_step=lesson.start,
                    confirmation_hash=digest,
                    started_at=now,
                    expires_at=now + dt.timedelta(hours=CLASS_HOURS),
                )
        except IntegrityError:
            if ClassSession.objects.filter(confirmation_hash=digest).exists():
                raise ValidationError(_("This link has already started a class.")) from None
    raise RuntimeError("no free join code after 10 attempts")


def class_session_join(*, code: str) -> ClassSession:
    """The open class with this code (one more device joined), or a ValidationError."""
    with transaction.atomic():
        session = (
            ClassSession.objects.select_for_update()
            .filter(join_code=normalise_code(code), expires_at__gt=timezone.now())
            .first()
        )
        if session is None:
            raise ValidationError(
                _("There is no class with this code. Check the code on the board.")
            )
        ClassSession.objects.filter(pk=session.pk).update(pupils_joined=F("pupils_joined") + 1)
    session.refresh_from_db()
    return session


def class_answer_record(
    *, class_session: ClassSession, lesson: Lesson, step: str, choice: str
) -> None:
    """Count one answer to the class's current step. The caller makes sure a device answers
    a step once (its signed cookie lists the steps it answered)."""
    with transaction.atomic():
        session = ClassSession.objects.select_for_update().get(pk=class_session.pk)
        current = lesson.steps.get(session.current_step)
        if step != session.current_step or current is None or current.choice(choice) is None:
            raise ValidationError(_("The class has moved on. Here is where it is now."))
        updated = ClassChoiceCount.objects.filter(
            class_session=session, step=step, choice=choice
        ).update(count=F("count") + 1)
        if not updated:
            ClassChoiceCount.objects.create(
                class_session=session, step=step, choice=choice, count=1
            )


def class_session_advance(*, class_session: ClassSession, lesson: Lesson, to: str) -> ClassSession:
    """Move the class to ``to``, which must be a way on from the current step."""
    with transaction.atomic():
        session = ClassSession.objects.select_for_update().get(pk=class_session.pk)
        step = lesson.step(session.current_step)
        allowed = {step.next} | {c.next for c in step.choices}
        if to not in allowed - {""}:
            raise ValidationError(_("That is not a next part of this step."))
        session.current_step = to
        session.save(update_fields=["current_step"])
    return session


def _month(when: dt.datetime) -> dt.date:
    local = timezone.localtime(when)
    return local.date().replace(day=1)


def _add(model: type[Model], lookup: dict[str, Any], **increments: int) -> None:
    manager = model._default_manager
    updated = manager.filter(**lookup).update(
        **{name: F(name) + value for name, value in increments.items()}
    )
    if not updated:
        manager.create(**lookup, **increments)


def class_session_close(*, class_session: ClassSession) -> dict:
    """Add the class's counts to the monthly aggregates, then delete the class and its
    counts. Returns the class's own counts for the closing page (not stored)."""
    with transaction.atomic():
        session = ClassSession.objects.select_for_update().filter(pk=class_session.pk).first()
        if session is None:
            return {}
        month = _month(session.started_at)
        _add(
            LessonMonth,
            {"lesson_slug": session.lesson_slug, "month": month},
            sessions=1,
            pupils=session.pupils_joined,
        )
        summary = {}
        for row in session.counts.all():
            _add(
                LessonChoiceMonth,
                {
                    "lesson_slug": session.lesson_slug,
                    "lesson_version": session.lesson_version,
                    "month": month,
                    "step": row.step,
                    "choice": row.choice,
                },
                count=row.count,
            )
            summary[(row.step, row.choice)] = row.count
        session.delete()  # its counts go with it (CASCADE)
    return summary


def class_sessions_close_expired(*, now: dt.datetime | None = None) -> int:
    """Close every class past its closing time (a teacher who forgot to close it)."""
    now = now or timezone.now()
    expired = list(ClassSession.objects.filter(expires_at__lte=now))
    for session in expired:
        class_session_close(class_session=session)
    return len(expired)
