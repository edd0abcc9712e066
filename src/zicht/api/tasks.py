"""Scheduled work: run ``purge_api_data_task`` daily from the worker (django-tasks)."""

from django_tasks import task

from zicht.api import services


@task()
def purge_api_data_task() -> dict:
    return services.api_data_purge()
