"""The first pass of a zicht-pprl-2 lookup (``zicht.linkage.prefilter``): it drops block
members before they are parsed and compared, and must never drop one that
``pprl2.decide`` would call ``match`` or ``possible``."""

import datetime as dt
import importlib
import random
import uuid

import pytest
from django.apps import apps

from zicht.linkage import prefilter, services
from zicht.linkage.models import IndexEntry
from zicht.pprl import pprl2
from zicht.pprl.encoding import EncodingError, Identity
from zicht.pprl.keys import PseudonymKey
from zicht.simulation.identities import make_population

KEY = PseudonymKey.from_bytes(bytes(range(32)))
TODAY = dt.date(2026, 1, 1)
EXPIRES = dt.date(2030, 1, 1)
OTHER_NAMES = ["Sara", "Emma", "Demi", "Noah", "Liam", "Daan", "Fenna", "Yara", "Milan", "Aya"]


def _shifted(dob: dt.date, kind: str) -> dt.date | None:
    """A date of birth with a typical registration error."""
    try:
        if kind == "swap":
            return dob.replace(month=dob.day, day=dob.month)
        if kind == "day":
            return dob + dt.timedelta(days=1)
        if kind == "two_parts":
            return dob.replace(month=dob.month % 12 + 1, day=max(1, dob.day - 1))
        if kind == "transposed":
            return dob.replace(day=int(f"{dob.day:02d}"[::-1]))
        if kind == "year":
            return dob.replace(year=dob.year + 1)
    except ValueError:
        return None
    raise AssertionError(kind)


def identities(n_people: int, seed: int) -> list[Identity]:
    """A synthetic population with noisy duplicates, and for every fifth person a twin
    (same surname, date of birth and BSN-less, another given name) and a copy with a
    date typo (day/month swapped, a day off, two parts off, digits transposed, the
    year off)."""
    rng = random.Random(seed)
    out = []
    for r in make_population(n_people, dup_rate=0.4, seed=seed):
        ident = r.identity
        out.append(ident)
        if ident.date_of_birth is None or rng.random() > 0.2:
            continue
        twin = rng.choice([n for n in OTHER_NAMES if n.lower() not in ident.given_names.lower()])
        out.append(Identity(twin, ident.surname, ident.date_of_birth, ident.sex, ""))
        kind = rng.choice(["swap", "day", "two_parts", "transposed", "year"])
        dob = _shifted(ident.date_of_birth, kind)
        if dob is not None:
            out.append(Identity(ident.given_names, ident.surname, dob, ident.sex, ""))
    return out


def encodings(idents) -> list[pprl2.Encoding2]:
    encs = []
    for ident in idents:
        try:
            encs.append(pprl2.encode2(ident, KEY, today=TODAY))
        except EncodingError:
            continue
    return encs


def block_pairs(encs):
    """(query index, member indices, probe) for every query a lookup makes: the members
    share a block token with the query, or with its ±1-year probe."""
    blocks: dict[str, list[int]] = {}
    for j, e in enumerate(encs):
        for t in e.block_tokens:
            blocks.setdefault(t, []).append(j)
    for i, e in enumerate(encs):
        for probe in (None, *e.probes):
            tokens = e.block_tokens if probe is None else probe.block_tokens
            members = sorted({j for t in tokens for j in blocks.get(t, ()) if j != i})
            if members:
                yield i, members, probe


def test_the_first_pass_uses_pprl2s_dice_floors():
    assert prefilter.DICE_FLOOR == pprl2.MEDIUM_DICE == pprl2.ANCHOR_DICE == 0.5


@pytest.mark.parametrize("seed", [3, 4])
def test_no_pair_that_decide_links_is_dropped(seed):
    encs = encodings(identities(700, seed))
    packed = prefilter.matrix([prefilter.pack(e) for e in encs])
    linked = kept_linked = unlinked = kept_unlinked = 0
    levels = set()
    for i, members, probe in block_pairs(encs):
        keep = prefilter.can_link(prefilter.query(encs[i], probe), packed[members])
        for j, kept in zip(members, keep.tolist(), strict=True):
            ev = pprl2.compare(encs[i], encs[j], probe=probe)
            decision = pprl2.decide(ev)
            if decision is not None:
                linked += 1
                kept_linked += kept
                levels.add((decision, ev.date_of_birth, ev.fields_swapped))
            else:
                unlinked += 1
                kept_unlinked += kept
    assert kept_linked == linked > 300
    # The population holds what the pass must not lose: date typos of several kinds.
    assert {d for _, d, _ in levels} >= {"equal", "day_month_swapped", "one_part_typo"}
    # ... and it does drop most of the pairs that cannot link (twins among them).
    assert kept_unlinked < 0.1 * unlinked


@pytest.mark.django_db
def test_lookup_decisions_are_those_of_comparing_every_member(monkeypatch):
    """Index a few hundred synthetic pprl-2 signals, then look each one up again (as a
    new signal with another id) with and without the first pass: same candidates, same
    decisions and evidence."""
    pseudonyms = []
    for ident in identities(150, seed=5):
        if ident.date_of_birth is None:
            continue
        try:
            p = services.pseudonyms_for(ident, services.current_key())
        except EncodingError:
            continue
        if p.v2 is not None:
            pseudonyms.append(p)
    for k, p in enumerate(pseudonyms):
        services._store(
            signal_id=uuid.uuid4(), organisation_id=k % 4 + 1, pseudonyms=p, expires_on=EXPIRES
        )
    assert IndexEntry.objects.exclude(prefilter=b"").count() == len(pseudonyms)

    def lookups():
        out = []
        for p in pseudonyms:
            entry = IndexEntry(pk=0, key_id=p.v1.key_id, signal_id=uuid.uuid4())
            out.append(services._candidates_v2(entry=entry, enc=p.v2))
        return out

    screened = lookups()
    monkeypatch.setattr(
        prefilter, "can_link", lambda q, m: __import__("numpy").ones(m.shape[0], bool)
    )
    full = lookups()
    assert screened == full
    decisions = [c for found in full for c in found.values()]
    assert len(decisions) > len(pseudonyms)  # each finds itself, and more
    assert any(not c.strong for c in decisions)  # possible matches among them


@pytest.mark.django_db
def test_entries_without_the_bytes_are_compared_in_full_and_migration_fills_them():
    ident = Identity("Aya", "de Vries", dt.date(2009, 3, 14), "F", "")
    for org in (1, 2):
        services._store(
            signal_id=uuid.uuid4(),
            organisation_id=org,
            pseudonyms=services.pseudonyms_for(ident, services.current_key()),
            expires_on=EXPIRES,
        )
    want = dict(IndexEntry.objects.values_list("pk", "prefilter"))
    IndexEntry.objects.update(prefilter=b"")  # as before migration 0005
    query = services.pseudonyms_for(
        Identity("Aja", "de Vries", dt.date(2009, 3, 14), "F", ""), services.current_key()
    )
    entry = IndexEntry(pk=0, key_id=query.v1.key_id, signal_id=uuid.uuid4())
    assert len(services._candidates_v2(entry=entry, enc=query.v2)) == 2
    migration = importlib.import_module("zicht.linkage.migrations.0005_pprl2_prefilter")
    migration.fill_prefilter(apps, None)
    got = {pk: bytes(b) for pk, b in IndexEntry.objects.values_list("pk", "prefilter")}
    assert got == {pk: bytes(b) for pk, b in want.items()}
    assert len(services._candidates_v2(entry=entry, enc=query.v2)) == 2
