"""The explanation of the hidden number (/inzicht/uitleg/) is checked for readability the
way check_lessons checks lessons (zicht.lessons.readability): Flesch-Douma for the Dutch
text, Flesch Reading Ease for the English one.

The threshold is 70 in both languages: between "fairly easy" (60-70, where plain texts
at language level B1 usually land) and "easy" (70-80). The readers are council members,
journalists and professionals without statistics training, reading about a statistical
method, so the text aims a step above the B1 minimum the lessons use for professionals
(60), and below what the lessons ask for pupils (75 Dutch, 80 English). No sentence may be
longer than 20 words. A formula counts words and syllables; it does not replace a human
reader, and no reader review of this page has taken place yet (docs/insight.md).
"""

import re

import pytest
from django.test import Client

from zicht.lessons import readability

MINIMUM = {"nl": 70.0, "en": 70.0}
LONGEST_SENTENCE = 20


def _blocks(language: str) -> list[str]:
    """The page's headings, paragraphs and list items as plain text, one text each."""
    prefix = "" if language == "nl" else "/en"
    response = Client().get(f"{prefix}/inzicht/uitleg/")
    assert response.status_code == 200
    article = response.content.decode().split('data-testid="explanation"')[1]
    article = article.split("</article>")[0]
    found = re.findall(r"<(h1|h2|p|li)[^>]*>(.*?)</\1>", article, re.S)
    return [re.sub(r"<[^>]+>", "", text).strip() for _tag, text in found]


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


@pytest.mark.django_db
def test_every_part_of_the_explanation_is_in_dutch():
    """An untranslated paragraph would be measured as Dutch and read as English."""
    dutch, english = _blocks("nl"), _blocks("en")
    assert len(dutch) == len(english)
    untranslated = [nl for nl, en in zip(dutch, english, strict=True) if nl == en]
    assert untranslated == []
