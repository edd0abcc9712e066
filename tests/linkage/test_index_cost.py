"""What indexing and matching one new signal costs in SQL queries, pinned so that it
cannot creep back up (issue 18: the person index was about half of an API POST, most of
it the candidate queries). tests/api/test_create_cost.py pins the rest of a POST and
leaves these out.

Before (commit 77e3d46) one ``signal_index`` of a new signal ran 9 queries without a
candidate (its own entries read before and after the insert, four candidate queries)
and 16 with one match; the candidate queries were built by the ORM on every call.
"""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zicht.intake.models import Signal
from zicht.intake.selectors import current_catalogue
from zicht.linkage import services
from zicht.linkage.models import Match, Notification
from zicht.pprl.encoding import Identity

pytestmark = pytest.mark.django_db

IDENTITY = Identity("Aya", "de Vries", dt.date(2009, 3, 14), "F", "")
EXPIRES = dt.date.today() + dt.timedelta(days=365)

# A new signal with no candidate: the one read (own entries and every candidate row),
# the entry, its exact tokens, its block tokens.
NO_CANDIDATE = 4
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
    assert len(queries) == NO_CANDIDATE - 1, "\n".join(queries)  # no exact tokens
