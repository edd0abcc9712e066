"""Remove identity data of expired and withdrawn signals; record each purge in the audit log."""

from django.core.management.base import BaseCommand

from zicht.intake.services import purge_expired


class Command(BaseCommand):
    help = (
        "Remove the identity of every signal past its retention date (24 months; for a "
        "minor at the latest the 23rd birthday, for a young adult the 28th) or withdrawn, and take it out of the person index. "
        "The non-identifying remainder stays for statistics."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="only count what would be purged"
        )

    def handle(self, *args, **options):
        count = purge_expired(dry_run=options["dry_run"])
        verb = "would be purged" if options["dry_run"] else "purged"
        self.stdout.write(f"{count} signal(s) {verb}.")
