"""Load the demo data set idempotently (never in production)."""

from django.core.management.base import BaseCommand

from zicht.accounts.demo import demo_accounts_ensure


class Command(BaseCommand):
    help = "Create demo organisations, one account per role with TOTP enrolled, and demo data. Safe to run twice."

    def handle(self, *args, **options):
        demo_accounts_ensure()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
