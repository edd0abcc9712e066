"""Append a signed checkpoint of the audit chain to the checkpoint file and the log."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from zicht.audit.checkpoints import AuditChainBroken, CheckpointError, checkpoint_write


class Command(BaseCommand):
    help = (
        "Verify the audit chain and append a signed checkpoint (sequence number, hash, "
        "count, time) to ZICHT_AUDIT_CHECKPOINT_FILE and the zicht.audit log. Runs daily "
        "with enqueue_daily_tasks; ship the file off the database host."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", metavar="FILE", help="Append here instead of ZICHT_AUDIT_CHECKPOINT_FILE."
        )

    def handle(self, *args, file=None, **options):
        try:
            checkpoint = checkpoint_write(path=Path(file) if file else None)
        except (AuditChainBroken, CheckpointError) as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        except OSError as exc:
            self.stderr.write(f"The checkpoint file cannot be written: {exc}")
            sys.exit(1)
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint written: event #{checkpoint.seq}, {checkpoint.count} events."
            )
        )
