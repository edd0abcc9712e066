"""Background work of the coordination app, through Django's tasks API (django-tasks).

Schedule ``screening_reminders_task`` and ``anonymise_closed_files_task`` daily from
the worker; ``send_notification`` is queued by the services after commit and sends
through ``zicht.core.tasks.deliver`` (a failure is logged and fails the task, never the
action). E-mails name the file's reference and its status, never a person.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from zicht.accounts import selectors as account_selectors
from zicht.accounts.constants import Role
from zicht.coordination import services
from zicht.coordination.models import CoordinationFile
from zicht.core.tasks import deliver

SUBJECTS = {
    "referral_received": gettext_noop("Zicht: new referral for the coordination centre"),
    "status_changed": gettext_noop("Zicht: the status of your referral has changed"),
    "care_requested": gettext_noop("Zicht: a care referral for your organisation"),
    "care_accepted": gettext_noop("Zicht: care referral accepted"),
    "care_refused": gettext_noop("Zicht: care referral refused"),
    "care_placed": gettext_noop("Zicht: young person placed"),
    "care_ended": gettext_noop("Zicht: care ended"),
    "deadline_near": gettext_noop("Zicht: screening deadline near or passed"),
}


def _recipients(file: CoordinationFile, to: str) -> list[str]:
    if to == "referrers":
        emails = file.referrals.filter(kind="referral").values_list("referred_by__email", flat=True)
    elif to == "coordinators":
        if file.assigned_to_id and file.assigned_to.email:
            return [file.assigned_to.email]
        emails = account_selectors.coordinators().values_list("user__email", flat=True)
    elif to.startswith("provider:"):
        emails = account_selectors.active_members(
            organisation_id=int(to.split(":", 1)[1]), roles=(Role.PROFESSIONAL, Role.ORG_ADMIN)
        ).values_list("user__email", flat=True)
    else:
        raise ValueError(f"unknown recipients {to!r}")
    return sorted({e for e in emails if e})


@task()
def send_notification(*, event: str, file_id: int, to: str) -> int:
    """E-mail the recipients of one event about one file. Returns the number of mails."""
    file = CoordinationFile.objects.select_related("assigned_to").filter(pk=file_id).first()
    if file is None or file.anonymised_at is not None:
        return 0
    recipients = _recipients(file, to)
    with translation.override("nl"):
        subject = _(SUBJECTS[event])
        body = _(
            "File %(reference)s: %(status)s.\n\nLog in to Zicht to see what changed. "
            "This e-mail never contains personal data."
        ) % {"reference": file.reference, "status": file.get_status_display()}
    return deliver(
        purpose=f"coordination.{event}", subject=subject, body=body, recipients=recipients
    )


@task()
def screening_reminders_task() -> int:
    return services.screening_reminders_send()


@task()
def anonymise_closed_files_task() -> int:
    return services.files_anonymise()
