"""The lessons' evaluation on the insight pages: how often classes played each lesson and
how their pupils chose.

Only the anonymous monthly aggregates the lessons app keeps after a class session
(``zicht.lessons.selectors.lesson_use_by_month``) are read; nothing about a pupil exists
to read. Every table goes through the insight pages' small-cell suppression
(``zicht.core.suppression``): counts 1-9 as "<10", secondary suppression within a table.
"""

from __future__ import annotations

from collections import defaultdict

from zicht.core.suppression import suppress
from zicht.lessons import selectors as lesson_selectors


def _lesson_tables(lesson, months, choices) -> dict:
    month_rows = [m for m in months if m["lesson_slug"] == lesson.slug]
    classes = suppress({m["month"]: m["sessions"] for m in month_rows})
    devices = suppress({m["month"]: m["pupils"] for m in month_rows})
    per_step: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in choices:
        if row["lesson_slug"] == lesson.slug:
            per_step[row["step"]][row["choice"]] += row["count"]
    steps = []
    for step in lesson.steps.values():
        if not step.choices:
            continue
        counts = {c.key: per_step.get(step.key, {}).get(c.key, 0) for c in step.choices}
        published = suppress(counts)
        steps.append(
            {
                "step": step,
                "rows": [(c, published.cells[c.key]) for c in step.choices],
                "total": published.total,
            }
        )
    return {
        "lesson": lesson,
        "months": [
            (m["month"], classes.cells[m["month"]], devices.cells[m["month"]]) for m in month_rows
        ],
        "classes_total": classes.total,
        "devices_total": devices.total,
        "steps": steps,
    }


def lesson_evaluation() -> list[dict]:
    """Per published lesson: classes and devices per month, and per step with choices how
    often each choice was made, every table suppressed on its own."""
    data = lesson_selectors.lesson_use_by_month()
    return [
        _lesson_tables(lesson, data["months"], data["choices"])
        for lesson in lesson_selectors.lessons_published()
    ]


def lesson_summary() -> dict:
    """For the dashboard's lessons section: classes per lesson over all months, one
    suppressed table (a lesson never played counts 0)."""
    data = lesson_selectors.lesson_use_by_month()
    lessons = lesson_selectors.lessons_published()
    totals: dict[str, int] = defaultdict(int)
    for m in data["months"]:
        totals[m["lesson_slug"]] += m["sessions"]
    published = suppress({lesson.slug: totals.get(lesson.slug, 0) for lesson in lessons})
    return {
        "rows": [(lesson, published.cells[lesson.slug]) for lesson in lessons],
        "total": published.total,
    }
