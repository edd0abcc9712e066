"""Purge what the partner API leaves behind: stored idempotent responses older than the
window, and expired or withdrawn signals recorded from an encoding."""

from django.core.management.base import BaseCommand

from zicht.api import services


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        counts = services.api_data_purge()
        self.stdout.write(
            f"{counts['idempotency_records']} stored responses and "
            f"{counts['encoded_signals']} encoded signals purged."
        )
