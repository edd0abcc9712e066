"""The lesson format, its validator and ``check_lessons``: a good lesson passes, and every
kind of broken lesson fails with a message that names what to fix."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from zicht.lessons.content import lesson_files, read_file
from zicht.lessons.readability import measure, syllables, syllables_en
from zicht.lessons.validation import validate

GOOD = read_file(next(p for p in lesson_files() if p.stem == "pakketje-en-bankpas"))


@pytest.fixture
def lesson():
    return copy.deepcopy(GOOD)


def errors_of(data) -> list[str]:
    return validate(data).errors


@pytest.mark.parametrize("path", lesson_files(), ids=lambda p: p.stem)
def test_every_shipped_lesson_is_valid(path):
    report = validate(read_file(path))
    assert report.errors == []
    assert report.slug == path.stem, "name the file after the lesson's slug"


@pytest.mark.django_db
def test_check_lessons_passes_the_shipped_lessons_and_reports_readability(capsys):
    call_command("check_lessons")
    out = capsys.readouterr().out
    assert "pakketje-en-bankpas.json (pakketje-en-bankpas): OK - Flesch-Douma" in out
    assert out.count(": OK") == len(lesson_files())
    # Every lesson also reports its English score.
    assert out.count("English: Flesch Reading Ease ") == len(lesson_files())


def test_a_dead_end_is_named(lesson):
    del lesson["steps"]["blokkeer"]["next"]
    assert errors_of(lesson) == [
        "step 'blokkeer': dead end - give it a 'next' step, 'choices' or an 'ending'."
    ]


def test_a_choice_to_a_missing_step_is_named(lesson):
    lesson["steps"]["nee"]["choices"][0]["next"] = "nergens"
    assert errors_of(lesson) == [
        "step 'nee' choice 'blokkeer': leads to 'nergens', which does not exist.",
        # The step only that choice led to is now unreachable, and said so.
        "step 'blokkeer': unreachable - no step leads to it.",
    ]


def test_a_choice_without_a_target_is_named(lesson):
    del lesson["steps"]["klusje"]["choices"][0]["next"]
    assert "step 'klusje' choice 'oke': leads nowhere - give it a 'next' step." in errors_of(lesson)


def test_an_unreachable_step_is_named(lesson):
    lesson["steps"]["vergeten"] = {
        "messages": [{"from": "jay", "text": {"nl": "Hoi.", "en": "Hi."}}],
        "next": "noor",
    }
    assert errors_of(lesson) == ["step 'vergeten': unreachable - no step leads to it."]


def test_a_loop_is_refused_because_its_path_never_ends(lesson):
    lesson["steps"]["blokkeer"]["next"] = "nee"
    assert errors_of(lesson) == ["loop nee -> blokkeer -> nee: every path must end in an ending."]


def test_a_missing_translation_is_named(lesson):
    del lesson["steps"]["noor"]["messages"][2]["text"]["en"]
    lesson["characters"]["jay"]["name"]["en"] = "  "
    assert errors_of(lesson) == [
        "character 'jay' name: the 'en' text is missing.",
        "step 'noor' message 3: the 'en' text is missing.",
    ]


def test_an_ending_must_say_it_is_not_your_fault(lesson):
    del lesson["steps"]["einde-stil"]["ending"]["not_your_fault"]
    assert errors_of(lesson) == [
        "step 'einde-stil' ending not_your_fault: needs a text per language (nl, en)."
    ]


def test_a_single_option_is_not_a_choice(lesson):
    lesson["steps"]["noor"]["choices"].pop()
    errors = errors_of(lesson)
    assert "step 'noor': a choice needs at least two options." in errors


def test_unknown_characters_pictograms_and_indicators_are_named(lesson):
    step = lesson["steps"]["hoi"]
    step["messages"][0]["from"] = "kim"
    step["messages"][1]["pictogram"] = "skull"
    step["indicators"] = ["money.bank_card_handed", "money.made_up"]
    assert errors_of(lesson) == [
        "step 'hoi' message 1: 'kim' is not a character of this lesson.",
        "step 'hoi' message 2: unknown pictogram 'skull'.",
        "step 'hoi': 'money.made_up' is not in the indicator list.",
    ]


def test_a_photo_of_a_person_is_refused(lesson):
    lesson["characters"]["noor"]["photo"] = "noor.jpg"
    assert errors_of(lesson) == [
        "character 'noor': no photos; the avatar is drawn from the initials of the name."
    ]


def test_hard_dutch_fails_the_readability_bound(lesson):
    lesson["steps"]["pakket"]["messages"][0]["text"]["nl"] = (
        "Onmiddellijk na ontvangst van de ongeïdentificeerde verpakking "
        "verstopte je deze zorgvuldig onder je bed, waarna onduidelijkheid "
        "ontstond over de verantwoordelijkheid voor de verdere afhandeling."
    )
    errors = errors_of(lesson)
    assert any(e.startswith("readability: sentence of 24 words (at most 15") for e in errors)


def test_readability_is_below_the_bound_for_officialese(lesson):
    long_words = (
        "Maatschappelijke verantwoordelijkheidsovereenkomsten bemoeilijken "
        "vermogensrechtelijke aansprakelijkheidsvraagstukken."
    )
    for step in lesson["steps"].values():
        for message in step.get("messages", []):
            message["text"]["nl"] = long_words
    [error] = errors_of(lesson)
    assert error.startswith("readability: Flesch-Douma ")
    assert "below the minimum of 75 for pupils" in error


def test_officialese_in_english_fails_its_own_bound(lesson):
    """The Dutch can be fine while the English is not: each language has its own bound."""
    long_words = (
        "Organisational accountability considerations necessitate comprehensive documentation."
    )
    for step in lesson["steps"].values():
        for message in step.get("messages", []):
            message["text"]["en"] = long_words
    [error] = errors_of(lesson)
    assert error.startswith("readability (en): Flesch Reading Ease ")
    assert "below the minimum of 80 for pupils" in error


def test_a_long_english_sentence_in_a_pupils_lesson_is_named(lesson):
    lesson["steps"]["pakket"]["messages"][0]["text"]["en"] = (
        "Right after you got the package you hid it under your bed and then you did not "
        "know what to do with it."
    )
    errors = errors_of(lesson)
    assert any(e.startswith("readability (en): sentence of 23 words (at most 15") for e in errors)


def test_professionals_get_the_lower_english_bound(lesson):
    """Plain English (60) for professionals: a text scoring between 60 and 80 passes there
    and fails for pupils."""
    text = (
        "Teachers often notice changes before anyone else does. Talk about them with a colleague."
    )
    r = measure(text, language="en")
    assert 60 <= r.flesch_reading_ease < 80
    for step in lesson["steps"].values():
        for message in step.get("messages", []):
            message["text"]["en"] = text
    assert any("Flesch Reading Ease" in e for e in errors_of(lesson))
    lesson["audience"] = "professionals"
    assert not any("Flesch Reading Ease" in e for e in errors_of(lesson))


def test_flesch_reading_ease_by_hand():
    """'The cat sat on the mat. It was a big cat.': W=11, Z=2, S=11, so
    RE = 206.835 - 1.015 * 11/2 - 84.6 * 11/11 = 116.6525 (Flesch 1948)."""
    r = measure("The cat sat on the mat. It was a big cat.", language="en")
    assert (r.words, r.sentences, r.syllables) == (11, 2, 11)
    assert r.flesch_reading_ease == pytest.approx(116.6525)
    words = ("package", "little", "the", "make", "money", "police", "beautiful")
    assert [syllables_en(w) for w in words] == [2, 2, 1, 1, 2, 2, 3]


def test_flesch_douma_by_hand():
    """'Ik ben Sam. Ik woon in Gouda.': W=7, Z=2, S=8 (gou-da has two), so
    R = 206.84 - 77 * 8/7 - 0.93 * 7/2 = 115.585 (Douma 1960)."""
    r = measure("Ik ben Sam. Ik woon in Gouda.")
    assert (r.words, r.sentences, r.syllables) == (7, 2, 8)
    assert r.flesch_douma == pytest.approx(115.585)
    assert [syllables(w) for w in ("bankpas", "vrijdag", "ideeën", "politie")] == [2, 2, 3, 3]


def test_check_lessons_exits_non_zero_with_the_file_and_problem(lesson, tmp_path, capsys):
    del lesson["steps"]["blokkeer"]["next"]
    lesson["slug"] = "kapot"
    broken = tmp_path / "kapot.json"
    broken.write_text(json.dumps(lesson), encoding="utf-8")
    bad_json = tmp_path / "geen-json.json"
    bad_json.write_text('{"slug": ', encoding="utf-8")
    good = lesson_files()[0]
    with pytest.raises(CommandError, match="2 of 3 lesson"):
        call_command("check_lessons", str(broken), str(bad_json), str(good))
    err = capsys.readouterr().err
    assert "kapot.json (kapot): 1 problem(s)" in err
    assert "  - step 'blokkeer': dead end" in err
    assert "geen-json.json: not valid JSON (line 1" in err


def test_names_taken_by_the_class_pages_and_the_guide_are_refused(lesson):
    lesson["slug"] = "klas"
    lesson["steps"]["handleiding"] = lesson["steps"].pop("blokkeer")
    lesson["steps"]["nee"]["choices"][0]["next"] = "handleiding"
    assert errors_of(lesson) == [
        "slug: 'klas' is the address of other pages; choose another.",
        "step 'handleiding': 'handleiding' is the address of the teacher's guide; rename the step.",
    ]
