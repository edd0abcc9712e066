"""Django's ``flush``, which on SQLite lifts the audit trigger while it empties the tables.

Django empties SQLite tables with ``DELETE FROM``, which the append-only trigger on
``audit_auditevent`` refuses row by row; on PostgreSQL it uses ``TRUNCATE``, which row
triggers do not see. Lifting the SQLite trigger for the flush only (and restoring it in
the same transaction) makes a flush behave the same on both: it empties the whole
database, audit log included. The test runner flushes between transactional tests; in
production a flush is "deleting everything", which the signed checkpoints catch.
"""

from django.core.management.commands import flush
from django.db import connections, transaction

from zicht.audit import triggers


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=connection.alias):
            triggers.remove(connection)
            try:
                return super().handle(**options)
            finally:
                triggers.install(connection)
