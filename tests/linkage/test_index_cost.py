"""What indexing and matching one new signal costs in SQL queries, pinned so that it
cannot creep back up (issue 18: the person index was about half of an API POST, most of
it the candidate queries). tests/api/test_create_cost.py pins the rest of a POST and
leaves these out.

Before (commit 77e3d46) one ``signal_index`` of a new signal ran 9 queries without a
candidate (its own entries read before and after the insert, three inserts, four
candidate queries built by the ORM on every call) and 5 with an estimated age.
"""

import datetime as dt
import uuid

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zicht.intake.models import Signal
from zicht.intake.selectors import current_catalogue
from zicht.linkage import services
from zicht.linkage.models import IndexEntry, Match, Notification
from zicht.pprl.encoding import Identity

pytestmark = pytest.mark.django_db

IDENTITY = Identity("Aya", "de Vries", dt.date(2009, 3, 14), "F", "")
EXPIRES = dt.date.today() + dt.timedelta(days=365)

# A new signal with no candidate: the one read (own entries and every candidate row),
# then the entry, its exact tokens and its block tokens: one statement on PostgreSQL,
# three inserts on SQLite.
WRITES = 1 if connection.vendor == "postgresql" else 3
NO_CANDIDATE = 1 + WRITES
# ... with one match in another organisation: + the survivor's stored encoding, the
# pair's existing match (none), the match, both contacts (one query), both notifications
# (one insert). The match's audit event is not counted: the audit app appends it (in a
# request, with the request's other events at its end; tests/api/test_create_cost.py).
ONE_MATCH = NO_CANDIDATE + 5


def _signal(member) -> Signal:
    today = timezone.localdate()
    return Signal.objects.create(
        reference=f"ZS-C-{uuid.uuid4().hex[:12]}",
        organisation=member.organisation,
        author=member.user,
        contact_date=today,
        setting="school",
        catalogue=current_catalogue(),
        expires_on=today + dt.timedelta(days=365),
    )


def _index(signal, identity=IDENTITY) -> tuple[list, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        matches = services.signal_index(
            signal_id=signal.pk,
            organisation_id=signal.organisation_id,
            identity=identity,
            expires_on=EXPIRES,
        )
    return matches, [
        q["sql"]
        for q in captured.captured_queries
        if "audit_" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]


def test_indexing_a_new_signal_costs_a_fixed_number_of_queries(make_member, organisation):
    from tests.factories import OrganisationFactory

    police = make_member(organisation=organisation)
    care = make_member(organisation=OrganisationFactory())
    services.signal_index(  # the first call warms per-process caches up
        signal_id=uuid.uuid4(),
        organisation_id=999,
        identity=Identity("Noah", "Bakker", dt.date(2011, 5, 1), "M", ""),
        expires_on=EXPIRES,
    )
    matches, first = _index(_signal(police))
    assert matches == []
    assert len(first) == NO_CANDIDATE, "\n".join(first)
    matches, second = _index(_signal(care))
    assert [m.status for m in matches] == ["confirmed"]
    assert Notification.objects.filter(match=matches[0]).count() == 2
    assert len(second) == ONE_MATCH, "\n".join(second)
    # The new entry's own rows are not read back, and nothing is read twice.
    reads = [sql for sql in second if sql.startswith("SELECT")]
    assert len(reads) == len(set(reads))


def test_an_estimated_age_costs_the_same(make_member, organisation):
    """A zicht-pprl-1 entry (no date of birth, no exact token): the one read, no pprl-2
    part, no exact tokens to insert."""
    member = make_member(organisation=organisation)
    services.signal_index(  # warms up; another young person
        signal_id=uuid.uuid4(), organisation_id=999, identity=IDENTITY, expires_on=EXPIRES
    )
    estimated = Identity("Sem", "Jansen", None, "M", "", birth_year_estimate=2010)
    matches, queries = _index(_signal(member), estimated)
    assert matches == [] and not Match.objects.exists()
    no_exact_tokens = 0 if connection.vendor == "postgresql" else 1  # (an empty insert)
    assert len(queries) == NO_CANDIDATE - no_exact_tokens, "\n".join(queries)


# Only PostgreSQL has the one-statement insert (SQLite writes through the ORM, which this
# test compares it with); CI's PostgreSQL pass runs it.
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the one-statement insert exists on PostgreSQL only; the PostgreSQL pass runs it",
)
def test_the_one_statement_insert_stores_what_the_orm_stores(monkeypatch):
    """PostgreSQL writes an entry and its tokens in one statement; the rows must be those
    the ORM writes (SQLite's path): every column, the tokens in the same order."""
    pseudonyms = services.pseudonyms_for(IDENTITY, services.current_key())

    def stored(signal_id):
        entry = IndexEntry.objects.get(signal_id=signal_id)
        row = {f.attname: getattr(entry, f.attname) for f in IndexEntry._meta.concrete_fields}
        for name in ("id", "signal_id", "created_at"):
            row.pop(name)
        row = {k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()}
        exact = list(entry.exact_tokens.order_by("pk").values_list("token", flat=True))
        blocks = [
            (t, bytes(b), p)
            for t, b, p in entry.block_tokens.order_by("pk").values_list(
                "token", "bloom", "pprl2_entry"
            )
        ]
        return row, exact, blocks, entry.created_at

    one, orm = uuid.uuid4(), uuid.uuid4()
    services._store(signal_id=one, organisation_id=1, pseudonyms=pseudonyms, expires_on=EXPIRES)
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    with CaptureQueriesContext(connection) as captured:
        services._store(signal_id=orm, organisation_id=1, pseudonyms=pseudonyms, expires_on=EXPIRES)
    monkeypatch.undo()
    kinds = [q["sql"][:6] for q in captured.captured_queries]
    assert kinds == ["SELECT"] + ["INSERT"] * 3  # its own entries, then the ORM's inserts
    a, b = stored(one), stored(orm)
    assert a[:3] == b[:3]
    assert a[0]["fields"]["block_tokens"] and len(a[2]) > len(a[1]) > 0
    assert abs((a[3] - b[3]).total_seconds()) < 60
