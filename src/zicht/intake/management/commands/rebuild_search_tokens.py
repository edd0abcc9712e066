"""Build the search tokens of signals that have none under the current key."""

from django.core.management.base import BaseCommand

from zicht.intake.services import search_tokens_rebuild


class Command(BaseCommand):
    help = (
        "Build the blind-index search tokens of active signals that have none under the "
        "current field-encryption key: run it after putting a new ZICHT_FIELD_ENCRYPTION_KEY "
        "first. Prints counts only, never an identity."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="rebuild the tokens of every active signal"
        )

    def handle(self, *args, **options):
        done = search_tokens_rebuild(
            everything=options["all"],
            progress=lambda n: self.stdout.write(f"{n} signal(s) so far..."),
        )
        self.stdout.write(f"{done} signal(s) given new search tokens.")
