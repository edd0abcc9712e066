"""Queue the daily background tasks (run once a day from cron; db_worker executes them)."""

from django.core.management.base import BaseCommand

from zicht.portal.schedule import DAILY_TASKS


class Command(BaseCommand):
    help = (
        "Queue the daily tasks: purge expired signals, API data and inactive conversations, "
        "screening reminders, anonymise closed coordination files, refresh estimates, write a "
        "signed audit checkpoint. Run it "
        "daily from cron, e.g. `15 3 * * * .venv/bin/python manage.py enqueue_daily_tasks`; "
        "`manage.py db_worker` runs the queued tasks."
    )

    def handle(self, *args, **options):
        for task in DAILY_TASKS:
            result = task.enqueue()
            self.stdout.write(f"queued {task.name} ({result.id})")
