"""The in-memory zicht-pprl-2 index (``zicht.pprl.index2``): a lookup of one record must
give the decisions of comparing it with every entry that shares a block with it or with
one of its ±1-year probes - the first pass may only save work."""

import datetime as dt
import random

from zicht.pprl import pprl2
from zicht.pprl.encoding import EncodingError, Identity
from zicht.pprl.index2 import Index2
from zicht.pprl.keys import PseudonymKey
from zicht.simulation.identities import make_population

KEY = PseudonymKey.from_bytes(bytes(range(32)))
TODAY = dt.date(2026, 1, 1)
RANK = {"match": 0, "possible": 1}
TWINS = ["Sara", "Emma", "Demi", "Noah", "Liam", "Daan", "Fenna", "Yara", "Milan", "Aya"]


def _encodings(n_people: int, seed: int) -> list[pprl2.Encoding2]:
    """A population with noisy duplicates; every fourth person also gets a twin (another
    given name, same surname and date) and a copy with a day/month swap or a day off."""
    rng = random.Random(seed)
    idents = []
    for r in make_population(n_people, dup_rate=0.4, seed=seed):
        ident = r.identity
        idents.append(ident)
        dob = ident.date_of_birth
        if dob is None or rng.random() > 0.25:
            continue
        twin = rng.choice([n for n in TWINS if n.lower() not in ident.given_names.lower()])
        idents.append(Identity(twin, ident.surname, dob, ident.sex, ""))
        other = (
            dob.replace(month=dob.day, day=dob.month)
            if dob.day <= 12
            else dob.replace(day=dob.day - 1)
        )
        idents.append(Identity(ident.given_names, ident.surname, other, ident.sex, ""))
    out = []
    for ident in idents:
        try:
            out.append(pprl2.encode2(ident, KEY, today=TODAY))
        except EncodingError:
            continue
    return out


def _every_member(entries, enc) -> list:
    """The lookup without a first pass: compare with every entry sharing a block."""
    queries = [(None, enc.block_tokens), *((p, p.block_tokens) for p in enc.probes)]
    best: dict[int, tuple] = {}
    for probe, tokens in queries:
        for i, other in enumerate(entries):
            if not set(tokens) & set(other.block_tokens):
                continue
            ev = pprl2.compare(enc, other, probe=probe)
            d = pprl2.decide(ev)
            if d and (i not in best or RANK[d] < RANK[best[i][0]]):
                best[i] = (d, ev)
    return [(i, *best[i]) for i in sorted(best)]


def test_lookup_gives_the_decisions_of_comparing_every_block_member():
    encs = _encodings(700, seed=31)
    entries, queries = encs[:-150], encs[-150:]
    index = Index2(capacity=10)  # grows
    index.add_many(enumerate(entries[:100]))
    index.add_many((i, e) for i, e in enumerate(entries) if i >= 100)
    assert len(index) == len(entries)
    linked = 0
    for enc in queries:
        got = index.query(enc)
        assert got == _every_member(entries, enc)
        linked += len(got)
    assert linked >= 20  # the queries include duplicates, twins and date errors


def test_without_year_tolerance_only_the_own_year_is_looked_at():
    base = Identity("Daan", "de Vries", dt.date(2010, 5, 20), "m", "")
    later = Identity("Daan", "de Vries", dt.date(2011, 5, 20), "m", "")
    index = Index2()
    index.add_many([("a", pprl2.encode2(base, KEY, today=TODAY))])
    enc = pprl2.encode2(later, KEY, today=TODAY)
    assert [i for i, _, _ in index.query(enc)] == ["a"]  # through the year-before probe
    assert index.query(enc, year_tolerance=False) == []
