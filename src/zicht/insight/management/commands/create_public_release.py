"""Publish a year's public statistics (issue 16) from the command line, as an analyst."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from zicht.insight.services import release_create


class Command(BaseCommand):
    help = (
        "Publish the differentially private tables of one year at /cijfers/. Spends the "
        "year's whole privacy budget (ZICHT_PUBLIC_RELEASE_EPSILON); refused when the year "
        "already has a release."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--by", required=True, help="username of the analyst publishing")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["by"]).first()
        if user is None:
            raise CommandError(f"No user named {options['by']!r}.")
        try:
            release = release_create(by=user, year=options["year"])
        except (PermissionDenied, ValidationError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from None
        self.stdout.write(
            f"Published the figures of {release.year} with epsilon {release.epsilon_total} "
            f"({release.epsilon_per_table} per table)."
        )
