"""manage.py restore FILE: restore a ``manage.py backup`` file (zicht.core.backups)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zicht.core import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the database with pg_restore, all "
        "or nothing. The database must be empty (createdb) unless --force, which replaces "
        "its contents. Afterwards check it with `manage.py verify_audit_chain`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="a file written by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore into a database that is not empty, replacing what the backup holds",
        )

    def handle(self, *args, file, force, **options):
        try:
            backups.restore(dump=Path(file), force=force)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored {file}. Check it: manage.py verify_audit_chain (with the same "
            "ZICHT_AUDIT_KEY) and manage.py migrate for a newer version."
        )
