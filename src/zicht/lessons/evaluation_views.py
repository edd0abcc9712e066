"""The lessons' evaluation for analysts: how often classes played each lesson and how
their pupils chose, from the anonymous monthly aggregates only, with the insight pages'
small-cell suppression (counts 1-9 shown as "<10", secondary suppression within a table)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from zicht.accounts.constants import Role
from zicht.audit import services as audit
from zicht.insight.suppression import suppress
from zicht.lessons import selectors


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


@never_cache
def lesson_evaluation(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    membership = getattr(request, "membership", None)
    if getattr(membership, "role", None) != Role.ANALYST:
        audit.record(
            action="lessons.access_denied",
            actor=request.user,
            organisation=getattr(membership, "organisation", None),
            details={"view": "lessons:evaluation"},
        )
        raise PermissionDenied
    data = selectors.lesson_use_by_month()
    lessons = [
        _lesson_tables(lesson, data["months"], data["choices"])
        for lesson in selectors.lessons_published()
    ]
    return render(request, "lessons/evaluation.html", {"lessons": lessons})
