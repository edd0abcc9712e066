"""Synthetic noisy Dutch identities for calibrating and testing linkage quality.

Used by tests/linkage and benchmarks/linkage.py only; it is not imported by the encoder.
Names come from Faker's nl_NL lists plus hand-written lists of common names of
Moroccan, Turkish, Surinamese (Hindustani and Creole) and Antillean origin. Duplicates
of an entity get realistic noise: typos, swapped given name/surname, missing BSN,
alternate spellings, day/month swaps, dropped or merged particles, dropped diacritics,
extra or missing middle names and (rarely) a wrong birth day or a birth year off by one.
"""

from __future__ import annotations

import datetime as _dt
import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from faker.providers.person.nl_NL import Provider

from zicht.pprl.encoding import Identity, encode
from zicht.pprl.normalise import _VARIANT_GROUPS, fold

MOROCCAN_GIVEN_M = (
    "Mohammed Mohamed Youssef Mustafa Ahmed Said Rachid Karim Bilal Soufiane Ayoub Hamza "
    "Ilyas Yassine Anouar Redouan Zakaria Khalid Ismail Ibrahim Othman Jamal Abdelkader "
    "Nordin Mourad Driss Adil Tarik Hicham Nabil Omar Imad Younes Mehdi Amine Marouane"
).split()
MOROCCAN_GIVEN_F = (
    "Fatima Aisha Khadija Naima Samira Meryem Yusra Nora Salma Imane Hajar Houda Nour "
    "Loubna Siham Malika Zineb Soumaya Ikram Hanane Latifa Najat Rajae Wafae Sanae"
).split()
MOROCCAN_SURNAMES = (
    "El Amrani;El Idrissi;El Khattabi;Bouzid;Benali;Ait Taleb;Ouali;Aboutaleb;Ziani;"
    "El Ouahabi;Boukhari;Chaouch;Azzouz;Amrani;Tahiri;El Haddouchi;Bakkali;El Hamdaoui;"
    "Ben Hammou;Achahbar;Bouchtaoui;El Moussaoui;Marzouki;Rahmouni;Abarkan;Ait Hamou;"
    "El Bouazzaoui;Chaara;Boulahrouz;Mokhtari;Haddou;Belhaj;El Yaakoubi;Ouchan;Bouazza"
).split(";")
TURKISH_GIVEN_M = (
    "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Emre Burak Murat Yusuf Ömer Osman "
    "Kerem Serkan Ercan Tolga Yunus Enes Furkan Batuhan Onur Cem Hakan Erdem"
).split()
TURKISH_GIVEN_F = (
    "Elif Zeynep Ayşe Fatma Emine Hatice Merve Büşra Esra Özlem Derya Sibel Gül Hülya "
    "Tuğba Kübra Selin Ebru Yasemin Dilek Şeyma Sevgi Songül Melek Nurcan"
).split()
TURKISH_SURNAMES = (
    "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan "
    "Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Korkmaz Güneş Erdoğan Akgül "
    "Bulut Türkmen Keskin Ünal Acar Güler Tekin Avcı Uçar Sönmez"
).split()
SURINAMESE_GIVEN_M = (
    "Rajesh Anil Ravi Dinesh Romano Clarence Errol Ruben Jermaine Quincy Ryan Sunil "
    "Navin Vikash Ricardo Stanley Marciano Dwight Virgil Humberto Kenneth Raoul"
).split()
SURINAMESE_GIVEN_F = (
    "Sharda Priya Sunita Kavita Shanti Shanice Naomi Kimberley Tamara Anjali Reshma "
    "Nirmala Sandhya Jennifer Chantal Gracia Denise Marisca Shirley Rosita"
).split()
SURINAMESE_SURNAMES = (
    "Ramdin;Sewdien;Jagessar;Ramsaroep;Mahabier;Bhagwandin;Ramkhelawan;Soekhoe;"
    "Baldewsingh;Kalloe;Pinas;Brunings;Kross;Wijngaarde;Vanenburg;Sabajo;Tjon A Fong;"
    "Linger;Emanuelson;Cairo;Biharie;Ramautar;Gobardhan;Jadnanansing;Ameerali;Kanhai;"
    "Sitaldin;Doekhie;Nahar;Karsters;Eersel;Tjin;Sumter;Graanoogst;Wong Loi Sing"
).split(";")
ANTILLEAN_GIVEN_M = (
    "Jurick Shurendy Rudsel Giovanni Kenrick Shaquille Quincy Darryl Jeandro Churandy "
    "Rigino Jair Sheldry Urvin Gregory Edsel Jeffrey Roderick Gino Curtley"
).split()
ANTILLEAN_GIVEN_F = (
    "Jeanaury Jesserely Sharina Rosalyn Sheryl Jaëlla Shuleika Giselle Naomy Rubiënne "
    "Sherida Jurlaine Angelique Zuleika Chanella"
).split()
ANTILLEAN_SURNAMES = (
    "Martina Isenia Pieternella Rosalia Koeiman Girigorie Statia Janga Maduro Cijntje "
    "Doran Croes Thodé Winklaar Leito Everts Bernabela Sambo Rosaria Felida Martis "
    "Anthony Lourens Josepa Daal Tromp Wawoe Clemencia Provence Kelly"
).split()
DUTCH_PARTICLES = ("van", "de", "van der", "van den", "van de", "van 't", "ter", "den", "te")

ORIGINS = (  # (name, weight)
    ("dutch", 0.62),
    ("moroccan", 0.13),
    ("turkish", 0.10),
    ("surinamese", 0.09),
    ("antillean", 0.06),
)

#: Generic spelling-variation rules (not the encoder's transliteration table).
_SPELLING_RULES = (
    ("oe", "u"),
    ("u", "oe"),
    ("ou", "u"),
    ("ij", "y"),
    ("y", "ij"),
    ("ss", "s"),
    ("s", "ss"),
    ("ie", "i"),
    ("ee", "e"),
    ("e", "ee"),
    ("c", "k"),
    ("k", "c"),
    ("ph", "f"),
    ("dt", "t"),
    ("mm", "m"),
    ("m", "mm"),
    ("dd", "d"),
    ("ch", "sh"),
    ("sh", "sj"),
    ("ou", "oe"),
    ("a", "aa"),
    ("aa", "a"),
    ("i", "ie"),
)


@dataclass(frozen=True)
class SyntheticRecord:
    record_id: str
    entity_id: int
    identity: Identity


def make_bsn(number: int) -> str:
    """A 9-digit number passing the eleven-test, unique per ``number`` (0 <= number <
    90,000,000), or "" when no check digit exists for it (1 in 11). Real BSNs are unique
    per person, so the generator must not reuse them."""
    first8 = f"{(number * 7919) % 90_000_000 + 10_000_000:08d}"
    check = sum(int(d) * (9 - i) for i, d in enumerate(first8)) % 11
    return first8 + str(check) if check < 10 else ""


class NameSource:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.dutch_m = list(Provider.first_names_male)
        self.dutch_f = list(Provider.first_names_female)
        self.dutch_s = [s for s in Provider.last_names if "," not in s and len(s.split()) <= 2]

    def person(self) -> tuple[str, str, str]:
        rng = self.rng
        origin = rng.choices([o for o, _ in ORIGINS], weights=[w for _, w in ORIGINS])[0]
        sex = rng.choice("MF")
        pools = {
            "dutch": (self.dutch_m, self.dutch_f, self.dutch_s),
            "moroccan": (MOROCCAN_GIVEN_M, MOROCCAN_GIVEN_F, MOROCCAN_SURNAMES),
            "turkish": (TURKISH_GIVEN_M, TURKISH_GIVEN_F, TURKISH_SURNAMES),
            "surinamese": (SURINAMESE_GIVEN_M, SURINAMESE_GIVEN_F, SURINAMESE_SURNAMES),
            "antillean": (ANTILLEAN_GIVEN_M, ANTILLEAN_GIVEN_F, ANTILLEAN_SURNAMES),
        }[origin]
        first_pool = pools[0] if sex == "M" else pools[1]
        given = rng.choice(first_pool)
        if rng.random() < 0.35:
            given += " " + rng.choice(first_pool)
        surname = rng.choice(pools[2])
        if origin == "dutch" and rng.random() < 0.25:
            surname = rng.choice(DUTCH_PARTICLES) + " " + surname
        return given, surname, sex


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 3:
        return s + rng.choice("aeinrst")
    i = rng.randrange(1, len(s))
    op = rng.randrange(4)
    letters = "abcdefghijklmnoprstuvwz"
    if op == 0:
        return s[:i] + rng.choice(letters) + s[i + 1 :]
    if op == 1:
        return s[:i] + rng.choice(letters) + s[i:]
    if op == 2:
        return s[:i] + s[i + 1 :]
    if i < len(s) - 1:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s[:-1]


_VARIANT_OF: dict[str, list[str]] = {}
for _canon, _vars in _VARIANT_GROUPS.items():
    _all = [_canon, *_vars]
    for _v in _all:
        _VARIANT_OF[_v] = [x for x in _all if x != _v]


def _respell(rng: random.Random, s: str) -> str:
    words = s.split()
    idx = rng.randrange(len(words))
    w = words[idx]
    low = w.lower()
    if low in _VARIANT_OF and rng.random() < 0.5:
        new = rng.choice(_VARIANT_OF[low]).capitalize()
    else:
        rules = [r for r in _SPELLING_RULES if r[0] in low[1:]]
        if not rules:
            return _typo(rng, s)
        src, dst = rng.choice(rules)
        pos = [i for i in range(1, len(low)) if low.startswith(src, i)]
        i = rng.choice(pos)
        new = w[:i] + dst + w[i + len(src) :]
    words[idx] = new
    return " ".join(words)


def _strip_accents(s: str) -> str:
    s = s.replace("ı", "i").replace("İ", "I")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _drop_particle(rng: random.Random, surname: str) -> str:
    parts = surname.split()
    lowered = [p.lower() for p in parts]
    particles = {"van", "de", "der", "den", "'t", "ter", "te", "el", "ben", "ait"}
    if len(parts) > 1 and lowered[0] in particles:
        core = [p for p, lp in zip(parts, lowered, strict=True) if lp not in particles]
        if rng.random() < 0.6 and core:
            return " ".join(core)
        return "".join(parts).capitalize()  # merged: 'El Amrani' -> 'Elamrani'
    return surname


@dataclass
class _Draft:
    """The name and birth date of a copy while errors are being made in it."""

    given: str
    surname: str
    dob: _dt.date | None
    swap: bool = False  # swap given name and surname once the other errors are made


def _either_name(change):
    """An error that hits the given name or the surname, one chance in two."""

    def apply(rng: random.Random, d: _Draft) -> None:
        if rng.random() < 0.5:
            d.given = change(rng, d.given)
        else:
            d.surname = change(rng, d.surname)

    return apply


def _mark_swap(rng: random.Random, d: _Draft) -> None:
    d.swap = True


def _swap_day_month(rng: random.Random, d: _Draft) -> None:
    """Day and month read the other way round, where that is still a date (and a change)."""
    if d.dob is not None and d.dob.day <= 12 and d.dob.day != d.dob.month:
        d.dob = _dt.date(d.dob.year, d.dob.day, d.dob.month)


def _particle(rng: random.Random, d: _Draft) -> None:
    d.surname = _drop_particle(rng, d.surname)


def _accents(rng: random.Random, d: _Draft) -> None:
    d.given, d.surname = _strip_accents(d.given), _strip_accents(d.surname)


def _middle_name(rng: random.Random, d: _Draft) -> None:
    """A middle name dropped, or one added where there was none."""
    parts = d.given.split()
    d.given = parts[0] if len(parts) > 1 else d.given + " " + rng.choice(["Maria", "Ali", "Jan"])


def _upper(rng: random.Random, d: _Draft) -> None:
    d.surname = d.surname.upper()


# The kinds of error a copy can get (drawn in this order), and how each is made.
_ERRORS = {
    "typo": _either_name(_typo),
    "swap": _mark_swap,
    "respell": _either_name(_respell),
    "dm": _swap_day_month,
    "particle": _particle,
    "accents": _accents,
    "middle": _middle_name,
    "typo2": _either_name(_typo),
    "upper": _upper,
}


def _date_errors(
    rng: random.Random, dob: _dt.date | None, day_error_rate: float, year_error_rate: float
) -> _dt.date | None:
    """Rarely a wrong birth day (kept within 1-28) or a birth year off by one."""
    if dob is not None and rng.random() < day_error_rate:
        day = dob.day + rng.choice((-10, -1, 1, 10))
        if 1 <= day <= 28:
            dob = dob.replace(day=day)
    if dob is not None and rng.random() < year_error_rate:
        try:
            dob = dob.replace(year=dob.year + rng.choice((-1, 1)))
        except ValueError:  # 29 February
            dob = dob.replace(year=dob.year + 1, day=28)
    return dob


def noisy_copy(
    rng: random.Random,
    ident: Identity,
    year_error_rate: float = 0.03,
    day_error_rate: float = 0.03,
) -> Identity:
    """A second registration of the same person with 1-3 realistic errors."""
    bsn = ident.bsn
    if bsn and rng.random() < 0.6:
        bsn = ""  # missing BSN in the other registration
    n_ops = rng.choices([1, 2, 3], weights=[0.5, 0.35, 0.15])[0]
    draft = _Draft(ident.given_names, ident.surname, ident.date_of_birth)
    for op in rng.sample(list(_ERRORS), n_ops):
        _ERRORS[op](rng, draft)
    given, surname = draft.given, draft.surname
    if draft.swap:
        given, surname = surname, given
    dob = _date_errors(rng, draft.dob, day_error_rate, year_error_rate)
    return Identity(given, surname, dob, ident.sex, bsn, ident.municipality)


def make_population(
    n_entities: int,
    *,
    dup_rate: float = 0.3,
    seed: int = 0,
    first_year: int = 2003,
    last_year: int = 2014,
    bsn_rate: float = 0.7,
    entity_offset: int = 0,
) -> list[SyntheticRecord]:
    """``n_entities`` people; a fraction ``dup_rate`` gets 1 (or, one in five, 2) extra
    noisy registrations. Record ids are 'r<number>', shuffled. Entity ids (and thus BSNs)
    start at ``entity_offset``, so populations made with disjoint offsets never share a
    person or a BSN."""
    rng = random.Random(seed)
    names = NameSource(rng)
    start = _dt.date(first_year, 1, 1).toordinal()
    end = _dt.date(last_year, 12, 31).toordinal()
    out: list[tuple[int, Identity]] = []
    for ent in range(entity_offset, entity_offset + n_entities):
        given, surname, sex = names.person()
        dob = _dt.date.fromordinal(rng.randint(start, end))
        bsn = make_bsn(ent) if rng.random() < bsn_rate else ""
        base = Identity(given, surname, dob, sex, bsn, "")
        out.append((ent, base))
        if rng.random() < dup_rate:
            for _ in range(2 if rng.random() < 0.2 else 1):
                out.append((ent, noisy_copy(rng, base)))
    rng.shuffle(out)
    return [SyntheticRecord(f"r{i}", ent, ident) for i, (ent, ident) in enumerate(out)]


def true_pairs(records: Iterable[SyntheticRecord]) -> set[tuple[str, str]]:
    by_entity: dict[int, list[str]] = {}
    for r in records:
        by_entity.setdefault(r.entity_id, []).append(r.record_id)
    pairs: set[tuple[str, str]] = set()
    for ids in by_entity.values():
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                pairs.add(canonical_pair(ids[i], ids[j]))
    return pairs


def canonical_pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def precision_recall_f1(
    predicted: set[tuple[str, str]], truth: set[tuple[str, str]]
) -> tuple[float, float, float]:
    tp = len(predicted & truth)
    p = tp / len(predicted) if predicted else 1.0
    r = tp / len(truth) if truth else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


# --- evaluation helpers (used by tests and benchmarks) -------------------------------


def encode_records(records: Iterable[SyntheticRecord], key) -> list[tuple[str, object]]:
    return [(r.record_id, encode(r.identity, key)) for r in records]


def _probe_arrays(encs: list, code_of: dict[str, int]):
    """The year-tolerance probes of every record that share a block with some record:
    (bloom matrix, block codes per probe, index of the record each probe belongs to)."""
    from zicht.pprl import fuzzy  # noqa: PLC0415 - numba kernels, only when scoring

    rows = [
        (i, p.bloom, [code_of[t] for t in p.block_tokens if t in code_of])
        for i, e in enumerate(encs)
        for p in e.probes
    ]
    rows = [r for r in rows if r[2]]
    probe = fuzzy.blooms_to_matrix(b for _, b, _ in rows)
    return probe, [c for _, _, c in rows], np.asarray([i for i, _, _ in rows], np.int64)


def _exact_pairs(encoded: list[tuple[str, object]]) -> set[tuple[str, str]]:
    """Every pair of records that share an exact token (such as the BSN)."""
    by_token: dict[str, list[str]] = {}
    for rid, e in encoded:
        for t in e.exact_tokens:
            by_token.setdefault(t, []).append(rid)
    return {
        canonical_pair(a, b) for members in by_token.values() for a, b in combinations(members, 2)
    }


def pprl_scores(
    encoded: list[tuple[str, object]], floor: float = 0.70, year_tolerance: bool = True
) -> tuple[dict[tuple[str, str], float], set[tuple[str, str]], int]:
    """Blocked Dice scores >= floor and the exact-token pairs of encoded records.

    Returns (scores, exact_pairs, comparisons)."""
    from zicht.pprl import fuzzy  # noqa: PLC0415 - numba kernels, only when scoring
    from zicht.pprl.bulk import link_arrays  # noqa: PLC0415 - numba kernels, only when scoring

    ids = [rid for rid, _ in encoded]
    encs = [e for _, e in encoded]
    code_of: dict[str, int] = {}
    main_blocks = [[code_of.setdefault(t, len(code_of)) for t in e.block_tokens] for e in encs]
    main = fuzzy.blooms_to_matrix(e.bloom for e in encs)
    probe = probe_blocks = owner = None
    if year_tolerance:
        probe, probe_blocks, owner = _probe_arrays(encs, code_of)
    fp = link_arrays(
        main,
        main_blocks,
        len(code_of),
        probe=probe,
        probe_blocks=probe_blocks,
        probe_owner=owner,
        threshold=floor,
    )
    scores = {
        canonical_pair(ids[a], ids[b]): s
        for a, b, s in zip(fp.a.tolist(), fp.b.tolist(), fp.score.tolist(), strict=True)
    }
    return scores, _exact_pairs(encoded), fp.comparisons


def plaintext_blocks(ident: Identity, year_offset: int = 0) -> list[tuple[int, int]]:
    dob = ident.date_of_birth
    months = {dob.month, dob.day} if dob.day <= 12 else {dob.month}
    return [(dob.year + year_offset, m) for m in sorted(months)]


def baseline_scores(
    records: list[SyntheticRecord],
    floor: float = 0.70,
    year_tolerance: bool = True,
    swap_aware: bool = True,
    same_day_month: bool = False,
) -> tuple[dict[tuple[str, str], float], set[tuple[str, str]]]:
    """Plaintext baseline: rapidfuzz Jaro–Winkler similarity of the lower-cased,
    accent-stripped full name 'given_names surname', on the same candidate pairs as the
    encoded linkage (same year-month blocks with day/month swaps; a birth year ±1 with
    the same day and month), plus exact BSN
    agreement. With ``swap_aware`` the score is the maximum over the straight and the
    swapped ('surname given_names') order of the second record. Needs rapidfuzz (dev
    dependency). With ``same_day_month`` a pair also needs the same birth day and month
    (in either order)."""
    from rapidfuzz import process  # noqa: PLC0415 - rapidfuzz is a dev dependency (baseline only)
    from rapidfuzz.distance import JaroWinkler  # noqa: PLC0415 - rapidfuzz is a dev dependency (baseline only)

    names = [fold(f"{r.identity.given_names} {r.identity.surname}") for r in records]
    swapped = [fold(f"{r.identity.surname} {r.identity.given_names}") for r in records]
    dm = [
        tuple(sorted((r.identity.date_of_birth.month, r.identity.date_of_birth.day)))
        for r in records
    ]
    blocks: dict[tuple[int, int], list[int]] = {}
    for i, r in enumerate(records):
        for b in plaintext_blocks(r.identity):
            blocks.setdefault(b, []).append(i)
    scores: dict[tuple[str, str], float] = {}

    def add(rows: list[int], cols: list[int], same: bool) -> None:
        m = process.cdist(
            [names[i] for i in rows],
            [names[j] for j in cols],
            scorer=JaroWinkler.normalized_similarity,
            score_cutoff=floor,
            dtype=np.float32,
            workers=2,
        )
        if swap_aware:
            m2 = process.cdist(
                [names[i] for i in rows],
                [swapped[j] for j in cols],
                scorer=JaroWinkler.normalized_similarity,
                score_cutoff=floor,
                dtype=np.float32,
                workers=2,
            )
            m = np.maximum(m, m2)
        xs, ys = np.nonzero(m >= floor)
        for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
            a, b = rows[x], cols[y]
            if a == b or (same and a > b):
                continue
            if same_day_month and dm[a] != dm[b]:
                continue
            pair = canonical_pair(records[a].record_id, records[b].record_id)
            s = float(m[x, y])
            if s > scores.get(pair, -1.0):
                scores[pair] = s

    for members in blocks.values():
        add(members, members, True)
    if year_tolerance:
        day_blocks: dict[tuple[int, int, int], list[int]] = {}
        for i, r in enumerate(records):
            day_blocks.setdefault((r.identity.date_of_birth.year, *dm[i]), []).append(i)
        for (y, lo, hi), members in day_blocks.items():
            nxt = day_blocks.get((y + 1, lo, hi))
            if nxt:
                add(members, nxt, False)
    bsn: dict[str, list[str]] = {}
    for r in records:
        if r.identity.bsn:
            bsn.setdefault(r.identity.bsn, []).append(r.record_id)
    exact = {
        canonical_pair(m[i], m[j])
        for m in bsn.values()
        for i in range(len(m))
        for j in range(i + 1, len(m))
    }
    return scores, exact


def sweep(
    scores: dict[tuple[str, str], float],
    exact: set[tuple[str, str]],
    truth: set[tuple[str, str]],
    thresholds: Iterable[float],
) -> list[tuple[float, float, float, float]]:
    """(threshold, precision, recall, F1) for 'exact or score >= threshold'."""
    out = []
    for t in thresholds:
        pred = set(exact)
        pred.update(p for p, s in scores.items() if s >= t)
        out.append((t, *precision_recall_f1(pred, truth)))
    return out
