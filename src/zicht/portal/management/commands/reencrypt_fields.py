"""Re-encrypt every encrypted field under the first key of ZICHT_FIELD_ENCRYPTION_KEY.

Rotation of the field key (ADR 0005): put the new key in front of the list, restart, run
this command; when ``--check`` then reports nothing left under older keys, remove them.
Works on every model with an ``EncryptedTextField`` (found through the app registry, so a
new one is included without a change here), on the raw ciphertext: plaintext is never
loaded into Python objects, logged or printed.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from zicht.audit import services as audit
from zicht.audit.catalogue import AuditAction
from zicht.core.crypto import DecryptionError, EncryptedTextField, rotate_token, under_primary_key

BATCH = 500


def encrypted_columns():
    """(model, [column names]) for every concrete model with encrypted fields."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [
            f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if columns:
            yield model, columns


def _rows(model, columns):
    """(pk, values) of the rows, in batches, straight from the table (ciphertext)."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    selected = ", ".join(quote(c) for c in columns)
    last = None
    while True:
        where, params = ("", []) if last is None else (f" WHERE {pk} > %s", [last])
        # Names from the model registry, quoted; values as parameters.
        sql = f"SELECT {pk}, {selected} FROM {table}{where} ORDER BY {pk} LIMIT {BATCH}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            batch = cursor.fetchall()
        if not batch:
            return
        yield from batch
        last = batch[-1][0]


def _update(model, pk_value, changes: dict) -> None:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(c)} = %s" for c in changes)
    sql = (  # names from the model registry, quoted; values as parameters
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*changes.values(), pk_value])


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the first key of ZICHT_FIELD_ENCRYPTION_KEY "
        "(after a new key was put in front), or with --check count the values that still "
        "need an older key. Per model all or nothing; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="change nothing; report per field how many values need an older key "
            "(exit status 1 if any do)",
        )

    def handle(self, *args, check=False, **options):
        total_old = total_rewritten = 0
        for model, columns in encrypted_columns():
            label = model._meta.label
            if check:
                old = self._count_old(model, columns)
                total_old += old
                if old:
                    self.stdout.write(f"{label}: {old} value(s) under an older key")
                continue
            rewritten = self._rewrite(model, columns)
            total_rewritten += rewritten
            self.stdout.write(f"{label}: {rewritten} value(s) re-encrypted")
        if check:
            if total_old:
                self.stdout.write(f"{total_old} value(s) still need an older key: keep it.")
                raise SystemExit(1)
            self.stdout.write("Every encrypted value reads with the first key alone.")
            return
        audit.record(
            action=AuditAction.SECURITY_FIELD_KEY_ROTATED, details={"values": total_rewritten}
        )
        self.stdout.write(f"Done: {total_rewritten} value(s) re-encrypted under the first key.")

    def _count_old(self, model, columns) -> int:
        return sum(
            1
            for _pk, *values in _rows(model, columns)
            for value in values
            if value and not under_primary_key(value)
        )

    def _rewrite(self, model, columns) -> int:
        count = 0
        with transaction.atomic():
            for pk_value, *values in _rows(model, columns):
                try:
                    changes = {
                        column: rotate_token(value)
                        for column, value in zip(columns, values, strict=True)
                        if value
                    }
                except DecryptionError as exc:
                    raise CommandError(
                        f"{model._meta.label} {pk_value}: a value reads with none of the "
                        "configured keys; nothing of this model was changed."
                    ) from exc
                if changes:
                    _update(model, pk_value, changes)
                    count += len(changes)
        return count
