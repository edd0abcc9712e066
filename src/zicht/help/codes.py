"""Case codes and passphrases for anonymous conversations.

A case code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
shown as ``ABCD-EFGH``. A passphrase is five words from a list of short, everyday
Dutch nouns (``data/words_nl.txt``, about 350 words: ~42 bits), easy to write down
and to type on a phone. Only a slow hash of the passphrase is stored (Django's
password hashers), so nobody, not even a counsellor or an administrator, can look it
up or send it again: a lost passphrase means a new conversation.
"""

from __future__ import annotations

import re
import secrets
from functools import lru_cache
from pathlib import Path

__all__ = [
    "CODE_ALPHABET",
    "new_case_code",
    "normalise_case_code",
    "new_passphrase",
    "normalise_passphrase",
    "wordlist",
]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
PASSPHRASE_WORDS = 5


@lru_cache(maxsize=1)
def wordlist() -> tuple[str, ...]:
    path = Path(__file__).resolve().parent / "data" / "words_nl.txt"
    words = tuple(
        sorted({w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip()})
    )
    assert len(words) >= 256, "the passphrase word list is too short"
    return words


def new_case_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_case_code(value: str) -> str:
    """Accept what people write down: lower case, spaces, dashes, O for 0 and I/L for 1."""
    cleaned = re.sub(r"[\s\-_.]", "", (value or "").upper())
    return cleaned.replace("0", "O").replace("1", "I")[: CODE_LENGTH + 4]


def new_passphrase() -> str:
    words = wordlist()
    return " ".join(secrets.choice(words) for _ in range(PASSPHRASE_WORDS))


def normalise_passphrase(value: str) -> str:
    """Lower case, words separated by one space, whatever was typed between them."""
    return " ".join(re.split(r"[\s,.\-_/]+", (value or "").strip().lower())).strip()
