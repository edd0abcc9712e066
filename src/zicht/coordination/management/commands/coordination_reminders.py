"""Queue the screening reminders (run daily, e.g. from cron or the task worker)."""

from django.core.management.base import BaseCommand

from zicht.coordination.tasks import screening_reminders_task


class Command(BaseCommand):
    help = "Remind coordinators of files whose screening deadline is near or passed."

    def handle(self, *args, **options):
        result = screening_reminders_task.enqueue()
        self.stdout.write(f"Reminder task queued ({result.id}).")
