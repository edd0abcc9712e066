"""The blind index of a professional's own signals: search by name, date of birth and BSN
without decrypting a single identity ("zicht-search-1", docs/intake.md).

Identity fields are encrypted at rest (``zicht.core.crypto``), so the database cannot
compare them. Instead every signal carries keyed tokens: ``HMAC-SHA256(K_org, kind|value)``
of its normalised name words, their one-deletion neighbourhood (SymSpell: every string with
one letter removed, so two spellings one typo apart share a token), their Dutch phonetic
code, the date of birth and the BSN. A query is tokenised the same way and looked up
through the ``(organisation, token)`` index; results are ranked by how well the tokens
agree. Plaintext is decrypted only for the page of results being shown.

Names are normalised exactly as the person index does it (``zicht.pprl.normalise``:
case, diacritics, particles such as "van der", transliterations such as Mohamed/Mohammed),
so what matches in the index can also be found in the list.

Keys. ``K_org`` is derived with HKDF from the *field-encryption* key, with its own purpose
label and the organisation's id, so tokens of one organisation say nothing about another's
and the key never leaves the server. The pseudonymisation key is deliberately not used: it
is shared with partners who encode on their own premises, and anyone holding it could
test names against these tokens. When the field-encryption key is rotated (a new key
listed first), queries are tokenised under every configured key, so search keeps working
until ``manage.py rebuild_search_tokens`` has re-tokenised every signal under the new one.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings

from zicht.pprl import normalise as nz
from zicht.pprl.keys import hkdf_sha256

__all__ = [
    "SEARCH_SPEC",
    "SearchQuery",
    "current_key_id",
    "identity_tokens",
    "query_tokens",
    "name_terms",
]

SEARCH_SPEC = "zicht-search-1"
#: Hex digits kept of a token's HMAC (128 bits).
TOKEN_HEX = 32
#: Words this long or longer get their one-deletion neighbourhood indexed ("within a typo").
MIN_FUZZY_LENGTH = 3
#: Phonetic codes shorter than this match too much to be worth a token.
MIN_PHONETIC_LENGTH = 2

# Token kinds (stored, and the weight an agreeing token gives a query term).
KIND_NAME = "name"  # the normalised word itself
KIND_PHONETIC = "phon"  # its Dutch phonetic code (zicht-phon-1)
KIND_NEAR = "near"  # the word and every one-deletion variant of it
KIND_DOB = "dob"
KIND_BSN = "bsn"
WEIGHTS = {KIND_NAME: 3, KIND_PHONETIC: 2, KIND_NEAR: 1, KIND_DOB: 3, KIND_BSN: 3}


def _configured_keys() -> list[str]:
    return [k.strip() for k in settings.FIELD_ENCRYPTION_KEY.split(",") if k.strip()]


@lru_cache(maxsize=8)
def _base_key(secret: str) -> bytes:
    return hkdf_sha256(
        secret.encode("utf-8"), info=f"{SEARCH_SPEC}/blind-index".encode(), salt=b"zicht-search"
    )


@lru_cache(maxsize=4096)
def _org_key(secret: str, organisation_id: int) -> bytes:
    return hkdf_sha256(_base_key(secret), info=f"organisation/{organisation_id}".encode())


def _key_id(secret: str) -> str:
    """Non-secret fingerprint of the key tokens are made with (16 hex digits)."""
    return hmac.digest(_base_key(secret), b"key-id", "sha256")[:8].hex()


def current_key_id() -> str:
    """The fingerprint of the key new tokens are made with (the first configured key)."""
    return _key_id(_configured_keys()[0])


def _token(key: bytes, kind: str, value: str) -> str:
    return hmac.digest(key, f"{kind}|{value}".encode(), "sha256").hex()[:TOKEN_HEX]


def _deletions(word: str) -> set[str]:
    if len(word) < MIN_FUZZY_LENGTH:
        return set()
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _word_values(word: str) -> list[tuple[str, str]]:
    """(kind, value) pairs of one normalised name word, on both the index and query side."""
    values = [(KIND_NAME, word), (KIND_NEAR, word)]
    values += [(KIND_NEAR, d) for d in sorted(_deletions(word))]
    code = nz.phonetic(word)
    if len(code) >= MIN_PHONETIC_LENGTH:
        values.append((KIND_PHONETIC, code))
    return values


def name_terms(text: str) -> list[tuple[str, ...]]:
    """The words a name query must all match, each with its alternatives.

    Particles are dropped ("van der Berg" -> berg) unless the name is nothing else; a
    particle written together with the next word is a second spelling of that word
    ("El Amrani" -> {amrani, elamrani}), so "Elamrani" and "El Amrani" find each other.
    """
    words = nz.fold(text).replace("-", " ").split()
    if all(w in nz.PARTICLES for w in words):
        return [(nz.canonical_token(w),) for w in dict.fromkeys(words)]
    terms: list[tuple[str, ...]] = []
    pending: list[str] = []
    for word in words:
        if word in nz.PARTICLES:
            pending.append(word)
            continue
        alternatives = {nz.canonical_token(word)}
        if pending:
            alternatives.add("".join(pending) + word)
        pending = []
        term = tuple(sorted(alternatives))
        if term not in terms:
            terms.append(term)
    return terms


def _index_words(*, given_names: str, surname: str, alias: str) -> set[str]:
    """Every normalised word under which a signal can be found by name."""
    words: set[str] = set()
    for text in (given_names, surname, alias):
        if not text:
            continue
        for term in name_terms(text):
            words.update(term)
    words.update(nz.given_tokens(given_names))  # "Jan-Willem" -> janwillem
    if alias:
        words.update(nz.given_tokens(alias))
    core = nz.surname_core(surname)  # "van der Berg-de Vries" -> bergvries
    full = "".join(nz.fold(surname).replace("-", " ").split())  # with particles: vanderberg
    words.update(w for w in (core, full) if w)
    return words


def identity_tokens(
    *,
    organisation_id: int,
    given_names: str,
    surname: str,
    alias: str = "",
    date_of_birth: str = "",
    bsn: str = "",
) -> list[tuple[str, str]]:
    """The (kind, token) pairs to store for one signal, under the current key.

    ``date_of_birth`` is ISO text and ``bsn`` the normalised nine digits, as stored in
    ``SignalIdentity``.
    """
    key = _org_key(_configured_keys()[0], organisation_id)
    values: set[tuple[str, str]] = set()
    for word in _index_words(given_names=given_names, surname=surname, alias=alias):
        values.update(_word_values(word))
    if date_of_birth:
        values.add((KIND_DOB, date_of_birth))
    if bsn:
        values.add((KIND_BSN, bsn))
    return sorted({(kind, _token(key, kind, value)) for kind, value in values})


@dataclass(frozen=True)
class SearchQuery:
    """What a professional searches for; any combination, all of it must agree."""

    name: str = ""
    date_of_birth: str = ""  # ISO
    bsn: str = ""  # normalised nine digits

    def __bool__(self) -> bool:
        return bool(self.name.strip() or self.date_of_birth or self.bsn)

    def __repr__(self) -> str:  # never print plaintext by accident
        return "SearchQuery(<redacted>)"


@dataclass
class QueryTokens:
    """The tokens of a query: ``lookup`` maps every token to (term number, weight); a
    signal is a result when it has a token of every term."""

    lookup: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    terms: int = 0

    def add(self, token: str, term: int, weight: int) -> None:
        self.lookup.setdefault(token, []).append((term, weight))


def query_tokens(query: SearchQuery, *, organisation_id: int) -> QueryTokens:
    """Tokenise a query under every configured key (so a key rotation in progress loses
    nothing)."""
    keys = [_org_key(secret, organisation_id) for secret in _configured_keys()]
    out = QueryTokens()
    term = 0
    for alternatives in name_terms(query.name) if query.name.strip() else []:
        values = {v for word in alternatives for v in _word_values(word)}
        for kind, value in values:
            for key in keys:
                out.add(_token(key, kind, value), term, WEIGHTS[kind])
        term += 1
    for kind, value in ((KIND_DOB, query.date_of_birth), (KIND_BSN, query.bsn)):
        if value:
            for key in keys:
                out.add(_token(key, kind, value), term, WEIGHTS[kind])
            term += 1
    out.terms = term
    return out


def rank(hits, tokens: QueryTokens) -> list:
    """Signal ids that agree on every term, best first: ``hits`` is an iterable of
    (signal id, token, recorded at). Each term counts with its best agreeing token
    (exact word 3, phonetic 2, within one typo 1); ties go to the newest signal."""
    best: dict[object, dict[int, int]] = {}
    recorded: dict[object, object] = {}
    for signal_id, token, created_at in hits:
        per_term = best.setdefault(signal_id, {})
        recorded[signal_id] = created_at
        for term, weight in tokens.lookup.get(token, ()):
            if weight > per_term.get(term, 0):
                per_term[term] = weight
    found = [
        (sum(per_term.values()), recorded[signal_id], signal_id)
        for signal_id, per_term in best.items()
        if len(per_term) == tokens.terms
    ]
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [signal_id for _score, _at, signal_id in found]
