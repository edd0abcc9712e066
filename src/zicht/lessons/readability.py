"""Readability of lesson texts: the Flesch–Douma reading ease for Dutch and Flesch's
Reading Ease for English.

Douma (1960) adapted Flesch's reading-ease formula to Dutch::

    R = 206.84 - 0.77 * (100 * S / W) - 0.93 * (W / Z)

with ``W`` words, ``S`` syllables and ``Z`` sentences; ``100 * S / W`` is the number of
syllables per hundred words, so equivalently ``R = 206.84 - 77 * S/W - 0.93 * W/Z``.
Higher is easier: 60–70 is "fairly easy", 70–80 "easy" and above 80 "very easy"
(the scale Flesch used, which Douma kept). Plain texts at language level B1 usually
score 60 or more; texts for young people with a mild intellectual disability (LVB)
should score higher.

Flesch (1948) for English::

    RE = 206.835 - 1.015 * (W / Z) - 84.6 * (S / W)

on the same scale (60–70 plain English, 70–80 fairly easy, above 80 easy; texts for
12-year-olds are usually aimed at 70 or more). English syllables (``syllables_en``) are
vowel groups (a, e, i, o, u, y) less a silent final "e" ("make" one, "little" two,
"the" one); the same approximation as for Dutch.

Dutch syllables are counted by hand as groups of vowels (a, e, i, o, u, y, and "ij" as one
vowel), so "bankpas" has two and "vriendin" two; a vowel with a diaeresis (ë, ï, ü)
starts a new syllable ("ideeën" has three). This is the usual approximation; it can
be off by one on some words but not on the average of a lesson.

References
----------
Douma, W.H. (1960). *De leesbaarheid van landbouwbladen: een onderzoek naar en een
toepassing van leesbaarheidsformules.* Bulletin nr. 17, Afdeling Sociologie en
Sociografie van de Landbouwhogeschool Wageningen.
Flesch, R. (1948). A new readability yardstick. *Journal of Applied Psychology* 32(3),
221–233.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…]+(?:\s|$)|\n+")
_VOWELS = set("aeiouy")
_DIAERESIS = set("ëïüöä")


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words if self.words else 0.0

    @property
    def flesch_douma(self) -> float:
        """``206.84 - 77 * S/W - 0.93 * W/Z``; 100 for an empty text."""
        if not self.words:
            return 100.0
        return 206.84 - 77 * self.syllables_per_word - 0.93 * self.words_per_sentence

    @property
    def flesch_reading_ease(self) -> float:
        """``206.835 - 1.015 * W/Z - 84.6 * S/W`` (English; measure with ``language="en"``
        so that syllables are counted the English way); 100 for an empty text."""
        if not self.words:
            return 100.0
        return 206.835 - 1.015 * self.words_per_sentence - 84.6 * self.syllables_per_word


def syllables(word: str) -> int:
    """Vowel groups in a Dutch word ("ij" counts as a vowel; ë, ï, ü start a new one)."""
    word = word.lower().replace("ij", "y")
    count = 0
    previous_vowel = False
    for char in word:
        if char in _DIAERESIS:
            count += 1
            previous_vowel = True
            continue
        base = unicodedata.normalize("NFD", char)[0]
        is_vowel = base in _VOWELS
        if is_vowel and not previous_vowel:
            count += 1
        previous_vowel = is_vowel
    return max(count, 1)


def syllables_en(word: str) -> int:
    """Vowel groups in an English word, less a silent final "e" (not in "-le" after a
    consonant, as in "little", nor when it is the only vowel, as in "the")."""
    word = unicodedata.normalize("NFD", word.lower())
    word = "".join(c for c in word if c.isalpha() and c.isascii())
    count = 0
    previous_vowel = False
    for char in word:
        is_vowel = char in _VOWELS
        if is_vowel and not previous_vowel:
            count += 1
        previous_vowel = is_vowel
    if (
        count > 1
        and word.endswith("e")
        and not word.endswith(("ee", "ye"))
        and not (word.endswith("le") and len(word) > 2 and word[-3] not in _VOWELS)
        and word[-2] not in _VOWELS
    ):
        count -= 1
    return max(count, 1)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def split_sentences(text: str) -> list[str]:
    """Sentences end with . ! ? … or a line break; text without an end is one sentence."""
    return [p for p in _SENTENCE_END.split(text) if words(p)]


def sentences(text: str) -> int:
    return len(split_sentences(text))


def measure(texts: list[str] | str, *, language: str = "nl") -> Readability:
    """Count words, sentences and syllables over one text or several (each its own
    sentences); ``language`` ("nl" or "en") chooses how syllables are counted."""
    if isinstance(texts, str):
        texts = [texts]
    count_syllables = {"nl": syllables, "en": syllables_en}[language]
    n_words = n_sentences = n_syllables = 0
    for text in texts:
        found = words(text)
        n_words += len(found)
        n_syllables += sum(count_syllables(w) for w in found)
        n_sentences += sentences(text)
    return Readability(words=n_words, sentences=n_sentences, syllables=n_syllables)
