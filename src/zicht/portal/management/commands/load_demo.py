"""Load the demo data set idempotently (never in production)."""

import logging

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from zicht.accounts.demo import demo_accounts_ensure
from zicht.coordination.demo import demo_files_progress, demo_referrals_ensure
from zicht.help.demo import demo_conversations_ensure
from zicht.intake.demo import demo_signals_ensure
from zicht.monitor.demo import demo_reference_ensure


class Command(BaseCommand):
    help = (
        "Create demo organisations, one account per role with TOTP enrolled, and a few "
        "thousand synthetic signals with real matches. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--population", type=int, default=3000, help="size of the simulated hidden population"
        )
        parser.add_argument("--seed", type=int, default=7, help="simulation seed")
        parser.add_argument("--no-signals", action="store_true", help="accounts only")

    def handle(self, *args, **options):
        if options["population"] < 0:
            raise CommandError("--population must be zero or more.")
        if options["seed"] < 0:
            raise CommandError("--seed must be zero or more.")
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production (ZICHT_ENV=production).")
        audit_log = logging.getLogger("zicht.audit")
        previous = audit_log.level
        if options["verbosity"] < 2:
            # Thousands of demo events would bury the account table on the console; they
            # are all in the audit log in the database. ``-v 2`` shows them here too.
            audit_log.setLevel(logging.WARNING)
        try:
            self._load(options)
        finally:
            audit_log.setLevel(previous)

    def _load(self, options):
        demo_accounts_ensure()
        if demo_reference_ensure():
            self.stdout.write("Demo CBS neighbourhoods and population (demo codes) imported.")
        if not options["no_signals"]:
            n = demo_signals_ensure(
                population=options["population"], seed=options["seed"], stdout=self.stdout
            )
            self.stdout.write(
                f"{n} demo signals recorded." if n else "Demo signals already present."
            )
            r = demo_referrals_ensure(limit=250)
            self.stdout.write(
                f"{r} demo referrals made." if r else "Demo referrals already present."
            )
            f = demo_files_progress()
            if f:
                self.stdout.write(f"{f} demo files taken through screening, assessment and care.")
            # The dashboard's first visit should not wait for the estimate: compute and
            # cache it now, as the nightly task would.
            call_command("refresh_estimates", stdout=self.stdout)
        conversations = demo_conversations_ensure()
        for code, passphrase in conversations:
            self.stdout.write(f"Demo help conversation {code}, passphrase: {passphrase}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
