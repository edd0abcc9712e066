"""Close every class session past its closing time (4 hours after the start).

    python manage.py close_class_sessions

Their counts join the monthly aggregates and the sessions are deleted, as when a teacher
closes the class. Run it daily (or hourly) from cron.
"""

from django.core.management.base import BaseCommand

from zicht.lessons import services


class Command(BaseCommand):
    help = "Close class sessions past their closing time; keep only monthly counts."

    def handle(self, *args, **options):
        closed = services.class_sessions_close_expired()
        self.stdout.write(f"Closed {closed} class session(s).")
