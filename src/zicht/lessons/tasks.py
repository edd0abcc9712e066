"""The teacher's start link, sent in the background (see zicht.core.tasks).

The link is made in the worker, so it is never stored in the task table; it is signed
(``TEACHER_LINK_SALT``) and valid for ``TEACHER_LINK_HOURS``.
"""

from __future__ import annotations

import secrets

from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from zicht.core.tasks import deliver
from zicht.lessons import selectors, services

TEACHER_LINK_SALT = "zicht.lessons.teacher-link"
TEACHER_LINK_HOURS = 2


def teacher_token(*, lesson_slug: str) -> str:
    return signing.dumps({"l": lesson_slug, "n": secrets.token_urlsafe(12)}, salt=TEACHER_LINK_SALT)


def teacher_token_lesson(token: str) -> str:
    """The lesson slug of a valid, unexpired token; ``signing.BadSignature`` otherwise."""
    data = signing.loads(token, salt=TEACHER_LINK_SALT, max_age=TEACHER_LINK_HOURS * 3600)
    return data["l"]


@task()
def send_teacher_link(*, email: str, lesson_slug: str, language: str, base_url: str) -> int:
    lesson = selectors.lesson_get(slug=lesson_slug)
    with translation.override(language):
        path = reverse(
            "lessons:class_confirm", kwargs={"token": teacher_token(lesson_slug=lesson_slug)}
        )
        context = {
            "lesson": lesson,
            "url": base_url.rstrip("/") + path,
            "hours": TEACHER_LINK_HOURS,
        }
        subject = render_to_string("lessons/email/teacher_link_subject.txt", context).strip()
        body = render_to_string("lessons/email/teacher_link.txt", context)
    return deliver(purpose="lessons.teacher_link", subject=subject, body=body, recipients=[email])


@task()
def close_expired_class_sessions_task() -> int:
    """Close classes past their closing time: only monthly counts remain. Schedule daily."""
    return services.class_sessions_close_expired()
