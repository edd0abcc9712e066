"""Anonymise coordination files closed longer than the retention period."""

from django.core.management.base import BaseCommand

from zicht.coordination.services import files_anonymise


class Command(BaseCommand):
    help = (
        "Anonymise every coordination file closed longer than "
        "ZICHT_COORDINATION_RETENTION_YEARS (default 5) ago: free text, names and the "
        "link to signals are removed; statuses, dates and kinds stay for statistics."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="only count what would be anonymised"
        )

    def handle(self, *args, **options):
        count = files_anonymise(dry_run=options["dry_run"])
        verb = "would be anonymised" if options["dry_run"] else "anonymised"
        self.stdout.write(f"{count} file(s) {verb}.")
