"""The identity-noise model: turn a true identity into a registration as a source records it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

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


@dataclass(frozen=True)
class Identity:
    """Identity fields as a source records them (formats as the linkage encoder reads them)."""

    given_names: str
    surname: str
    date_of_birth: date
    sex: str  #: M, F or X
    bsn: str  #: nine digits, or "" when missing


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
    """One typing error: a neighbouring key, a dropped, doubled or transposed letter."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 2:
        return text
    for _ in range(10):
        i = rng.choice(letters)
        op = rng.randrange(4)
        c = text[i]
        if op == 0:
            near = _NEIGHBOURS.get(c.lower())
            if not near:
                continue
            n = rng.choice(near)
            out = text[:i] + (n.upper() if c.isupper() else n) + text[i + 1 :]
        elif op == 1:
            alone = (i == 0 or not text[i - 1].isalpha()) and (
                i + 1 == len(text) or not text[i + 1].isalpha()
            )
            if len(letters) < 3 or alone:  # never delete a one-letter word
                continue
            out = text[:i] + text[i + 1 :]
        elif op == 2:
            out = text[:i] + c.lower() + text[i:] if c.isupper() else text[:i] + c + text[i:]
        else:
            j = i + 1
            if j >= len(text) or not text[j].isalpha() or text[j] == c:
                continue
            a, b = text[j], c
            if i == 0 and c.isupper():
                a, b = a.upper(), b.lower()
            out = text[:i] + a + b + text[j + 1 :]
        if out != text and out.strip():
            return out
    return text


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


def has_variant(identity: Identity) -> bool:
    return bool(spelling_variants(identity.surname)) or any(
        spelling_variants(t) for t in identity.given_names.split(" ")
    )


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
    occur; a drawn kind that turns out to have no effect is not reported.
    """
    u = [rng.random() for _ in NOISE_KINDS]
    applied: list[str] = []
    given, surname = true.given_names, true.surname
    dob, sex, bsn = true.date_of_birth, true.sex, true.bsn

    # Order: structural changes first, then spelling, then swaps.
    if " " in given and u[4] < params.first_given_only:
        given = given.split(" ")[0]
        applied.append("first_given_only")
    particle, rest = split_particles(surname)
    if particle and u[3] < params.drop_particle:
        surname = rest
        applied.append("drop_particle")
    if u[1] < params.variant:
        g2, s2 = _variant_of(given, surname, rng)
        if (g2, s2) != (given, surname):
            given, surname = g2, s2
            applied.append("variant")
    if u[0] < params.typo:
        if rng.random() < 0.6:
            s2 = typo(surname, rng)
            if s2 != surname:
                surname = s2
                applied.append("typo")
        else:
            g2 = typo(given, rng)
            if g2 != given:
                given = g2
                applied.append("typo")
    if u[2] < params.swap_names:
        given, surname = surname, given
        applied.append("swap_names")
    if dob.day <= 12 and dob.day != dob.month and u[5] < params.dob_swap:
        dob = date(dob.year, dob.day, dob.month)
        applied.append("dob_swap")
    if u[6] < params.dob_error:
        if rng.random() < 0.5:
            dob = dob + timedelta(days=rng.choice((-1, 1)))
        else:
            dob = _shift_year(dob, rng.choice((-1, 1)))
        applied.append("dob_error")
    if sex != "X" and u[7] < params.sex_unknown:
        sex = "X"
        applied.append("sex_unknown")
    if bsn and u[8] < bsn_missing:
        bsn = ""
        applied.append("bsn_missing")
    order = {k: i for i, k in enumerate(NOISE_KINDS)}
    applied.sort(key=order.__getitem__)
    return Identity(given, surname, dob, sex, bsn), tuple(applied)
