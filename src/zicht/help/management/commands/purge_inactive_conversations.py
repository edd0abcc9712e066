"""Delete anonymous conversations without a new message for ZICHT_HELP_RETENTION_DAYS."""

from django.core.management.base import BaseCommand

from zicht.help import conf, services


class Command(BaseCommand):
    help = "Delete anonymous conversations that have been inactive for the retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args, dry_run=False, **options):
        count = services.conversations_purge_inactive(dry_run=dry_run)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(
            f"{count} conversation(s) {verb} (inactive for more than {conf.retention_days()} days)."
        )
