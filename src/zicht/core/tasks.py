"""E-mail as background work, through Django's tasks API (django-tasks).

No request sends e-mail itself. A service queues the mail with ``transaction.on_commit``,
so it goes out only about a change that was committed, and a mail server that is down or
refuses the message never fails that request or rolls the change back: the task logs the
failure and its result is FAILED (visible in the task results; tests run the tasks at once
with the immediate backend).

- :func:`send_email_on_commit` queues :func:`send_email` with a subject and body rendered
  now (match notifications). Use it only for text that may wait in the task table: never
  a secret such as a one-time link.
- An app whose mail needs fresh data or a secret has its own task that takes ids, renders
  in the worker and sends with :func:`deliver` (coordination notifications, invitations).

Log lines name the purpose of the mail and the error's class, never an address, a subject,
a body or anything about a young person.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task

__all__ = ["MailNotSent", "deliver", "send_email", "send_email_on_commit", "mail_discarded"]

logger = logging.getLogger(__name__)


class MailNotSent(Exception):
    """One or more e-mails of a task could not be handed to the mail server."""


def deliver(*, purpose: str, subject: str, body: str, recipients: list[str]) -> int:
    """Send ``body`` as a separate plain-text e-mail to each recipient; return how many went.

    ``purpose`` names the mail in the log (``"linkage.match_new"``). Every recipient is tried;
    each failure is logged, and if any failed ``MailNotSent`` is raised at the end so the
    task that called this ends FAILED.
    """
    sent = failed = 0
    for recipient in recipients:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
        except Exception as exc:  # whatever the mail backend raises is logged alike
            failed += 1
            logger.error("E-mail %s not sent: %s", purpose, type(exc).__name__)
        else:
            sent += 1
    if failed:
        raise MailNotSent(f"{purpose}: {failed} of {len(recipients)} e-mails not sent")
    return sent


@task()
def send_email(*, purpose: str, subject: str, body: str, recipients: list[str]) -> int:
    """Send one rendered e-mail to each recipient (see :func:`deliver`)."""
    return deliver(purpose=purpose, subject=subject, body=body, recipients=recipients)


def send_email_on_commit(*, purpose: str, subject: str, body: str, recipients: list[str]) -> None:
    """Queue :func:`send_email` once the current transaction commits (at once outside one).

    ``robust``: should even queueing fail, that is logged and the committed change stands.
    """
    transaction.on_commit(
        lambda: send_email.enqueue(
            purpose=purpose, subject=subject, body=body, recipients=list(recipients)
        ),
        robust=True,
    )


def mail_discarded():
    """For loading demo data: run tasks at once and keep their e-mail in memory, so the
    demo neither sends nor queues mail about the signals and referrals it records."""
    from django.test.utils import override_settings  # noqa: PLC0415 - test machinery, demo only

    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    )
