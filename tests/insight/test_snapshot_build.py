"""The snapshot built from raw column reads (zicht.insight.snapshot.build: codes per
chunk, clusters with numpy) holds exactly what the ORM reads now, field by field and
signal by signal, with the same young people, on data with every awkward case: no
municipality, no age, an estimated age, no or several indicators and forms, withdrawn,
expired and deleted signals, several organisations and matches across them."""

import datetime as dt
import pickle
import random

import numpy as np
import pytest
from benchmarks.insight import bulk_signals
from django.urls import reverse

from tests.conftest import verified_client
from tests.intake.conftest import signal_post
from zicht.accounts.constants import Role
from zicht.insight import selectors, snapshot
from zicht.insight.persons import clusters
from zicht.intake.constants import SignalStatus
from zicht.intake.models import Signal
from zicht.linkage.models import Match

pytestmark = pytest.mark.django_db


@pytest.fixture
def awkward(make_member):
    """Some 500 simulated signals in a dozen organisations, bent into every case the
    build must carry over unchanged; and two recorded through the form, one with an
    estimated age instead of a date of birth (the same young person twice)."""
    bulk_signals(500, seed=11)
    ids = list(Signal.objects.order_by("reference").values_list("pk", flat=True))
    Signal.objects.filter(pk__in=ids[::17]).update(municipality=None)
    Signal.objects.filter(pk__in=ids[1::19]).update(age_at_contact=None)
    Signal.objects.filter(pk__in=ids[2::13]).update(forms=[], indicator_codes=[])
    Signal.objects.filter(pk__in=ids[3::11]).update(
        forms=["drug_transport", "sexual", "other"],
        indicator_codes=["school.truancy", "money.unexplained_goods", "online.recruitment"],
    )
    Signal.objects.filter(pk__in=ids[5::23]).update(status=SignalStatus.WITHDRAWN)
    Signal.objects.filter(pk__in=ids[6::29]).update(
        status=SignalStatus.EXPIRED, expires_on=dt.date.today() - dt.timedelta(days=1)
    )
    Signal.objects.filter(pk__in=ids[7::31]).update(neighbourhood_code="BU05990110")
    gone = ids[8::37]
    Match.objects.filter(signal_a_id__in=gone).delete()
    Match.objects.filter(signal_b_id__in=gone).delete()
    Signal.objects.filter(pk__in=gone).delete()
    professional = make_member(role=Role.PROFESSIONAL)
    from django.test import Client

    client = verified_client(Client(), professional.user)
    for post in (
        signal_post(),
        signal_post(date_of_birth="", age_estimate="15", municipality=""),
    ):
        assert client.post(reverse("intake:signal_create"), post).status_code == 302
    snapshot._LOADED.clear()
    return professional.organisation


# The derived columns as selectors computes them for hand-made rows: an implementation
# of their own, so the build's is checked against it, not against itself.
_DERIVED_FROM = {
    "month": "month",
    "age_group": "age",
    "indicator_groups": "indicator_group",
    "municipality_label": "municipality",
    "form_list": "form",
}
_SINGLE = {"month", "age_group", "municipality_label"}


def _expected_rows(organisation_id) -> dict:
    """Each counted signal's facts as the ORM reads them now, with its categories."""
    out = {}
    for r in selectors.base_from_scratch(scope=selectors.Scope(organisation_id, "")).rows:
        row = {"id": snapshot.signal_key(r["id"]), **{f: r[f] for f in snapshot.FIELDS[1:]}}
        for name, breakdown in _DERIVED_FROM.items():
            found = selectors.categories(r, breakdown)
            row[name] = found[0] if name in _SINGLE else found
        out[row["id"]] = row
    return out


def _people(ids, person_of) -> list:
    groups: dict = {}
    for sid, person in zip(ids, person_of, strict=True):
        groups.setdefault(person, set()).add(sid)
    return sorted(sorted(g) for g in groups.values())


def _check(built: snapshot.Snapshot, organisation_id) -> None:
    expected = _expected_rows(organisation_id)
    assert sorted(built.ids) == sorted(expected)
    for i, sid in enumerate(built.ids):
        assert built.row(i) == expected[sid]
    # The same young people as clustering the ORM's rows over the confirmed pairs.
    orm = selectors.base_from_scratch(scope=selectors.Scope(organisation_id, ""))
    person_of = orm.person_of
    assert _people(built.ids, built.persons.tolist()) == _people(
        [snapshot.signal_key(s) for s in person_of],
        list(person_of.values()),
    )
    # The stored format: per field distinct values, codes into them numbered in order
    # of first appearance (as the row-by-row build numbered them), persons likewise.
    for name in snapshot.KEYS[1:]:
        codes, values = built.codes[name], built.values[name]
        assert codes.dtype == np.int32 and len(codes) == len(built)
        assert len({snapshot._hashable(v) for v in values}) == len(values)
        first = np.unique(codes, return_index=True)[1]
        assert len(first) == len(values) and (np.diff(first) > 0).all()
    first = np.unique(built.persons, return_index=True)[1]
    assert built.persons.dtype == np.int64 and (np.diff(first) > 0).all()


def test_the_build_holds_what_the_orm_reads(awkward):
    assert Signal.objects.filter(municipality=None).exists()
    assert Signal.objects.filter(status=SignalStatus.WITHDRAWN).exists()
    assert Signal.objects.filter(status=SignalStatus.EXPIRED).exists()
    built = snapshot.build(None)
    withdrawn = Signal.objects.filter(status=SignalStatus.WITHDRAWN).count()
    assert len(built) == Signal.objects.count() - withdrawn
    _check(built, None)
    # Some young people were seen more than once, across organisations too.
    assert len(set(built.persons.tolist())) < len(built)
    # One organisation's scope: matches to other organisations' signals join nobody.
    busiest = (
        Signal.objects.exclude(organisation=awkward)
        .values_list("organisation_id", flat=True)
        .order_by("organisation_id")
        .first()
    )
    _check(snapshot.build(busiest), busiest)
    # The form's two signals of one young person: one person in their organisation.
    own = snapshot.build(awkward.pk)
    assert len(own) == 2 and len(set(own.persons.tolist())) == 1
    assert 15 in own.values["age_at_contact"]  # the estimated age
    _check(own, awkward.pk)


def test_the_stored_snapshot_reads_back_the_same(awkward):
    stored = snapshot.rebuild(None)
    again = pickle.loads(pickle.dumps(stored))  # noqa: S301 - our own bytes
    read = snapshot.kept(None)
    for other in (again, read):
        assert other.ids == stored.ids
        assert other.values == stored.values
        assert all((other.codes[k] == stored.codes[k]).all() for k in snapshot.KEYS[1:])
        assert (other.persons == stored.persons).all()


def test_an_empty_scope_builds_an_empty_snapshot():
    built = snapshot.build(None)
    assert len(built) == 0 and len(built.persons) == 0
    assert all(len(built.codes[k]) == 0 for k in snapshot.KEYS[1:])


@pytest.mark.parametrize("seed", range(6))
def test_clusters_of_whole_arrays_equal_union_find(seed):
    """Chains in any order, stars, loops, pairs repeated and single signals: the array
    clustering puts the same signals together as zicht.insight.persons.clusters."""
    rng = random.Random(seed)
    size = rng.choice([1, 2, 50, 400])
    pairs = [(rng.randrange(size), rng.randrange(size)) for _ in range(rng.randrange(size * 2))]
    chain = list(range(size))
    rng.shuffle(chain)
    pairs += list(zip(chain, chain[1:]))[: size // 2]
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    labels = snapshot._components(size, a, b)
    assert _people(range(size), labels.tolist()) == _people(
        range(size), list(clusters(range(size), pairs).values())
    )
    # Each label is the first row of its cluster (what numbers persons in order).
    assert all(labels[i] <= i and labels[labels[i]] == labels[i] for i in range(size))


def test_after_load_demo_s_refresh_the_first_visit_counts_nothing(make_member, monkeypatch):
    """``load_demo`` ends with the estimates' refresh, which now stores the snapshot and
    the unfiltered dashboard's tables first: a fresh installation's first visit, in a
    freshly started process, neither builds the snapshot nor loads its rows."""
    from django.test import Client

    from zicht.insight import tables, tasks
    from zicht.insight.models import CountedTables, CountSnapshot

    member = make_member(role=Role.PROFESSIONAL)
    client = verified_client(Client(), member.user)
    for given in ("Daan", "Sem", "Noor"):
        client.post(reverse("intake:signal_create"), signal_post(given_names=given))
    CountSnapshot.objects.all().delete()
    CountedTables.objects.all().delete()

    tasks.refresh_estimates_task.call()
    assert CountSnapshot.objects.exists() and CountedTables.objects.exists()
    snapshot._LOADED.clear()
    tables._KEPT.clear()

    def refuse(*_args):
        raise AssertionError("the first visit counted what the refresh had counted")

    monkeypatch.setattr(snapshot, "rebuild", refuse)
    monkeypatch.setattr(snapshot, "loaded", refuse)
    analyst = verified_client(Client(), make_member(role=Role.ANALYST).user)
    html = analyst.get(reverse("insight:dashboard")).content.decode()
    assert "opnieuw geteld" not in html and "being recounted" not in html
    # Run again with everything current: nothing is rebuilt, the tables stay.
    monkeypatch.undo()
    kept = set(CountedTables.objects.values_list("key", flat=True))
    assert tasks.refresh_snapshot_task.call(None) is False
    tasks.refresh_estimates_task.call()
    assert set(CountedTables.objects.values_list("key", flat=True)) == kept


def test_the_build_leaves_the_cycle_collector_as_it_found_it():
    """The build switches Python's cycle collector off while it reads (speed); the web
    process gets it back as it was, on or off, also when the read fails."""
    import gc

    assert gc.isenabled()
    snapshot.build(None)
    assert gc.isenabled()
    gc.disable()
    try:
        snapshot.build(None)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ZeroDivisionError), snapshot._no_cycle_collection():
        assert not gc.isenabled()
        1 / 0  # noqa: B018
    assert gc.isenabled()
