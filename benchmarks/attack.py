"""Re-identification attacks on stolen encodings, measured.

    PYTHONPATH=src .venv/bin/python benchmarks/attack.py --families 20000

The adversary holds the encodings of one organisation -- here, as the worst case, one
registration of *every* child of a population of `benchmarks/heldout_identities.py` --
and the public frequency list of given names and surnames (the generator's own weights:
a better list than any real attacker has). It knows the spec (Kerckhoffs), not the key.
Reported per attack: the share of records whose canonical first given name, and whose
surname core, the attack's guess gets right; and, as a control, the share the *same*
guesses get right when shuffled among the records of the same birth-year cohort (what
the guesses are worth without the encodings: guessing "Noah" or "de Jong" is right for
about 1% of any Dutch cohort). The *excess* (recovered minus control) is what the
encodings leak; the goal is an excess below 1% with the key unknown.

Attacks (key unknown):

1. **Frequency alignment of equal encodings** (Christen et al. 2017; Kuzu et al. 2011):
   within a salt group, group records whose encoding of a field is identical, rank the
   groups by size and map the k-th largest to the k-th most frequent public value.
2. **Bit-frequency / pattern-mining attack on Bloom filters** (Christen, Schnell,
   Vatsalan, Ranbaduge 2017; Vidanage, Ranbaduge, Christen, Schnell 2019/2020): within a
   salt group (the attacker is *given* the true groups, even where the spec hides
   them), undo the balancing (positions that are always complementary), then for the
   most frequent public bigrams find the set of k positions whose co-occurring records
   best fit the bigram's expected frequency (frequent itemset mining); finally guess,
   for each filter, the most frequent public name whose mined bigrams are all present,
   preferring names that explain most of the mined bigrams the filter holds.

Key known: the dictionary attack -- encode every public name and compare. This is the
documented limit.

With ``--stored`` the adversary steals the index table instead: per zicht-pprl-2 entry
what ``zicht.linkage.services`` writes -- the encoding without its query probes (read
back from its stored JSON), the 248-byte ``IndexEntry.prefilter``
(``zicht.linkage.prefilter.pack``) and, beside them, the entry's zicht-pprl-1 filter
(attacked above). Added attacks:

3. **Frequency alignment of the stored keyed tokens**: per anchor and field, the
   prefilter's sorted-letters token and the phonetic-code token, classes aligned within
   the salt group the attacker can see (birth-year token; year and month/day tokens for
   the d anchor) with the public frequencies of what the token is keyed on (a name pair,
   a name with the other field's phonetic code, or one name), each class guessed as the
   most frequent public value it stands for; and the prefilter's 64-bit BSN-token
   prefix. A truncated token would merge classes and make them larger, so the run also
   counts the distinct values of every prefilter part against the full token's.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import heldout_identities as hi  # noqa: E402

from zicht.linkage import prefilter  # noqa: E402
from zicht.pprl import normalise as nz  # noqa: E402
from zicht.pprl.encoding import Identity, encode  # noqa: E402
from zicht.pprl.keys import PseudonymKey  # noqa: E402
from zicht.pprl.pprl2 import (  # noqa: E402
    ANCHORS,
    FIELD_BYTES,
    Encoding2,
    _keys,
    canonical_given,
    encode2,
)

Guess = tuple[str | None, str | None]  # (given, surname), None = no guess
#: Bigrams rarer than this share of the filters are not mined (their support would be
#: indistinguishable from chance co-occurrences of unrelated positions).
MIN_QGRAM_SHARE = 0.02


def public_frequencies() -> tuple[dict[str, float], dict[str, float]]:
    """Expected share of each canonical first given name and surname core, from the
    generator's weights (origin share x Zipf weight; sexes 50/50)."""
    given: dict[str, float] = collections.defaultdict(float)
    surname: dict[str, float] = collections.defaultdict(float)

    def zipf(items, s):
        w = [1.0 / (r + 1) ** s for r in range(len(items))]
        total = sum(w)
        return [(it, x / total) for it, x in zip(items, w, strict=True)]

    for share, males, females, surnames in hi.ORIGINS:
        for pool in (males, females):
            for name, w in zipf(pool, 0.4):
                given[canonical_given(nz.fold(name).split()[0])] += share * 0.5 * w
        for name, w in zipf(surnames, 0.5):
            surname[nz.surname_core(name)] += share * w
    return dict(given), dict(surname)


def top_pairs(pub_g: dict[str, float], pub_s: dict[str, float], n: int = 300) -> dict:
    """Public (given, surname) pair frequencies under independence, top n x n."""
    tg = sorted(pub_g.items(), key=lambda kv: -kv[1])[:n]
    ts = sorted(pub_s.items(), key=lambda kv: -kv[1])[:n]
    return {(g, s): wg * ws for g, wg in tg for s, ws in ts}


# --- attack 1: frequency alignment -----------------------------------------------------


def align(groups: dict, public: dict, classes: Sequence) -> list:
    """``groups``: salt group -> list of record indices; ``classes[i]``: record i's
    encoding of the attacked field (equal = same value). Returns a guess per record:
    within each salt group the k-th largest class gets the k-th most frequent public
    value (one value per class, as published)."""
    ranked = [v for v, _ in sorted(public.items(), key=lambda kv: -kv[1])]
    guess: list = [None] * len(classes)
    for members in groups.values():
        counts = collections.Counter(classes[i] for i in members)
        order = {c: r for r, (c, _) in enumerate(counts.most_common())}
        for i in members:
            r = order[classes[i]]
            guess[i] = ranked[r] if r < len(ranked) else None
    return guess


# --- attack 2: pattern mining on Bloom filters ------------------------------------------


def record_sets(filters: Sequence[int], bits: int) -> list[int]:
    """Per bit position, the set of records (as an int bitset) whose filter has it."""
    sets = [0] * bits
    for r, f in enumerate(filters):
        while f:
            low = f & -f
            sets[low.bit_length() - 1] |= 1 << r
            f ^= low
    return sets


def unbalance(sets: list[int], n: int) -> list[int]:
    """Drop the complement half of balanced filters: of two positions that are set in
    complementary record sets, keep the rarer one (base filters are sparse)."""
    full = (1 << n) - 1
    index = {s: j for j, s in enumerate(sets)}
    keep = []
    for j, s in enumerate(sets):
        k = index.get(full ^ s)
        if k is None or s.bit_count() < (full ^ s).bit_count() or (s == full ^ s and j < k):
            keep.append(s)
    return keep


def mine(sets: list[int], n: int, qfreq: Sequence[tuple[str, float]], k: int) -> dict:
    """Pattern mining (Christen et al. 2018): the k positions a bigram sets are set
    together in every filter holding it, so the frequent k-itemsets of positions are
    the frequent bigrams' position sets. Apriori up to size k with a minimum support of
    the least frequent bigram considered; maximal itemsets ranked by support are
    aligned with the bigrams ranked by public frequency. Returns bigram -> record set
    of the filters judged to hold it."""
    qlist = [(q, f * n) for q, f in qfreq if f >= MIN_QGRAM_SHARE and f * n >= 5][:60]
    if not qlist:
        return {}
    smin = 0.8 * qlist[-1][1]
    items = [p for p, s in enumerate(sets) if s.bit_count() >= smin]
    level: dict[tuple[int, ...], int] = {(p,): sets[p] for p in items}
    for _ in range(k - 1):
        nxt: dict[tuple[int, ...], int] = {}
        for itemset, rs in level.items():
            for p in items:
                if p > itemset[-1]:
                    common = rs & sets[p]
                    if common.bit_count() >= smin:
                        nxt[(*itemset, p)] = common
        if not nxt:
            break
        if len(nxt) > 20_000:
            nxt = dict(sorted(nxt.items(), key=lambda kv: -kv[1].bit_count())[:20_000])
        level = nxt
    ranked = sorted(level.items(), key=lambda kv: -kv[1].bit_count())
    found: dict[str, int] = {}
    taken: list[set[int]] = []
    queue = iter(qlist)
    for itemset, rs in ranked:
        # An itemset sharing most positions with an accepted one is that bigram again
        # with one position of a correlated bigram: skip it.
        if any(len(t & set(itemset)) > 1 for t in taken):
            continue
        nxt_q = next(queue, None)
        if nxt_q is None:
            break
        taken.append(set(itemset))
        found[nxt_q[0]] = rs
    return found


def reidentify(
    found: dict[str, int], members: Sequence[int], names: dict[str, float]
) -> dict[int, str]:
    """Per record: the public name whose mined bigrams are all in the filter and which
    explains the most of the filter's mined bigrams (ties: the more frequent name)."""
    mined = set(found)
    grams = {nm: set(nz.bigrams(nm)) & mined for nm in names}
    out = {}
    for r_pos, rec in enumerate(members):
        present = {q for q, s in found.items() if s >> r_pos & 1}
        if not present:
            continue
        best = max(
            (nm for nm, g in grams.items() if g and g <= present),
            key=lambda nm: (len(grams[nm]), names[nm]),
            default=None,
        )
        if best is not None:
            out[rec] = best
    return out


def qgram_freq(*publics: dict[str, float]) -> list[tuple[str, float]]:
    """Share of records holding each bigram in any of the given fields (independent)."""
    absent: dict[str, float] = collections.defaultdict(lambda: 1.0)
    for pub in publics:
        share: dict[str, float] = collections.defaultdict(float)
        for name, w in pub.items():
            for q in set(nz.bigrams(name)):
                share[q] += w
        for q, w in share.items():
            absent[q] *= 1 - min(w, 1.0)
    return sorted(((q, 1 - a) for q, a in absent.items()), key=lambda kv: -kv[1])


def pattern_mining(
    groups: dict,
    filters: Sequence[bytes],
    bits: int,
    k: int,
    publics: Sequence[dict[str, float]],
    balanced: bool,
    min_group: int,
) -> list[dict[int, str]]:
    """Run :func:`mine` and :func:`reidentify` in every salt group of at least
    ``min_group`` filters; one guess dict per public list (field)."""
    qf = qgram_freq(*publics)
    out: list[dict[int, str]] = [{} for _ in publics]
    for members in groups.values():
        if len(members) < min_group:
            continue
        ints = [int.from_bytes(filters[i], "big") for i in members]
        sets = record_sets(ints, bits)
        if balanced:
            sets = unbalance(sets, len(members))
        found = mine(sets, len(members), qf, k)
        for d, pub in zip(out, publics, strict=True):
            d.update(reidentify(found, members, pub))
    return out


# --- attack 3: the stored table (prefilter bytes and keyed tokens) ---------------------


def align_keyed(
    groups: dict, public: dict[object, float], best: dict[object, Guess], classes: Sequence
) -> list[Guess | None]:
    """:func:`align` on keys that stand for several public values (a phonetic code, a
    name with the other field's code): the k-th largest class gets the k-th most
    frequent key, guessed as that key's most frequent (given, surname)."""
    keys = align(groups, public, classes)
    return [best[k] if k is not None else None for k in keys]


def keyed_public(pairs: dict[Guess, float], keyfn: Callable[[str, str], object]) -> tuple:
    """Public frequency of each ``keyfn(given, surname)`` and its most frequent pair."""
    freq: dict = collections.defaultdict(float)
    best: dict = {}
    for (g, s), w in sorted(pairs.items(), key=lambda kv: -kv[1]):
        k = keyfn(g, s)
        freq[k] += w
        best.setdefault(k, (g, s))
    return dict(freq), best


def stored_entries(enc2: Sequence[Encoding2]) -> tuple[list[Encoding2], list[bytes]]:
    """What the index table holds per zicht-pprl-2 entry: the encoding as stored (JSON
    without probes, read back) and its prefilter bytes."""
    stored, packed = [], []
    for e in enc2:
        data = e.to_json()
        data.pop("probes")
        stored.append(Encoding2.from_json(data))
        packed.append(prefilter.pack(e))
    return stored, packed


def prefilter_parts(packed: Sequence[bytes]) -> dict[str, list[bytes]]:
    """The prefilter bytes cut into their parts (layout: ``zicht.linkage.prefilter``)."""
    k, fb = len(ANCHORS), FIELD_BYTES
    parts: dict[str, list[bytes]] = collections.defaultdict(list)
    for raw in packed:
        for a, tag in enumerate(ANCHORS):
            parts[f"given filter {tag}"].append(raw[a * fb : (a + 1) * fb])
            parts[f"surname filter {tag}"].append(raw[(k + a) * fb : (k + a + 1) * fb])
        base = 2 * k * fb
        for a, tag in enumerate(ANCHORS):
            parts[f"given letters {tag}"].append(raw[base + 8 * a : base + 8 * a + 8])
            parts[f"surname letters {tag}"].append(raw[base + 8 * (k + a) : base + 8 * (k + a) + 8])
        parts["bsn prefix"].append(raw[-8:])
    return parts


def prefilter_check(stored: Sequence[Encoding2], packed: Sequence[bytes]) -> list[str]:
    """Per prefilter part: its distinct values against those of the full stored value
    (equal counts: the truncation merges no classes), and whether the bytes are a copy."""
    parts = prefilter_parts(packed)
    lines = []
    for a, tag in enumerate(ANCHORS):
        for fld, full in (("given", [e.given[a] for e in stored]),
                          ("surname", [e.surname[a] for e in stored])):  # fmt: skip
            part = parts[f"{fld} filter {tag}"]
            lines.append(f"{fld} filter {tag}: copy {part == full}, {len(set(part))} values")
        off = TOKENS_OF[tag]
        for fld, idx in (("given", off), ("surname", off + len(ANCHORS) * 2)):
            full = [e.name_tokens[idx] for e in stored]
            part = parts[f"{fld} letters {tag}"]
            lines.append(
                f"{fld} letters {tag}: {len(set(part))} values, full token {len(set(full))}"
            )
    with_bsn = [(p, e.bsn_token) for p, e in zip(parts["bsn prefix"], stored, strict=True)
                if e.bsn_token]  # fmt: skip
    lines.append(
        f"bsn prefix (8 of 16 bytes): {len({p for p, _ in with_bsn})} values, full token "
        f"{len({t for _, t in with_bsn})} ({len(with_bsn)} records with a BSN)"
    )
    return lines


#: Index of an anchor's sorted-letters token among a field's name tokens (phonetic code
#: first, then sorted letters, per anchor).
TOKENS_OF = {tag: 2 * a + 1 for a, tag in enumerate(ANCHORS)}


def stored_rows(row, stored, packed, pairs_pub, pub_g, pub_s) -> list[str]:
    """Attack 3 on the stored table; returns the prefilter check lines."""
    by_year: dict = collections.defaultdict(list)
    by_ymd: dict = collections.defaultdict(list)
    for i, e in enumerate(stored):
        by_year[e.date_tokens[0]].append(i)
        by_ymd[(e.date_tokens[0], frozenset(e.date_tokens[1:3]))].append(i)
    parts = prefilter_parts(packed)
    ph, let = nz.phonetic, lambda w: "".join(sorted(w))
    single_g = {(g, None): w for g, w in pub_g.items()}
    single_s = {(None, s): w for s, w in pub_s.items()}
    n_tok = 2 * len(ANCHORS)
    for tag in ANCHORS:
        groups = by_ymd if tag == "d" else by_year
        for kind, view in (("letters", let), ("phonetic", ph)):
            if tag == "n":
                kg = lambda g, s, v=view: (v(g), s)  # noqa: E731
                ks_ = lambda g, s, v=view: (g, v(s))  # noqa: E731
                pg, ps = pairs_pub, pairs_pub
            elif tag == "p":
                kg = lambda g, s, v=view: (v(g), ph(s))  # noqa: E731
                ks_ = lambda g, s, v=view: (ph(g), v(s))  # noqa: E731
                pg, ps = pairs_pub, pairs_pub
            else:
                kg = lambda g, s, v=view: v(g)  # noqa: E731
                ks_ = lambda g, s, v=view: v(s)  # noqa: E731
                pg, ps = single_g, single_s
            idx = TOKENS_OF[tag] - (kind == "phonetic")
            if kind == "letters":  # the prefilter's copy
                cg, cs = parts[f"given letters {tag}"], parts[f"surname letters {tag}"]
                where = "prefilter"
            else:
                cg = [e.name_tokens[idx] for e in stored]
                cs = [e.name_tokens[idx + n_tok] for e in stored]
                where = "stored encoding"
            fg, bg = keyed_public(pg, kg)
            fs, bs = keyed_public(ps, ks_)
            gg = [x[0] if x else None for x in align_keyed(groups, fg, bg, cg)]
            gs = [x[1] if x else None for x in align_keyed(groups, fs, bs, cs)]
            salt = "year and month/day" if tag == "d" else "cohort"
            row(f"3{tag}. alignment of the {kind} tokens under the {tag} anchor ({where}) "
                f"per {salt}", gg, gs)  # fmt: skip
    bsn = align(by_year, pairs_pub, parts["bsn prefix"])
    row("3b. alignment of the prefilter's BSN-token prefix per cohort", *split_pairs(bsn))
    return prefilter_check(stored, packed)


# --- scoring ----------------------------------------------------------------------------


def score(
    guess_g: Sequence, guess_s: Sequence, truth_g, truth_s, cohort: Sequence, rng
) -> tuple[int, int, int, int]:
    """Correct guesses, and correct guesses after shuffling them within each cohort."""
    hit_g = sum(g == t for g, t in zip(guess_g, truth_g, strict=True))
    hit_s = sum(s == t for s, t in zip(guess_s, truth_s, strict=True))
    by: dict = collections.defaultdict(list)
    for i, c in enumerate(cohort):
        by[c].append(i)
    ctl_g = ctl_s = 0
    for idx in by.values():
        for guesses, truth in ((guess_g, truth_g), (guess_s, truth_s)):
            shuffled = [guesses[i] for i in idx]
            rng.shuffle(shuffled)
            hits = sum(g == truth[i] for g, i in zip(shuffled, idx, strict=True))
            if truth is truth_g:
                ctl_g += hits
            else:
                ctl_s += hits
    return hit_g, hit_s, ctl_g, ctl_s


def split_pairs(guess: Iterable) -> tuple[list, list]:
    gg, gs = [], []
    for x in guess:
        gg.append(x[0] if x else None)
        gs.append(x[1] if x else None)
    return gg, gs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--families", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--min-group", type=int, default=20, help="smallest group mined")
    ap.add_argument(
        "--stored",
        action="store_true",
        help="also attack what the index table stores per pprl-2 entry (prefilter bytes, "
        "stored keyed tokens)",
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    rng = random.Random(args.seed)
    people = hi.make_people(args.families, args.seed)
    key = PseudonymKey.from_bytes(hashlib.sha256(b"attack-key").digest())
    truth_g = [canonical_given(nz.fold(p.given_names).split()[0]) for p in people]
    truth_s = [nz.surname_core(p.surname) for p in people]
    years = [p.date_of_birth.year for p in people]
    idents = [Identity(p.given_names, p.surname, p.date_of_birth, p.sex, p.bsn) for p in people]
    enc2 = [encode2(i, key) for i in idents]
    enc1 = [encode(i, key) for i in idents]
    t_enc = time.perf_counter() - t0
    pub_g, pub_s = public_frequencies()
    pairs_pub = top_pairs(pub_g, pub_s)
    n = len(people)
    rows: list[tuple[str, str, str, tuple[int, int, int, int]]] = []

    def row(spec: str, name: str, gg: Sequence, gs: Sequence) -> None:
        rows.append((spec, "unknown", name, score(gg, gs, truth_g, truth_s, years, rng)))

    # Salt groups the attacker can see: the pprl-2 year token; pprl-1's year is not
    # readable from an entry, so it is *given* (stronger attacker).
    by_year: dict = collections.defaultdict(list)
    for i, y in enumerate(years):
        by_year[y].append(i)
    # pprl-2 records with the same year and month/day tokens: the d-anchor's salt group.
    by_ymd: dict = collections.defaultdict(list)
    for i, e in enumerate(enc2):
        by_ymd[(e.date_tokens[0], frozenset(e.date_tokens[1:3]))].append(i)

    # --- pprl-1
    gf = align(by_year, pairs_pub, [e.bloom for e in enc1])
    row("zicht-pprl-1", "1. whole-filter frequency alignment per cohort", *split_pairs(gf))
    pm1 = pattern_mining(by_year, [e.bloom for e in enc1], 512, 6, (pub_g, pub_s), True, 2)
    row(
        "zicht-pprl-1",
        "2. pattern mining on the filters per cohort",
        [pm1[0].get(i) for i in range(n)],
        [pm1[1].get(i) for i in range(n)],
    )

    # --- pprl-2 (anchored fields)
    # Name blocks: block tokens whose holders share no month/day token (date blocks'
    # holders all do). A record's class is its most shared name block.
    holders: dict = collections.defaultdict(list)
    for i, e in enumerate(enc2):
        for t in e.block_tokens:
            holders[t].append(i)
    date_block = {
        t
        for t, idx in holders.items()
        if len(idx) > 1 and set.intersection(*(set(enc2[i].date_tokens[1:3]) for i in idx))
    }
    name_block = [
        max(
            (t for t in e.block_tokens if t not in date_block and len(holders[t]) > 1),
            key=lambda t: (len(holders[t]), t),
            default=f"own{i}",
        )
        for i, e in enumerate(enc2)
    ]
    gb = align(by_year, pairs_pub, name_block)
    row("zicht-pprl-2", "1a. alignment of shared name-block tokens per cohort", *split_pairs(gb))
    gn = align(by_year, pairs_pub, [e.given[0] for e in enc2])
    row("zicht-pprl-2", "1b. alignment of equal surname-anchored given-name filters per cohort",
        *split_pairs(gn))  # fmt: skip
    gd = align(by_ymd, pub_g, [e.given[2] for e in enc2])
    sd = align(by_ymd, pub_s, [e.surname[2] for e in enc2])
    row("zicht-pprl-2", "1c. alignment of date-anchored field filters per year and month/day",
        gd, sd)  # fmt: skip
    # The name + month blocks, identified for the attacker (it would have to tell them
    # from the date blocks), aligned within each year-month group.
    by_ym: dict = collections.defaultdict(list)
    for i, p in enumerate(people):
        by_ym[(years[i], p.date_of_birth.month)].append(i)
    ks = _keys(key)

    def part_block(tag: str, i: int, word: str, other: str) -> str:
        m = people[i].date_of_birth.month
        return ks.token(ks.block, f"{tag}m|{years[i]}|{nz.phonetic(word)}|{other[0]}|{m:02d}")

    gm = align(by_ym, pub_g, [part_block("g", i, truth_g[i], truth_s[i]) for i in range(n)])
    sm = align(by_ym, pub_s, [part_block("s", i, truth_s[i], truth_g[i]) for i in range(n)])
    row("zicht-pprl-2", "1d. alignment of name + month block tokens per year and month", gm, sm)
    # Pattern mining per anchor, with the *true* salt groups given to the attacker.
    for a_idx, tag in enumerate(ANCHORS):
        groups_g: dict = collections.defaultdict(list)
        groups_s: dict = collections.defaultdict(list)
        for i, p in enumerate(people):
            lo, hi_ = sorted((p.date_of_birth.month, p.date_of_birth.day))
            anchor_g = {"n": truth_s[i], "p": nz.phonetic(truth_s[i]), "d": (lo, hi_)}[tag]
            anchor_s = {"n": truth_g[i], "p": nz.phonetic(truth_g[i]), "d": (lo, hi_)}[tag]
            groups_g[(years[i], anchor_g)].append(i)
            groups_s[(years[i], anchor_s)].append(i)
        (mg,) = pattern_mining(
            groups_g, [e.given[a_idx] for e in enc2], 256, 4, (pub_g,), False, args.min_group
        )
        (ms,) = pattern_mining(
            groups_s, [e.surname[a_idx] for e in enc2], 256, 4, (pub_s,), False, args.min_group
        )
        largest = max(len(m) for m in groups_g.values())
        row(
            "zicht-pprl-2",
            f"2{tag}. pattern mining on the {tag}-anchored field filters, true salt groups "
            f"given (largest {largest})",
            [mg.get(i) for i in range(n)],
            [ms.get(i) for i in range(n)],
        )

    # --- reference: what anchoring removes. Field filters salted with the birth year
    # only (zicht-pprl-2 before anchoring, and any per-field Bloom filter scheme).
    plain_g = [ks.field_filter(f"{y}", g) for y, g in zip(years, truth_g, strict=True)]
    plain_s = [ks.field_filter(f"{y}", x) for y, x in zip(years, truth_s, strict=True)]
    row("reference", "1. equal-filter alignment, year-salted field filters",
        align(by_year, pub_g, plain_g), align(by_year, pub_s, plain_s))  # fmt: skip
    (rg,) = pattern_mining(by_year, plain_g, 256, 4, (pub_g,), False, 2)
    (rs,) = pattern_mining(by_year, plain_s, 256, 4, (pub_s,), False, 2)
    row("reference", "2. pattern mining, year-salted field filters",
        [rg.get(i) for i in range(n)], [rs.get(i) for i in range(n)])  # fmt: skip

    checks: list[str] = []
    if args.stored:
        stored, packed = stored_entries(enc2)

        def srow(name: str, gg: Sequence, gs: Sequence) -> None:
            rows.append(
                ("stored pprl-2", "unknown", name, score(gg, gs, truth_g, truth_s, years, rng))
            )

        checks = stored_rows(srow, stored, packed, pairs_pub, pub_g, pub_s)
        enc2 = stored  # the key-known attack below then reads the stored entries

    # --- key known: dictionary attack on the pprl-2 sorted-letter tokens of the
    # d-anchor (the attacker reads year and month/day from the date tokens first).
    kg_hits = ks_hits = 0
    for members in by_ymd.values():
        p = people[members[0]]
        y, (lo, hi_) = p.date_of_birth.year, sorted((p.date_of_birth.month, p.date_of_birth.day))
        salt = f"{y}|d|{lo:02d}{hi_:02d}"
        dg = {ks.token(ks.name, f"{salt}|a|{''.join(sorted(g))}"): g for g in pub_g}
        ds = {ks.token(ks.name, f"{salt}|a|{''.join(sorted(s))}"): s for s in pub_s}
        for i in members:
            kg_hits += dg.get(enc2[i].name_tokens[5]) == truth_g[i]
            ks_hits += ds.get(enc2[i].name_tokens[11]) == truth_s[i]
    rows.append(("zicht-pprl-2", "known", "dictionary attack with the public name list",
                 (kg_hits, ks_hits, 0, 0)))  # fmt: skip

    print(
        f"{n} records (one per child, {args.families} families, seed {args.seed}), "
        f"{len(by_year)} birth-year cohorts; encoding {t_enc:.0f}s, total "
        f"{time.perf_counter() - t0:.0f}s\n"
    )
    print(
        "| spec | key | attack | given name recovered | control | excess "
        "| surname recovered | control | excess |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    pct: Callable[[int], str] = lambda x: f"{x / n:.1%}"  # noqa: E731
    for spec, k, name, (g, s, cg, cs) in rows:
        ctl = k == "unknown"
        print(
            f"| {spec} | {k} | {name} | {pct(g)} ({g}) | {pct(cg) if ctl else '–'} | "
            f"{pct(g - cg) if ctl else '–'} | {pct(s)} ({s}) | {pct(cs) if ctl else '–'} | "
            f"{pct(s - cs) if ctl else '–'} |"
        )
    if checks:
        print("\nPrefilter parts (distinct values; a copy of the stored encoding's bytes?):")
        for line in checks:
            print(f"- {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
