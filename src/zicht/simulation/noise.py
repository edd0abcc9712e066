"""The identity-noise model: turn a true identity into a registration as a source records it."""

from __future__ import annotations

import random
from datetime import date, timedelta

# The identity as a source records it is the linkage encoder's input type (one type for
# the simulation, the linkage benchmarks and the encoder): given names, surname, date of
# birth, sex (M, F or X) and BSN (nine digits, or "" when missing).
from zicht.pprl.encoding import Identity

from .names import spelling_variants, split_particles
from .scenarios import NoiseParams

#: Noise kinds recorded per signal (in :attr:`SimulationResult.noise`).
NOISE_KINDS: tuple[str, ...] = (
    "typo",
    "variant",
    "swap_names",
    "drop_particle",
    "first_given_only",
    "dob_swap",
    "dob_error",
    "sex_unknown",
    "bsn_missing",
)


_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_ROWS):
    for _c, _ch in enumerate(_row):
        near = []
        for dr in (-1, 0, 1):
            rr = _r + dr
            if 0 <= rr < len(_ROWS):
                for dc in (-1, 0, 1):
                    cc = _c + dc
                    if (dr, dc) != (0, 0) and 0 <= cc < len(_ROWS[rr]):
                        near.append(_ROWS[rr][cc])
        _NEIGHBOURS[_ch] = "".join(near)


def typo(text: str, rng: random.Random) -> str:
    """One typing error: a neighbouring key, a dropped, doubled or transposed letter.

    Up to ten tries pick a letter and an operation; a try whose operation cannot apply
    there (no neighbouring key, a one-letter word, nothing to transpose with) is skipped.
    """
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 2:
        return text
    for _ in range(10):
        i = rng.choice(letters)
        op = rng.randrange(4)
        out = _TYPO_OPERATIONS[op](text, i, letters, rng)
        if out is not None and out != text and out.strip():
            return out
    return text


def _neighbouring_key(text: str, i: int, letters: list[int], rng: random.Random) -> str | None:
    c = text[i]
    near = _NEIGHBOURS.get(c.lower())
    if not near:
        return None
    n = rng.choice(near)
    return text[:i] + (n.upper() if c.isupper() else n) + text[i + 1 :]


def _dropped_letter(text: str, i: int, letters: list[int], rng: random.Random) -> str | None:
    alone = (i == 0 or not text[i - 1].isalpha()) and (
        i + 1 == len(text) or not text[i + 1].isalpha()
    )
    if len(letters) < 3 or alone:  # never delete a one-letter word
        return None
    return text[:i] + text[i + 1 :]


def _doubled_letter(text: str, i: int, letters: list[int], rng: random.Random) -> str | None:
    c = text[i]
    return text[:i] + c.lower() + text[i:] if c.isupper() else text[:i] + c + text[i:]


def _transposed_letters(text: str, i: int, letters: list[int], rng: random.Random) -> str | None:
    c, j = text[i], i + 1
    if j >= len(text) or not text[j].isalpha() or text[j] == c:
        return None
    a, b = text[j], c
    if i == 0 and c.isupper():
        a, b = a.upper(), b.lower()
    return text[:i] + a + b + text[j + 1 :]


_TYPO_OPERATIONS = (_neighbouring_key, _dropped_letter, _doubled_letter, _transposed_letters)


def _variant_of(given_names: str, surname: str, rng: random.Random) -> tuple[str, str]:
    """Replace one name part that has a known alternate spelling; unchanged if none has."""
    options: list[tuple[str, int, tuple[str, ...]]] = []
    tokens = given_names.split(" ")
    for k, tok in enumerate(tokens):
        v = spelling_variants(tok)
        if v:
            options.append(("given", k, v))
    v = spelling_variants(surname)
    if v:
        options.append(("surname", -1, v))
    if not options:
        return given_names, surname
    part, k, variants = rng.choice(options)
    choice = rng.choice(variants)
    if part == "surname":
        return given_names, choice
    tokens = list(tokens)
    tokens[k] = choice
    return " ".join(tokens), surname


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def register(
    true: Identity, params: NoiseParams, bsn_missing: float, rng: random.Random
) -> tuple[Identity, tuple[str, ...]]:
    """One noisy registration of ``true``, and the noise kinds applied (in NOISE_KINDS order).

    Every kind is drawn independently with its rate, among the registrations where it can
    occur; a drawn kind that turns out to have no effect is not reported. Names change
    first (structure, then spelling, then swaps), then the date of birth, sex and BSN.
    """
    if true.date_of_birth is None:
        raise ValueError("register: the true identity has no date of birth")
    u = dict(zip(NOISE_KINDS, (rng.random() for _ in NOISE_KINDS), strict=True))
    applied: list[str] = []
    given, surname = _noisy_names(true, params, u, rng, applied)
    dob = _noisy_date_of_birth(true.date_of_birth, params, u, rng, applied)
    sex, bsn = true.sex, true.bsn
    if sex != "X" and u["sex_unknown"] < params.sex_unknown:
        sex = "X"
        applied.append("sex_unknown")
    if bsn and u["bsn_missing"] < bsn_missing:
        bsn = ""
        applied.append("bsn_missing")
    order = {k: i for i, k in enumerate(NOISE_KINDS)}
    applied.sort(key=order.__getitem__)
    return Identity(given, surname, dob, sex, bsn), tuple(applied)


def _noisy_names(
    true: Identity,
    params: NoiseParams,
    u: dict[str, float],
    rng: random.Random,
    applied: list[str],
) -> tuple[str, str]:
    """Given names and surname after first-given-only, a dropped particle, a spelling
    variant, a typo and a swap, each drawn with its rate (``u``: the uniform draw per kind)."""
    given, surname = true.given_names, true.surname
    if " " in given and u["first_given_only"] < params.first_given_only:
        given = given.split(" ")[0]
        applied.append("first_given_only")
    particle, rest = split_particles(surname)
    if particle and u["drop_particle"] < params.drop_particle:
        surname = rest
        applied.append("drop_particle")
    if u["variant"] < params.variant:
        g2, s2 = _variant_of(given, surname, rng)
        if (g2, s2) != (given, surname):
            given, surname = g2, s2
            applied.append("variant")
    if u["typo"] < params.typo:
        given, surname = _typo_in_names(given, surname, rng, applied)
    if u["swap_names"] < params.swap_names:
        given, surname = surname, given
        applied.append("swap_names")
    return given, surname


def _typo_in_names(
    given: str, surname: str, rng: random.Random, applied: list[str]
) -> tuple[str, str]:
    """A typo in the surname (60 %) or the given names."""
    if rng.random() < 0.6:
        changed = typo(surname, rng)
        if changed != surname:
            applied.append("typo")
        return given, changed
    changed = typo(given, rng)
    if changed != given:
        applied.append("typo")
    return changed, surname


def _noisy_date_of_birth(
    dob: date, params: NoiseParams, u: dict[str, float], rng: random.Random, applied: list[str]
) -> date:
    """Day and month swapped (only when that gives another valid date), or off by a day
    or a year."""
    if dob.day <= 12 and dob.day != dob.month and u["dob_swap"] < params.dob_swap:
        dob = date(dob.year, dob.day, dob.month)
        applied.append("dob_swap")
    if u["dob_error"] < params.dob_error:
        if rng.random() < 0.5:
            dob = dob + timedelta(days=rng.choice((-1, 1)))
        else:
            dob = _shift_year(dob, rng.choice((-1, 1)))
        applied.append("dob_error")
    return dob
