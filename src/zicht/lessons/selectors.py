"""Reads of lessons: the published lessons, by audience, and one lesson by its slug."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import get_language

from zicht.intake.catalogue import load_catalogue_file
from zicht.lessons.constants import LANGUAGES, Audience
from zicht.lessons.content import Lesson, shipped_lessons
from zicht.lessons.validation import INDICATOR_CATALOGUE_VERSION

__all__ = ["lessons_published", "lessons_by_audience", "lesson_get", "indicators_for"]


def lessons_published(*, audience: str | None = None) -> list[Lesson]:
    lessons = list(shipped_lessons().values())
    if audience:
        lessons = [lesson for lesson in lessons if lesson.audience == audience]
    return lessons


def lesson_get(*, slug: str) -> Lesson:
    lesson = shipped_lessons().get(slug)
    if lesson is None:
        raise Http404("No such lesson.")
    return lesson


def lessons_by_audience() -> list[tuple[str, str, list[Lesson]]]:
    """(audience, its label, its lessons) for every audience with lessons."""
    return [
        (value, label, found)
        for value, label in Audience.choices
        if (found := lessons_published(audience=value))
    ]


def indicators_for(codes) -> list[dict]:
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
