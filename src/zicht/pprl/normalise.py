"""Name normalisation and the Dutch-aware phonetic code of zicht-pprl-1.

Everything here is deterministic and documented in docs/linkage.md; a partner that
re-implements the specification must produce byte-identical strings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Letters that NFKD does not decompose into ASCII.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",  # Turkish dotless i
        "ĳ": "ij",
        "Ĳ": "ij",
    }
)
_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_ALPHA = re.compile(r"[^a-z\- ]+")
_SPACES = re.compile(r"\s+")

#: Name particles (tussenvoegsels and their Arabic/Romance counterparts). They are
#: removed from surnames, wherever they occur, unless nothing else is left.
PARTICLES = frozenset(
    """
    van von vom de der den des het t s ter ten te in op aan onder over uit bij voor
    el al ul la le les du da dos das do di del della dela d y zu zum bin ben ibn abu ait
    """.split()
)

#: Transliteration / spelling variants mapped to one canonical spelling. Applied to
#: whole given-name tokens and whole surname tokens after folding.
_VARIANT_GROUPS: dict[str, list[str]] = {
    "mohammed": (
        "mohamed muhammad muhammed mohammad mohamad mohamet mohammet muhamed muhamad "
        "mouhamed mohamadou mohamud mohammod mohd"
    ).split(),
    "youssef": "yusuf yousef yousif youssouf youssuf yousuf yusef josoef joesoef jusuf yussuf"
    " yosef yussef youcef".split(),
    "mustafa": "mustapha moustafa mostafa moestafa mustafah mostapha moustapha".split(),
    "ahmed": "ahmad achmed achmad ahmet ahmat ahmid".split(),
    "abdelkader": "abdelkader abdulkadir abdelkadir abdulkader".split(),
    "abdullah": "abdallah abdellah abdoellah abdulla abdalla".split(),
    "hassan": "hasan hassane hasaan".split(),
    "hussein": "husein hussain husain hoessein hoesein huseyin husseyn hossein hocine".split(),
    "ibrahim": "ebrahim ibraheem ibrahiem brahim".split(),
    "ismail": "ismael esmail ismaiel smail".split(),
    "khalid": "khaled chalid chaled halid".split(),
    "karim": "kareem kerim karime".split(),
    "said": "saeed saied sayed saïd".split(),
    "rachid": "rashid rasid rachied rashed".split(),
    "fatima": "fatma fatimah fadma fatiema".split(),
    "aisha": "aicha aischa ayse aysa aichá ayesha aysha".split(),
    "zakaria": "zakariya zakariyya zakarya zakariae zakkaria".split(),
    "bilal": "bilaal belal".split(),
    "soufiane": "sofian sufyan soufian sofiane soefjan sufian".split(),
    "omar": "oumar umar omer".split(),
    "othman": "osman uthman otman oesman".split(),
    "jamal": "djamal gamal djamel jamel".split(),
    "nour": "noor nur noer".split(),
    "hamza": "hamsa hamzah".split(),
    "ayoub": "ayub eyup ayyub ayoube ajoeb".split(),
    "yassine": "yasin yassin yacine jassin yasine".split(),
    "ilyas": "ilias iliass elyas ilyass".split(),
    "anouar": "anwar anuar anoir".split(),
    "abdel": "abdul abdoel abdal".split(),
    "redouan": "redouane ridouan ridwan radwan redwan".split(),
    "houssain": "houssaine housain".split(),
    "mohand": "mhand".split(),
    "yusra": "yousra youssra".split(),
    "meryem": "maryam mariam meriem meryam".split(),
    "khadija": "khadidja chadija hatice".split(),
    "naima": "naïma naeema".split(),
    "samira": "sameera".split(),
    "rajesh": "radjesh".split(),
    "ramdin": "ramdien".split(),
    "sharda": "sjarda".split(),
}
TRANSLITERATIONS: dict[str, str] = {
    variant: canonical
    for canonical, variants in _VARIANT_GROUPS.items()
    for variant in (*variants, canonical)
}


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII: diacritics removed, apostrophes dropped, other punctuation
    (except hyphens) turned into spaces, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().translate(_SPECIAL)
    text = _APOSTROPHES.sub("", text)
    text = _NON_ALPHA.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def canonical_token(token: str) -> str:
    """Map a folded name token to its canonical transliteration (or itself)."""
    return TRANSLITERATIONS.get(token, token)


def surname_tokens(surname: str) -> list[str]:
    """Folded surname tokens (hyphens split words) with particles removed, canonicalised."""
    tokens = fold(surname).replace("-", " ").split()
    core = [t for t in tokens if t not in PARTICLES]
    if not core:
        core = tokens
    return [canonical_token(t) for t in core]


def surname_core(surname: str) -> str:
    """Surname without particles, spaces or hyphens: 'van der Berg-de Vries' -> 'bergvries'."""
    return "".join(surname_tokens(surname))


def given_tokens(given_names: str) -> list[str]:
    """Folded given-name tokens; a hyphen joins ('Jan-Willem' -> 'janwillem'); leading
    particles are skipped (they appear when given name and surname were swapped)."""
    tokens = fold(given_names).replace("-", "").split()
    i = 0
    while i < len(tokens) - 1 and tokens[i] in PARTICLES:
        i += 1
    return [canonical_token(t) for t in tokens[i:]]


def first_given(given_names: str) -> str:
    """First given name, canonicalised ('' if none)."""
    tokens = given_tokens(given_names)
    return tokens[0] if tokens else ""


# --- Dutch-aware phonetic code ("zicht-phon-1") -------------------------------------

_VOWELS = frozenset("aeiouy")
# Longest-match-first rewrite rules applied left to right.
_PHON_RULES: tuple[tuple[str, str], ...] = (
    ("sch", "s"),
    ("chr", "kr"),
    ("ch", "g"),
    ("kh", "g"),
    ("gh", "g"),
    ("dj", "j"),
    ("ij", "y"),
    ("ei", "y"),
    ("ey", "y"),
    ("ph", "f"),
    ("th", "t"),
    ("dt", "t"),
    ("ck", "k"),
    ("qu", "kw"),
    ("q", "k"),
    ("x", "ks"),
    ("z", "s"),
    ("v", "f"),
)


#: Step 1 as one alternation: at each position the first rule that matches wins
#: (longest first, as in :data:`_PHON_RULES`), then ``c`` before e/i/y, any other
#: ``c``, and ``y`` before a vowel; every other letter is kept. One ``re.sub`` pass
#: instead of a Python loop over positions and rules (the same code:
#: tests/pprl/test_phonetic_one_pass.py).
_PHON_ONE_PASS = re.compile(
    "|".join(src for src, _ in _PHON_RULES) + "|(c)(?=[eiy])|c|y(?=[aeiouy])"
)
_PHON_TABLE: dict[str, str] = {**dict(_PHON_RULES), "c": "k", "y": "j"}
_NOT_AZ = re.compile("[^a-z]+")
_DROP_VOWELS_H = str.maketrans("", "", "aeiouyh")
_RUNS = re.compile(r"(.)\1+")


def _phon_replace(m: re.Match[str]) -> str:
    # The only group is the soft c (before e/i/y).
    return "s" if m.lastindex else _PHON_TABLE[m.group()]


@lru_cache(maxsize=65536)
def phonetic(word: str) -> str:
    """Dutch-aware phonetic code of one folded word (letters a-z only).

    1. rewrite: sch->s, chr->kr, ch/kh/gh->g, dj->j, ij/ei/ey->y (vowel), ph->f, th->t,
       dt->t, ck->k, qu->kw, q->k, x->ks, z->s, v->f; c->s before e/i/y else k;
       y before a vowel is the consonant j;
    2. a word-final d becomes t (final devoicing);
    3. keep the first letter (any initial vowel becomes 'a'), then drop vowels and h;
    4. collapse runs of the same letter.
    """
    w = _NOT_AZ.sub("", word)
    if not w:
        return ""
    s = _PHON_ONE_PASS.sub(_phon_replace, w)
    if s.endswith("d"):
        s = s[:-1] + "t"
    first = "a" if s[0] in _VOWELS else s[0]
    return _RUNS.sub(r"\1", first + s[1:].translate(_DROP_VOWELS_H))


def bigrams(word: str) -> list[str]:
    """Padded character bigrams: 'ali' -> ['_a', 'al', 'li', 'i_']."""
    if not word:
        return []
    padded = f"_{word}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]
