"""The first-pass bytes kept in the zicht-pprl-2 block rows (migration 0006): the block
query of a lookup reads no entry, and the checks it made on the entries (same key,
another signal) are made for the survivors instead."""

import datetime as dt
import importlib
import uuid
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from zicht.linkage import services
from zicht.linkage.models import BlockToken, IndexEntry
from zicht.pprl.encoding import Identity

EXPIRES = dt.date(2030, 1, 1)
AYA = Identity("Aya", "de Vries", dt.date(2009, 3, 14), "F", "")
AJA = Identity("Aja", "de Vries", dt.date(2009, 3, 14), "F", "")


def _store(ident, org, signal_id=None):
    p = services.pseudonyms_for(ident, services.current_key())
    return services._store(
        signal_id=signal_id or uuid.uuid4(), organisation_id=org, pseudonyms=p, expires_on=EXPIRES
    )


def _lookup(ident, signal_id=None):
    p = services.pseudonyms_for(ident, services.current_key())
    entry = IndexEntry(pk=0, key_id=p.v1.key_id, signal_id=signal_id or uuid.uuid4())
    return services._candidates_v2(entry=entry, enc=p.v2)


@pytest.mark.django_db
def test_pprl2_block_rows_carry_the_entry_first_pass_bytes():
    entry = _store(AYA, 1)
    rows = list(BlockToken.objects.filter(entry=entry).values_list("bloom", "prefilter"))
    v2_rows = [bytes(f) for b, f in rows if not bytes(b)]
    v1_rows = [bytes(f) for b, f in rows if bytes(b)]
    assert v2_rows and v1_rows
    assert set(v2_rows) == {bytes(entry.prefilter)} and len(entry.prefilter) == 248
    assert set(v1_rows) == {b""}


@pytest.mark.django_db
def test_own_signal_and_other_keys_are_left_out_after_the_first_pass():
    own = uuid.uuid4()
    _store(AYA, 1, signal_id=own)
    other = _store(AYA, 2)
    assert {c.organisation_id for c in _lookup(AJA).values()} == {1, 2}
    assert [c.organisation_id for c in _lookup(AJA, signal_id=own).values()] == [2]
    IndexEntry.objects.filter(pk=other.pk).update(key_id="another-key")
    assert [c.organisation_id for c in _lookup(AJA, signal_id=own).values()] == []


@pytest.mark.django_db
def test_rows_without_the_bytes_are_compared_in_full_and_migration_fills_them():
    for org in (1, 2):
        _store(AYA, org)
    want = sorted(BlockToken.objects.values_list("pk", "prefilter"))
    BlockToken.objects.update(prefilter=b"")  # as before migration 0006
    assert len(_lookup(AJA)) == 2
    migration = importlib.import_module("zicht.linkage.migrations.0006_pprl2_block_prefilter")
    with connection.cursor() as cursor:  # what the migration's schema editor runs
        migration.copy_prefilter(apps, SimpleNamespace(execute=cursor.execute))
    got = sorted(BlockToken.objects.values_list("pk", "prefilter"))
    assert [(pk, bytes(b)) for pk, b in got] == [(pk, bytes(b)) for pk, b in want]
    assert len(_lookup(AJA)) == 2


@pytest.mark.django_db
def test_postgresql_answers_the_block_query_from_the_covering_index():
    if connection.vendor != "postgresql":
        pytest.skip("covering indexes (INCLUDE) are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'linkage_blocktoken_token_cover'"
        )
        (definition,) = cursor.fetchone()
    assert "INCLUDE (entry_id, bloom, pprl2_entry, prefilter)" in definition
