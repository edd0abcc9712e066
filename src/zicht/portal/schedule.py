"""The daily schedule of background tasks.

django-tasks queues and runs tasks (``manage.py db_worker``) but has no clock; one cron
line (or systemd timer) runs ``manage.py enqueue_daily_tasks`` once a day and the worker
does the rest.
"""

from zicht.api.tasks import purge_api_data_task
from zicht.audit.tasks import audit_checkpoint_task
from zicht.coordination.tasks import anonymise_closed_files_task, screening_reminders_task
from zicht.help.tasks import purge_inactive_conversations
from zicht.insight.tasks import refresh_estimates_task
from zicht.intake.tasks import purge_expired_task
from zicht.lessons.tasks import close_expired_class_sessions_task

DAILY_TASKS = (
    purge_expired_task,
    purge_api_data_task,
    purge_inactive_conversations,
    screening_reminders_task,
    anonymise_closed_files_task,
    refresh_estimates_task,
    close_expired_class_sessions_task,
    # Last, so the checkpoint covers the audit events of the tasks above.
    audit_checkpoint_task,
)
