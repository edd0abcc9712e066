"""A deliberately tiny, safe text format for help pages edited by staff.

Staff write plain text; this module turns it into HTML without ever passing their
text through as markup, so an edit in the admin can never add a script, a style or
a request to another site (the content security policy would block it anyway).

Supported: paragraphs (separated by an empty line), ``## heading`` and
``### heading``, ``- item`` lists, ``1. step`` lists, ``**bold**`` and
``[text](address)`` links. Addresses must start with ``https://``, ``tel:``,
``mailto:`` or ``/``; anything else is shown as plain text. External links open
normally (a person clicks them; the page itself never loads anything from
elsewhere) and carry ``rel="noreferrer"`` so the other site does not learn that the
visitor came from the help pages.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["render"]

_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_ORDERED = re.compile(r"^\d+\.\s+")
_SAFE_HREF = re.compile(r"^(https://|tel:\+?[0-9 -]+$|mailto:|/(?!/))")


def _inline(text: str) -> str:
    """Escape everything, then turn the two inline constructs back into markup."""
    out = []
    pos = 0
    for match in _LINK.finditer(text):
        out.append(_bold(escape(text[pos : match.start()])))
        label, href = match.group(1), match.group(2)
        if _SAFE_HREF.match(href):
            external = href.startswith("https://")
            rel = ' rel="noreferrer"' if external else ""
            out.append(f'<a href="{escape(href)}"{rel}>{_bold(escape(label))}</a>')
        else:
            out.append(escape(match.group(0)))
        pos = match.end()
    out.append(_bold(escape(text[pos:])))
    return "".join(out)


def _bold(escaped: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escaped)


def _flush(paragraph: list[str], html: list[str]) -> None:
    if paragraph:
        html.append("<p>" + " ".join(_inline(p) for p in paragraph) + "</p>")
        paragraph.clear()


def render(source: str) -> SafeString:
    """Render the help text format to HTML. Never raises on odd input."""
    html: list[str] = []
    blocks = re.split(r"\n\s*\n", (source or "").replace("\r\n", "\n").strip())
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        i = 0
        paragraph: list[str] = []

        while i < len(lines):
            line = lines[i]
            if line.startswith("### "):
                _flush(paragraph, html)
                html.append(f"<h3>{_inline(line[4:])}</h3>")
                i += 1
            elif line.startswith("## "):
                _flush(paragraph, html)
                html.append(f"<h2>{_inline(line[3:])}</h2>")
                i += 1
            elif line.startswith("- ") or _ORDERED.match(line):
                _flush(paragraph, html)
                ordered = not line.startswith("- ")
                items = []
                while i < len(lines) and (
                    (not ordered and lines[i].startswith("- "))
                    or (ordered and _ORDERED.match(lines[i]))
                ):
                    text = lines[i][2:] if not ordered else _ORDERED.sub("", lines[i])
                    items.append(f"<li>{_inline(text)}</li>")
                    i += 1
                tag = "ol" if ordered else "ul"
                html.append(f"<{tag}>{''.join(items)}</{tag}>")
            else:
                paragraph.append(line)
                i += 1
        _flush(paragraph, html)
    return mark_safe("\n".join(html))  # noqa: S308 - every piece of user text is escaped above
