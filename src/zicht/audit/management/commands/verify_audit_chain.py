"""Verify the audit hash chain; exit non-zero at the first tampered or missing event."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from zicht.audit.checkpoints import CheckpointError, read_checkpoints
from zicht.audit.selectors import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the keyed hash of every audit event in order, check the links between "
        "them, the chain head and the signed checkpoints. Reports the first tampered or "
        "missing event, or an invalid checkpoint, on one line and exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            help=(
                "Checkpoint file to check against, e.g. the copy shipped off the database "
                "host (default: ZICHT_AUDIT_CHECKPOINT_FILE, when it exists)."
            ),
        )

    def handle(self, *args, checkpoints=None, **options):
        path = Path(checkpoints) if checkpoints else Path(settings.AUDIT_CHECKPOINT_FILE)
        anchors = []
        if checkpoints or path.exists():
            try:
                anchors = read_checkpoints(path)
            except CheckpointError as exc:
                self.stderr.write(str(exc))
                sys.exit(1)
        checked, problem = verify_chain(checkpoints=anchors)
        if problem is None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Audit chain intact: {checked} events verified, "
                    f"{len(anchors)} checkpoints from {path} matched."
                    if anchors
                    else f"Audit chain intact: {checked} events verified (no checkpoints)."
                )
            )
            return
        self.stderr.write(
            f"Audit chain broken at event #{problem.seq}: {problem.reason} "
            f"({checked} events verified before it)."
        )
        sys.exit(1)
