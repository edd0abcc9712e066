"""manage.py backup --out FILE: a pg_dump backup of the database (zicht.core.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zicht.core import backups


class Command(BaseCommand):
    help = (
        "Write a backup of the PostgreSQL database to FILE (pg_dump custom format, readable "
        "by its owner only; an existing file is never overwritten). Restore it with "
        "`manage.py restore FILE`. The secrets are not in it: keep them apart."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, metavar="FILE", help="the new backup file")

    def handle(self, *args, out, **options):
        try:
            path = backups.backup_create(out=Path(out))
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size} bytes).")
