"""Background work of the help pages, through Django's tasks API (django-tasks)."""

from django_tasks import task

from zicht.help import services


@task()
def purge_inactive_conversations() -> int:
    """Delete conversations inactive for the retention period. Schedule it daily."""
    return services.conversations_purge_inactive()
