"""Recompute the cached estimates of the insight dashboard (also a nightly task)."""

from django.core.management.base import BaseCommand

from zicht.insight.tasks import refresh_estimates_task


class Command(BaseCommand):
    help = "Recompute the national estimate and every cached variant of the insight dashboard."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue as a background task instead of running now",
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = refresh_estimates_task.enqueue()
            self.stdout.write(f"Queued task {result.id}; the db_worker command runs it.")
            return
        count = refresh_estimates_task.call()
        self.stdout.write(f"Recomputed {count} estimate(s).")
