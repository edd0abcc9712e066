"""The help content shipped with Zicht: pages, service contacts and reply templates.

The text lives in ``content/<language>/<slug>.md`` (a few ``key: value`` lines, a
``---`` line, then the body in the format of ``markup.py``) and in two JSON files.
The data migration loads it once; after that staff edit it in the admin and a
deploy never overwrites their edits (``load_into`` only creates what is missing).
"""

from __future__ import annotations

import json
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"


def parse_page(text: str) -> dict:
    head, _sep, body = text.partition("\n---\n")
    meta = {}
    for line in head.splitlines():
        key, _colon, value = line.partition(":")
        meta[key.strip()] = value.strip()
    return {
        "title": meta["title"],
        "summary": meta["summary"],
        "audience": meta["audience"],
        "order": int(meta.get("order", 0)),
        "body": body.strip() + "\n",
    }


def pages() -> list[dict]:
    result = []
    for path in sorted(CONTENT_DIR.glob("*/*.md")):
        result.append(
            {
                "slug": path.stem,
                "language": path.parent.name,
                **parse_page(path.read_text(encoding="utf-8")),
            }
        )
    return result


def contacts() -> list[dict]:
    return json.loads((CONTENT_DIR / "contacts.json").read_text(encoding="utf-8"))


def reply_templates() -> list[dict]:
    return json.loads((CONTENT_DIR / "reply_templates.json").read_text(encoding="utf-8"))


def load_into(*, HelpPage, ServiceContact, ReplyTemplate) -> None:
    """Create the shipped content where it does not exist yet. Takes (historical) models."""
    for page in pages():
        HelpPage.objects.get_or_create(
            slug=page["slug"],
            language=page["language"],
            defaults={k: page[k] for k in ("title", "summary", "audience", "order", "body")},
        )
    for contact in contacts():
        ServiceContact.objects.get_or_create(name=contact["name"], defaults=contact)
    for template in reply_templates():
        ReplyTemplate.objects.get_or_create(
            title=template["title"], language=template["language"], defaults=template
        )
