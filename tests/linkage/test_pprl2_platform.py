"""The person index on zicht-pprl-2: new signals, pprl-1 entries still read, re-encoding."""

import datetime as dt
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.linkage.test_matching_platform import record, two_professionals  # noqa: F401
from zicht.audit.models import AuditEvent
from zicht.linkage import services
from zicht.linkage.models import BlockToken, IndexEntry, Match
from zicht.pprl.encoding import EncodingError, Identity

pytestmark = pytest.mark.django_db

EXPIRES = dt.date(2030, 1, 1)


def index(identity: Identity, organisation_id: int, signal_id=None) -> list:
    return services.signal_index(
        signal_id=signal_id or uuid.uuid4(),
        organisation_id=organisation_id,
        identity=identity,
        expires_on=EXPIRES,
    )


def person(**overrides) -> Identity:
    data = {
        "given_names": "Aya",
        "surname": "de Vries",
        "date_of_birth": dt.date(2009, 3, 14),
        "sex": "F",
    }
    data.update(overrides)
    return Identity(**data)


def test_a_signal_with_a_date_of_birth_is_indexed_with_pprl2_without_plaintext(
    two_professionals,  # noqa: F811
    login,
    django_capture_on_commit_callbacks,
):
    police, _care = two_professionals
    record(login, police, django_capture_on_commit_callbacks)
    entry = IndexEntry.objects.get()
    assert entry.spec_version == "zicht-pprl-2"
    assert entry.fields["spec_version"] == "zicht-pprl-2" and "probes" not in entry.fields
    stored = str(entry.fields).lower()
    for plain in ("mohamed", "amrani", "2010", "04-03"):
        assert plain not in stored


def test_twins_are_not_matched_and_a_two_part_date_typo_is_found():
    index(person(), 1)
    # A twin sister at another organisation: same surname and date of birth.
    index(person(given_names="Sara"), 2)
    assert not Match.objects.exists()  # zicht-pprl-1 scored such pairs 0.89-0.92
    # The same child with day and month both one off (13 April for 14 March).
    index(person(date_of_birth=dt.date(2009, 4, 13)), 3)
    match = Match.objects.get()
    assert {match.organisation_a_id, match.organisation_b_id} == {1, 3}
    assert match.status == "possible" and match.kind == "fuzzy"
    assert (match.evidence_given_name, match.evidence_surname) == ("equal", "equal")
    assert match.evidence_dob == "digits_transposed"  # 0314 / 0413: the same four digits


def test_equal_names_and_date_are_confirmed_automatically_a_typo_is_not():
    index(person(), 1)
    # A typo in a short given name: a person decides. Aja/Aya is one letter apart like
    # twins Rama/Rami (given-name Dice below PHON_LIFT_DICE): a possible match, not strong.
    index(person(given_names="Aja"), 2)
    index(person(), 3)
    by_org = {frozenset((m.organisation_a_id, m.organisation_b_id)): m for m in Match.objects.all()}
    assert by_org[frozenset((1, 3))].status == "confirmed"
    assert by_org[frozenset((1, 3))].kind == "exact"
    typo = by_org[frozenset((1, 2))]
    assert typo.status == "possible" and not typo.strong


def test_an_estimated_age_stays_pprl1_and_is_still_compared_with_pprl2_entries():
    index(person(), 1)
    estimate = person(date_of_birth=None, birth_year_estimate=2009)
    matches = index(estimate, 2)
    entries = dict(IndexEntry.objects.values_list("organisation_id", "spec_version"))
    assert entries == {1: "zicht-pprl-2", 2: "zicht-pprl-1"}
    # Compared with zicht-pprl-1, through the pprl-1 filter a pprl-2 entry keeps.
    assert len(matches) == 1 and matches[0].status == "possible"
    assert matches[0].evidence_dob == "not_compared"  # only a birth year on one side


def _index_as_pprl1(monkeypatch):
    """Index as the platform did before zicht-pprl-2: pprl-1 entries only."""

    def refuse(*args, **kwargs):
        raise EncodingError("test: pprl-1 only")

    monkeypatch.setattr(services, "encode2", refuse)


def _pairs() -> set:
    return {(frozenset((m.signal_a_id, m.signal_b_id)), m.status) for m in Match.objects.all()}


@pytest.fixture
def legacy_index(two_professionals, login, django_capture_on_commit_callbacks, monkeypatch):  # noqa: F811
    """Five signals of two organisations indexed with zicht-pprl-1: an exact pair, a
    possible pair and one unrelated signal."""
    police, care = two_professionals
    _index_as_pprl1(monkeypatch)
    capture = django_capture_on_commit_callbacks
    record(login, police, capture)
    record(login, care, capture, given_names="Mohammed")  # exact
    record(login, police, capture, given_names="Sanne", surname="Bakker", bsn="111222333")
    record(login, care, capture, given_names="Sanne", surname="Bakkers")  # possible
    record(login, care, capture, given_names="Noor", surname="Jansen", date_of_birth="2011-07-21")
    monkeypatch.undo()
    assert set(IndexEntry.objects.values_list("spec_version", flat=True)) == {"zicht-pprl-1"}
    pairs = _pairs()
    assert {status for _, status in pairs} == {"confirmed", "possible"} and len(pairs) == 2
    return pairs


def test_reencode_moves_every_entry_and_finds_the_same_matches(legacy_index, capsys):
    Match.objects.all().delete()  # so the re-encoded index must find them again
    call_command("reencode_index", "--batch-size", "2")
    assert set(IndexEntry.objects.values_list("spec_version", flat=True)) == {"zicht-pprl-2"}
    assert IndexEntry.objects.count() == 5
    assert not BlockToken.objects.filter(entry__spec_version="zicht-pprl-1").exists()
    assert _pairs() == legacy_index
    out = capsys.readouterr().out
    assert "5 to re-encode" in out and "batch 3: re-encoded 5 of 5" in out
    events = AuditEvent.objects.filter(action="linkage.index_reencoded")
    assert events.count() == 3 and sum(e.details["reencoded"] for e in events) == 5
    for plain in ("Mohamed", "Amrani", "Sanne", "Bakker", "2010-04-03", "111222333", "Noor"):
        assert plain not in out and all(plain not in str(e.details) for e in events)

    # Idempotent: a second run has nothing to do and changes nothing.
    before = set(IndexEntry.objects.values_list("pk", flat=True))
    call_command("reencode_index")
    assert "0 to re-encode" in capsys.readouterr().out
    assert set(IndexEntry.objects.values_list("pk", flat=True)) == before


def test_reencode_keeps_decisions(legacy_index, two_professionals):  # noqa: F811
    _police, care = two_professionals
    possible = Match.objects.get(status="possible")
    services.match_decide(membership=care, match=possible, confirm=False)
    call_command("reencode_index")
    possible.refresh_from_db()
    assert possible.status == "rejected"
    assert Match.objects.count() == 2


def test_dry_run_changes_nothing(legacy_index, capsys):
    call_command("reencode_index", "--dry-run")
    assert "5 to re-encode" in capsys.readouterr().out
    assert set(IndexEntry.objects.values_list("spec_version", flat=True)) == {"zicht-pprl-1"}
    assert not AuditEvent.objects.filter(action="linkage.index_reencoded").exists()


def test_bad_batch_size_is_refused(legacy_index):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("reencode_index", "--batch-size", "0")


def test_a_failure_midway_leaves_the_old_entries_usable_and_a_rerun_finishes(
    legacy_index,
    two_professionals,  # noqa: F811
    login,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    real_store, calls = services._store, []

    def store_then_fail(**kwargs):
        calls.append(1)
        if len(calls) == 3:  # the first signal of the second batch
            raise RuntimeError("database went away")
        return real_store(**kwargs)

    monkeypatch.setattr(services, "_store", store_then_fail)
    with pytest.raises(RuntimeError):
        call_command("reencode_index", "--batch-size", "2")
    monkeypatch.undo()
    versions = sorted(IndexEntry.objects.values_list("spec_version", flat=True))
    assert versions == ["zicht-pprl-1"] * 3 + ["zicht-pprl-2"] * 2  # batch 2 rolled back
    assert IndexEntry.objects.count() == 5 and Match.objects.count() == 2
    # Both kinds of entry are still found: a new signal of the same young person matches
    # the re-encoded one and the one still on zicht-pprl-1.
    police, _care = two_professionals
    capture = django_capture_on_commit_callbacks
    record(login, police, capture)  # entries 1 and 2: re-encoded
    record(login, police, capture, given_names="Sanne", surname="Bakker")  # 3, 4: not yet
    found = Match.objects.count() - 2
    assert found == 4  # each: one with its own organisation, one with the other
    call_command("reencode_index")
    assert set(IndexEntry.objects.values_list("spec_version", flat=True)) == {"zicht-pprl-2"}


def test_help_explains_the_migration(capsys):
    with pytest.raises(SystemExit):
        call_command("reencode_index", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "zicht-pprl-2" in text and "--dry-run" in text and "--batch-size" in text
    assert "run again" in text
