"""Check a lesson before anyone plays it: its shape, its graph, its languages, its words.

:func:`validate` returns a list of plain messages (empty when the lesson is fine), each
naming the step, choice or field, so that an author can fix the file without reading
code. ``python manage.py check_lessons`` runs it over every lesson.

The graph rules: every step the lesson names exists; every step can be reached from the
start; every step goes on (``next``), offers two or more choices, or is an ending; the
story has no loops, so every path through it reaches an ending.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import DatabaseError

from zicht.intake.catalogue import item_codes, load_catalogue_file
from zicht.lessons import readability
from zicht.lessons.constants import (
    AVATAR_COLOURS,
    FORMAT_VERSION,
    LANGUAGES,
    NARRATOR,
    PICTOGRAMS,
    PUPIL_MAX_SENTENCE_WORDS,
    READABILITY_MINIMUM,
    READABILITY_MINIMUM_EN,
    Audience,
)
from zicht.lessons.content import lesson_from_data
from zicht.lessons.models import LessonVideo

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
INDICATOR_CATALOGUE_VERSION = 1
RESERVED_SLUGS = {
    "klas",
    "voorbeeld",
    "video",
    "evaluatie",
}  # /lessen/klas/, /lessen/voorbeeld/: other pages
RESERVED_STEPS = {"handleiding"}  # /lessen/<slug>/handleiding/ is the teacher's guide


@dataclass(frozen=True)
class Report:
    """What ``check_lessons`` prints per lesson."""

    slug: str
    errors: list[str]
    readability: readability.Readability | None = None
    readability_en: readability.Readability | None = None


def _texts(value, where: str, errors: list[str], *, required: bool = True) -> None:
    """A translatable text: a dict with a non-empty string for every language."""
    if value is None and not required:
        return
    if not isinstance(value, dict):
        errors.append(f"{where}: needs a text per language ({', '.join(LANGUAGES)}).")
        return
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            errors.append(f"{where}: the {lang!r} text is missing.")
    extra = set(value) - set(LANGUAGES)
    if extra:
        errors.append(f"{where}: unknown language(s) {sorted(extra)}.")


def _check_shape(data: dict, errors: list[str]) -> None:
    """The lesson's own fields: header, characters, steps present, teacher's guide."""
    _check_header(data, errors)
    _check_characters(data.get("characters"), errors)
    if not isinstance(data.get("steps"), dict) or not data["steps"]:
        errors.append("steps: the lesson has no steps.")
    _check_guide(data.get("guide"), errors)


def _check_header(data: dict, errors: list[str]) -> None:
    """Format, address (slug), version, audience, title, summary and pictograms."""
    if data.get("format") != FORMAT_VERSION:
        errors.append(f"format: must be {FORMAT_VERSION}.")
    slug = data.get("slug")
    if not isinstance(slug, str) or not _SLUG.match(slug):
        errors.append("slug: use lowercase letters, digits and hyphens, e.g. 'de-bankpas'.")
    elif slug in RESERVED_SLUGS:
        errors.append(f"slug: {slug!r} is the address of other pages; choose another.")
    if not isinstance(data.get("version"), int) or data["version"] < 1:
        errors.append("version: a whole number from 1; raise it with every change.")
    if data.get("audience") not in Audience.values:
        errors.append(f"audience: must be one of {Audience.values}.")
    _texts(data.get("title"), "title", errors)
    _texts(data.get("summary"), "summary", errors)
    for name in data.get("pictograms", []):
        if name not in PICTOGRAMS:
            errors.append(f"pictograms: unknown pictogram {name!r}.")


def _check_characters(characters, errors: list[str]) -> None:
    """At least one character; each drawn avatar, never a photo of a real person."""
    if not isinstance(characters, dict) or not characters:
        errors.append("characters: name at least one character.")
        return
    for key, character in characters.items():
        where = f"character {key!r}"
        if key == NARRATOR or not _KEY.match(key):
            errors.append(f"{where}: use another key (lowercase, not {NARRATOR!r}).")
        if not isinstance(character, dict):
            errors.append(f"{where}: must be an object.")
            continue
        _texts(character.get("name"), f"{where} name", errors)
        _texts(character.get("role"), f"{where} role", errors, required=False)
        if character.get("colour") not in AVATAR_COLOURS:
            errors.append(f"{where}: colour must be one of {list(AVATAR_COLOURS)}.")
        if "photo" in character or "image" in character:
            errors.append(f"{where}: no photos; the avatar is drawn from the initials of the name.")


def _check_guide(guide, errors: list[str]) -> None:
    """The teacher's guide: aims and at least one discussion question."""
    if not isinstance(guide, dict):
        errors.append("guide: the teacher's guide needs 'aims' and 'questions'.")
        return
    _texts(guide.get("aims"), "guide aims", errors)
    questions = guide.get("questions")
    if not isinstance(questions, list) or not questions:
        errors.append("guide questions: give at least one discussion question.")
        return
    for i, question in enumerate(questions, start=1):
        _texts(question, f"guide question {i}", errors)


def _check_step(key: str, step, data: dict, indicator_codes: set[str], errors: list[str]):
    """One step: its name, messages, the one way on, choices, ending and indicators."""
    where = f"step {key!r}"
    if not _KEY.match(key):
        errors.append(f"{where}: use lowercase letters, digits, '-' and '_' in step names.")
    elif key in RESERVED_STEPS:
        errors.append(f"{where}: {key!r} is the address of the teacher's guide; rename the step.")
    if not isinstance(step, dict):
        errors.append(f"{where}: must be an object.")
        return
    _check_messages(where, step, data.get("characters") or {}, errors)
    _check_way_on(where, step, errors)
    _check_choices(where, step, errors)
    _check_ending(where, step.get("ending"), errors)
    for code in step.get("indicators", []):
        if code not in indicator_codes:
            errors.append(f"{where}: {code!r} is not in the indicator list.")


def _check_messages(where: str, step: dict, characters: dict, errors: list[str]) -> None:
    """Every message is spoken by the narrator or a character, in both languages."""
    for i, message in enumerate(step.get("messages", []), start=1):
        mwhere = f"{where} message {i}"
        speaker = message.get("from")
        if speaker != NARRATOR and speaker not in characters:
            errors.append(f"{mwhere}: {speaker!r} is not a character of this lesson.")
        _texts(message.get("text"), mwhere, errors)
        if message.get("pictogram") and message["pictogram"] not in PICTOGRAMS:
            errors.append(f"{mwhere}: unknown pictogram {message['pictogram']!r}.")


def _check_way_on(where: str, step: dict, errors: list[str]) -> None:
    """Exactly one way on (next, choices or ending), and something to show."""
    ways_on = [name for name in ("next", "choices", "ending") if step.get(name)]
    if not ways_on:
        errors.append(f"{where}: dead end - give it a 'next' step, 'choices' or an 'ending'.")
    elif len(ways_on) > 1:
        errors.append(f"{where}: has {' and '.join(ways_on)}; a step has exactly one of them.")
    if not any(step.get(name) for name in ("messages", "pause", "ending", "video")):
        errors.append(f"{where}: shows nothing - add messages, a video, a pause or an ending.")
    if "video" in step and (not isinstance(step["video"], str) or not _SLUG.match(step["video"])):
        errors.append(f"{where}: 'video' is the key of an uploaded lesson video.")
    if step.get("pause") is not None:
        _texts(step["pause"], f"{where} pause", errors)
        if step.get("choices"):
            errors.append(f"{where}: a pause for the class cannot also offer choices.")


def _check_choices(where: str, step: dict, errors: list[str]) -> None:
    """At least two choices, each with its own id, a text and a next step."""
    choices = step.get("choices") or []
    if step.get("choices") is not None and len(choices) < 2:
        errors.append(f"{where}: a choice needs at least two options.")
    seen = set()
    for i, choice in enumerate(choices, start=1):
        cid = choice.get("id")
        cwhere = f"{where} choice {cid or i!r}"
        if not isinstance(cid, str) or not _KEY.match(cid):
            errors.append(f"{cwhere}: needs an 'id' (lowercase letters and digits).")
        elif cid in seen:
            errors.append(f"{cwhere}: two choices with the same id.")
        seen.add(cid)
        _texts(choice.get("text"), cwhere, errors)
        if not choice.get("next"):
            errors.append(f"{cwhere}: leads nowhere - give it a 'next' step.")


def _check_ending(where: str, ending, errors: list[str]) -> None:
    """An ending names the pattern, explains it and says it is not the pupil's fault."""
    if ending is None:
        return
    if not isinstance(ending, dict):
        errors.append(f"{where} ending: must be an object.")
        return
    for name in ("pattern", "explanation", "not_your_fault"):
        _texts(ending.get(name), f"{where} ending {name}", errors)


def _targets(step) -> list[tuple[str, str]]:
    """(what, step name) for every way on from a step."""
    if not isinstance(step, dict):
        return []
    found = [("next", step["next"])] if step.get("next") else []
    found += [
        (f"choice {c.get('id')!r}", c["next"]) for c in step.get("choices") or [] if c.get("next")
    ]
    return found


def _check_graph(data: dict, errors: list[str]) -> None:
    steps = data["steps"]
    start = data.get("start")
    if start not in steps:
        errors.append(f"start: {start!r} is not a step of this lesson.")
        return
    for key, step in steps.items():
        for what, target in _targets(step):
            if target not in steps:
                errors.append(f"step {key!r} {what}: leads to {target!r}, which does not exist.")
    # Reachable steps, and loops (a path that comes back to a step never ends).
    reached: set[str] = set()
    state: dict[str, str] = {}  # "open" while on the current path, "done" after

    def visit(key: str, path: list[str]) -> None:
        state[key] = "open"
        reached.add(key)
        for _what, target in _targets(steps[key]):
            if target not in steps:
                continue
            if state.get(target) == "open":
                loop = " -> ".join([*path[path.index(target) :], target])
                errors.append(f"loop {loop}: every path must end in an ending.")
            elif target not in state:
                visit(target, [*path, target])
        state[key] = "done"

    visit(start, [start])
    for key in steps:
        if key not in reached:
            errors.append(f"step {key!r}: unreachable - no step leads to it.")
    if not any(isinstance(s, dict) and s.get("ending") for s in steps.values()):
        errors.append("the lesson has no ending.")


def _check_videos(data: dict, errors: list[str]) -> None:
    """Every video a step names is uploaded (with its captions, which the upload requires)."""
    wanted = {
        s["video"]: key
        for key, s in data["steps"].items()
        if isinstance(s, dict) and isinstance(s.get("video"), str) and s["video"]
    }
    if not wanted:
        return
    try:
        present = set(LessonVideo.objects.filter(key__in=wanted).values_list("key", flat=True))
    except DatabaseError:
        present = set()
    for video, step in sorted(wanted.items()):
        if video not in present:
            errors.append(f"step {step!r}: video {video!r} is not uploaded (admin: lesson videos).")


def _check_readability(
    data: dict, errors: list[str]
) -> tuple[readability.Readability, readability.Readability]:
    """Flesch-Douma of the Dutch texts and Flesch Reading Ease of the English ones, each
    against its bound for the lesson's audience; for pupils also the longest sentence."""
    lesson = lesson_from_data(data)
    audience = data["audience"]
    result = readability.measure(lesson.texts("nl"))
    result_en = readability.measure(lesson.texts("en"), language="en")
    minimum = READABILITY_MINIMUM[audience]
    if result.flesch_douma < minimum:
        errors.append(
            f"readability: Flesch-Douma {result.flesch_douma:.0f}, below the minimum of "
            f"{minimum:.0f} for {audience} - use shorter sentences and words."
        )
    minimum_en = READABILITY_MINIMUM_EN[audience]
    if result_en.flesch_reading_ease < minimum_en:
        errors.append(
            f"readability (en): Flesch Reading Ease {result_en.flesch_reading_ease:.0f}, below "
            f"the minimum of {minimum_en:.0f} for {audience} - use shorter sentences and words."
        )
    if audience == Audience.PUPILS:
        for lang in ("nl", "en"):
            for text in lesson.texts(lang):
                for sentence in readability.split_sentences(text):
                    n = len(readability.words(sentence))
                    if n > PUPIL_MAX_SENTENCE_WORDS:
                        errors.append(
                            f"readability{'' if lang == 'nl' else ' (en)'}: sentence of {n} "
                            f"words (at most {PUPIL_MAX_SENTENCE_WORDS} for pupils): "
                            f"{sentence.strip()!r}"
                        )
    return result, result_en


def validate(data) -> Report:
    """Every problem of one lesson (as parsed JSON), in words an author understands."""
    errors: list[str] = []
    if not isinstance(data, dict):
        return Report(slug="?", errors=["the file must hold one JSON object."])
    slug = data.get("slug") if isinstance(data.get("slug"), str) else "?"
    _check_shape(data, errors)
    if errors and not isinstance(data.get("steps"), dict):
        return Report(slug=slug, errors=errors)
    indicator_codes = item_codes(load_catalogue_file(INDICATOR_CATALOGUE_VERSION))
    for key, step in data["steps"].items():
        _check_step(key, step, data, indicator_codes, errors)
    _check_graph(data, errors)
    _check_videos(data, errors)
    score = score_en = None
    if not errors:  # readability needs a lesson that loads
        score, score_en = _check_readability(data, errors)
    return Report(slug=slug, errors=errors, readability=score, readability_en=score_en)
