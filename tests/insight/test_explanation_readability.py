"""The explanation of the hidden number (/inzicht/uitleg/) is checked for readability the
way check_lessons checks lessons (zicht.lessons.readability): Flesch-Douma for the Dutch
text, Flesch Reading Ease for the English one.

The threshold is 70 in both languages: between "fairly easy" (60-70, where plain texts
at language level B1 usually land) and "easy" (70-80). The readers are council members,
journalists and professionals without statistics training, reading about a statistical
method, so the text aims a step above the B1 minimum the lessons use for professionals
(60), and below what the lessons ask for pupils (75 Dutch, 80 English). No sentence may be
longer than 20 words, the average no longer than 15 (B1 guidance) and at most one word in
twenty may have four syllables or more. Words of statistics (JARGON) may appear only as a
name in the list of terms at the end, each explained there in at most two short
sentences. A formula counts words and syllables; it does not replace a human reader (the
review and its figures: docs/insight.md, "The explanation page").
"""

import re

import pytest
from django.test import Client

from zicht.lessons import readability

MINIMUM = {"nl": 70.0, "en": 70.0}
LONGEST_SENTENCE = 20
AVERAGE_SENTENCE = 15.0
LONG_WORD_SYLLABLES = 4
LONG_WORD_SHARE = 0.05
# Words a reader without statistics training does not know. Each is the start of a word,
# so inflections count too ("latente", "log-lineaire").
JARGON = {
    "en": (
        "log-linear", "posterior", "prior", "r-hat", "bic", "aic", "bayes", "latent",
        "likelihood", "heterogene", "heterogeneity", "covariate", "parameter",
        "confidence interval", "credible", "significan", "standard error", "variance",
        "decomposable", "dga", "lcmcr", "stepwise", "capture", "multiple systems",
        "model averag", "converge", "dirichlet", "mcmc", "estimator",
    ),
    "nl": (
        "log-lineai", "posterior", "prior", "r-hat", "bic", "aic", "bayes", "latent",
        "likelihood", "aannemelijkheid", "heterogen", "covaria", "parameter",
        "betrouwbaarheidsinterval", "significan", "standaardfout", "variantie",
        "decomposeerba", "dga", "lcmcr", "stapsgewijs", "vangst-hervangst",
        "multiple systems", "modelgemiddel", "convergen", "dirichlet", "mcmc", "schatter",
    ),
}  # fmt: skip


def _article(language: str) -> str:
    prefix = "" if language == "nl" else "/en"
    response = Client().get(f"{prefix}/inzicht/uitleg/")
    assert response.status_code == 200
    article = response.content.decode().split('data-testid="explanation"')[1]
    return article.split("</article>")[0]


def _texts(html: str, tags: str = "h1|h2|p|li|dt|dd") -> list[str]:
    found = re.findall(rf"<({tags})[^>]*>(.*?)</\1>", html, re.S)
    return [re.sub(r"<[^>]+>", "", text).strip() for _tag, text in found]


def _blocks(language: str) -> list[str]:
    """The page's headings, paragraphs, list items and terms as plain text, one each."""
    return _texts(_article(language))


def figures(language: str) -> dict:
    """Words per sentence, the share of long words and the reading ease of the page: the
    figures docs/insight.md records for the review."""
    texts = _blocks(language)
    measured = readability.measure(texts, language=language)
    syllables = readability.syllables if language == "nl" else readability.syllables_en
    words = [w for text in texts for w in readability.words(text)]
    long_words = [w for w in words if syllables(w) >= LONG_WORD_SYLLABLES]
    return {
        "words_per_sentence": measured.words_per_sentence,
        "long_word_share": len(long_words) / len(words),
        "long_words": long_words,
        "ease": measured.flesch_douma if language == "nl" else measured.flesch_reading_ease,
    }


def _jargon_in(text: str, language: str) -> list[str]:
    return [
        term
        for term in JARGON[language]
        if re.search(rf"(?<![\w-]){re.escape(term)}", text, re.IGNORECASE)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_explanation_reads_easily(language):
    texts = _blocks(language)
    assert len(texts) >= 10
    measured = readability.measure(texts, language=language)
    score = measured.flesch_douma if language == "nl" else measured.flesch_reading_ease
    assert score >= MINIMUM[language], f"{language}: {score:.0f} < {MINIMUM[language]:.0f}"
    for text in texts:
        for sentence in readability.split_sentences(text):
            assert len(readability.words(sentence)) <= LONGEST_SENTENCE, sentence
    found = figures(language)
    assert found["words_per_sentence"] <= AVERAGE_SENTENCE, found
    assert found["long_word_share"] <= LONG_WORD_SHARE, found["long_words"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_statistics_words_appear_only_as_explained_terms(language):
    """Outside the list of terms no word of statistics; in it, every term that uses one is
    explained in at most two sentences of plain words."""
    article = _article(language)
    terms = re.search(r'<dl class="terms">(.*?)</dl>', article, re.S)
    assert terms, "the list of terms is missing"
    outside = article.replace(terms.group(0), "")
    assert _jargon_in(" ".join(_texts(outside)), language) == []
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", terms.group(1), re.S)
    assert len(pairs) >= 3
    for term, explained in pairs:
        plain = re.sub(r"<[^>]+>", "", explained).strip()
        assert 1 <= readability.sentences(plain) <= 2, plain
        assert _jargon_in(plain, language) == [], plain
    named = " ".join(re.sub(r"<[^>]+>", "", term) for term, _explained in pairs)
    assert _jargon_in(named, language), "the terms name the methods the dashboard shows"


@pytest.mark.django_db
def test_the_explanation_gives_an_example_with_numbers_and_says_when_it_cannot_say():
    english = " ".join(_blocks("en"))
    for number in ("100", "20", "500", "180", "320"):
        assert number in english
    assert "When we cannot say" in english and "Fewer than 50" in english


@pytest.mark.django_db
def test_every_part_of_the_explanation_is_in_dutch():
    """An untranslated paragraph would be measured as Dutch and read as English."""
    dutch, english = _blocks("nl"), _blocks("en")
    assert len(dutch) == len(english)
    untranslated = [nl for nl, en in zip(dutch, english, strict=True) if nl == en]
    assert untranslated == []
