"""Reads of lessons: the published lessons, by audience, and one lesson by its slug."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language

from zicht.intake.catalogue import load_catalogue_file
from zicht.lessons.constants import LANGUAGES, MIN_ANSWERS_SHOWN, Audience
from zicht.lessons.content import Lesson, lesson_from_data, shipped_lessons
from zicht.lessons.models import (
    ClassSession,
    LessonChoiceMonth,
    LessonMonth,
    LessonVideo,
    StaffLesson,
)
from zicht.lessons.validation import INDICATOR_CATALOGUE_VERSION

if TYPE_CHECKING:  # pragma: no cover
    from zicht.lessons.models import ClassSession, LessonVideo

__all__ = [
    "lessons_published",
    "lessons_by_audience",
    "lesson_get",
    "lesson_preview_get",
    "indicators_for",
    "class_session_get",
    "class_counts",
    "lesson_use_by_month",
    "video_get",
]


def _staff_lessons(**filters: Any) -> list[Lesson]:
    """Lessons staff made in the admin (validated when saved)."""
    return [lesson_from_data(row.data) for row in StaffLesson.objects.filter(**filters)]


def lessons_published(*, audience: str | None = None) -> list[Lesson]:
    lessons = list(shipped_lessons().values()) + _staff_lessons(published=True)
    if audience:
        lessons = [lesson for lesson in lessons if lesson.audience == audience]
    return lessons


def lesson_get(*, slug: str) -> Lesson:
    lesson = shipped_lessons().get(slug)
    if lesson is None:
        found = _staff_lessons(slug=slug, published=True)
        if not found:
            raise Http404("No such lesson.")
        lesson = found[0]
    return lesson


def lesson_preview_get(*, pk: int) -> Lesson:
    """A staff lesson, published or not, for the preview."""
    row = StaffLesson.objects.filter(pk=pk).first()
    if row is None:
        raise Http404("No such lesson.")
    return lesson_from_data(row.data)


def lessons_by_audience() -> list[tuple[str, str | Promise, list[Lesson]]]:
    """(audience, its label, its lessons) for every audience with lessons."""
    return [
        (value, label, found)
        for value, label in Audience.choices
        if (found := lessons_published(audience=value))
    ]


def indicators_for(codes: Iterable[str]) -> list[dict[str, str]]:
    """Label and explanation, in the active language, of indicators from the indicator list."""
    lang = (get_language() or "nl")[:2]
    lang = lang if lang in LANGUAGES else "nl"
    items = {
        item["code"]: item
        for group in load_catalogue_file(INDICATOR_CATALOGUE_VERSION)["groups"]
        for item in group["items"]
    }
    return [
        {
            "code": code,
            "label": items[code]["label"][lang],
            "explanation": items[code]["explanation"][lang],
        }
        for code in codes
        if code in items
    ]


def class_session_get(*, pk: int) -> ClassSession | None:
    return ClassSession.objects.filter(pk=pk, expires_at__gt=timezone.now()).first()


def class_counts(*, class_session: ClassSession, lesson: Lesson) -> dict[str, Any]:
    """The class's answers to its current step, or only how many answered below
    ``MIN_ANSWERS_SHOWN`` (so that no pupil's answer can be told from the count)."""
    step = lesson.steps.get(class_session.current_step)
    if step is None or not step.choices:
        return {"has_choices": False, "total": 0, "shown": False, "rows": []}
    counts = dict(class_session.counts.filter(step=step.key).values_list("choice", "count"))
    total = sum(counts.values())
    shown = total >= MIN_ANSWERS_SHOWN
    rows = [
        {
            "choice": c,
            "count": counts.get(c.key, 0) if shown else None,
            "percent": round(100 * counts.get(c.key, 0) / total) if shown else None,
        }
        for c in step.choices
    ]
    return {"has_choices": True, "total": total, "shown": shown, "rows": rows}


def lesson_use_by_month(*, lesson_slug: str | None = None) -> dict[str, list[Any]]:
    """Anonymous aggregates for the lessons' evaluation: classes and devices per month,
    and per step and choice how often it was chosen."""
    months = LessonMonth.objects.order_by("lesson_slug", "month")
    choices = LessonChoiceMonth.objects.order_by("lesson_slug", "month", "step", "choice")
    if lesson_slug:
        months = months.filter(lesson_slug=lesson_slug)
        choices = choices.filter(lesson_slug=lesson_slug)
    return {
        "months": list(months.values("lesson_slug", "month", "sessions", "pupils")),
        "choices": list(
            choices.values("lesson_slug", "lesson_version", "month", "step", "choice", "count")
        ),
    }


def video_get(*, key: str) -> LessonVideo | None:
    """An uploaded lesson video (with its captions), or None."""
    return LessonVideo.objects.filter(key=key).first() if key else None
