"""Verify the audit hash chain; exit non-zero at the first tampered or missing event."""

import sys

from django.core.management.base import BaseCommand

from zicht.audit.selectors import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the hash of every audit event in order and check the links between "
        "them. Reports the first tampered or missing event and exits with status 1."
    )

    def handle(self, *args, **options):
        checked, problem = verify_chain()
        if problem is None:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events verified."))
            return
        self.stderr.write(
            f"Audit chain broken at event #{problem.seq}: {problem.reason} "
            f"({checked} events verified before it)."
        )
        sys.exit(1)
