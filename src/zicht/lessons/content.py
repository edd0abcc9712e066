"""Lessons as data: the shipped lessons are JSON files in ``content/``, one per lesson.

The file format is described in ``docs/lessons.md``; ``zicht.lessons.validation`` checks
it. :func:`lesson_from_data` turns a *valid* lesson into immutable objects the player
reads; call it only on data that passed validation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.http import Http404
from django.utils.translation import get_language

from zicht.lessons.constants import LANGUAGES, NARRATOR

CONTENT_DIR = Path(__file__).resolve().parent / "content"


def _lang() -> str:
    lang = (get_language() or "nl")[:2]
    return lang if lang in LANGUAGES else "nl"


class Text(dict):
    """A text in every language; ``str()`` gives it in the active language."""

    def __str__(self) -> str:
        return self.get(_lang()) or self.get("nl", "")


@dataclass(frozen=True)
class Character:
    key: str
    name: Text
    colour: str
    role: Text

    @property
    def initials(self) -> str:
        parts = str(self.name).split()
        return "".join(p[0] for p in parts[:2]).upper()


@dataclass(frozen=True)
class Message:
    speaker: str  # a character key, or NARRATOR
    text: Text
    pictogram: str = ""

    @property
    def is_narration(self) -> bool:
        return self.speaker == NARRATOR


@dataclass(frozen=True)
class Choice:
    key: str
    text: Text
    next: str


@dataclass(frozen=True)
class Ending:
    pattern: Text
    explanation: Text
    not_your_fault: Text


@dataclass(frozen=True)
class Step:
    key: str
    messages: tuple[Message, ...] = ()
    next: str = ""
    choices: tuple[Choice, ...] = ()
    pause: Text | None = None
    ending: Ending | None = None
    indicators: tuple[str, ...] = ()
    video: str = ""

    def choice(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)


@dataclass(frozen=True)
class Lesson:
    slug: str
    version: int
    audience: str
    order: int
    title: Text
    summary: Text
    pictograms: tuple[str, ...]
    characters: dict[str, Character]
    start: str
    steps: dict[str, Step]
    guide: dict = field(default_factory=dict)

    def step(self, key: str) -> Step:
        try:
            return self.steps[key]
        except KeyError:
            raise Http404("No such step in this lesson.") from None

    def texts(self, language: str) -> list[str]:
        """Every text of the lesson in one language (for readability)."""
        found = [self.title[language], self.summary[language]]
        for step in self.steps.values():
            found += [m.text[language] for m in step.messages]
            found += [c.text[language] for c in step.choices]
            if step.pause:
                found.append(step.pause[language])
            if step.ending:
                e = step.ending
                found += [e.pattern[language], e.explanation[language], e.not_your_fault[language]]
        return found


def _text(value) -> Text:
    return Text(value or {})


def lesson_from_data(data: dict) -> Lesson:
    characters = {
        key: Character(
            key=key, name=_text(c["name"]), colour=c["colour"], role=_text(c.get("role"))
        )
        for key, c in data["characters"].items()
    }
    steps = {}
    for key, s in data["steps"].items():
        ending = s.get("ending")
        steps[key] = Step(
            key=key,
            messages=tuple(
                Message(speaker=m["from"], text=_text(m["text"]), pictogram=m.get("pictogram", ""))
                for m in s.get("messages", [])
            ),
            next=s.get("next", ""),
            choices=tuple(
                Choice(key=c["id"], text=_text(c["text"]), next=c["next"])
                for c in s.get("choices", [])
            ),
            pause=_text(s["pause"]) if s.get("pause") else None,
            ending=Ending(
                pattern=_text(ending["pattern"]),
                explanation=_text(ending["explanation"]),
                not_your_fault=_text(ending["not_your_fault"]),
            )
            if ending
            else None,
            indicators=tuple(s.get("indicators", [])),
            video=s.get("video", ""),
        )
    return Lesson(
        slug=data["slug"],
        version=data["version"],
        audience=data["audience"],
        order=data.get("order", 0),
        title=_text(data["title"]),
        summary=_text(data["summary"]),
        pictograms=tuple(data.get("pictograms", [])),
        characters=characters,
        start=data["start"],
        steps=steps,
        guide=data.get("guide", {}),
    )


def lesson_files() -> list[Path]:
    return sorted(CONTENT_DIR.glob("*.json"))


def read_file(path: Path) -> dict:
    """The JSON of one lesson file; a ValueError names the file and the line."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path.name}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc


@cache
def shipped_lessons() -> dict[str, Lesson]:
    """The lessons in content/, by slug, in their order. Validated by ``check_lessons``."""
    lessons = [lesson_from_data(read_file(p)) for p in lesson_files()]
    lessons.sort(key=lambda lesson: (lesson.audience != "pupils", lesson.order, lesson.slug))
    return {lesson.slug: lesson for lesson in lessons}
