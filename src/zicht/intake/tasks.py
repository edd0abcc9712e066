"""Scheduled work: run ``purge_expired_task`` daily from the worker (django-tasks)."""

from django_tasks import task

from zicht.intake.services import purge_expired


@task()
def purge_expired_task() -> int:
    return purge_expired()
