"""The JSON parser of the partner API: DRF's, with a limit on nesting.

A request body of 100,000 ``[`` makes Python's ``json`` module raise ``RecursionError``;
a body nested a few hundred levels deep parses, but later recursive code (validation,
the error list, the idempotency fingerprint) could run out of stack on it. No request of
this API nests deeper than a handful of levels, so a body deeper than ``MAX_DEPTH`` is
refused as a malformed request (400) when the view reads it.

A body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` never reaches the parser: Django
raises ``RequestDataTooBig`` when DRF reads it, and ``zicht.api.exceptions`` answers 413.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Arrays and objects inside each other; a signal with an encoding uses four.
MAX_DEPTH = 20


def _too_deep(data, limit: int) -> bool:
    """Whether ``data`` nests arrays and objects deeper than ``limit`` (iterative, so
    the check itself cannot exhaust the stack)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class DepthLimitedJSONParser(JSONParser):
    """``application/json`` with at most ``MAX_DEPTH`` levels of arrays and objects."""

    def parse(self, stream, media_type=None, parser_context=None):
        detail = _("The JSON body nests arrays or objects more than %(limit)d levels deep.") % {
            "limit": MAX_DEPTH
        }
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(detail) from None
        if _too_deep(data, MAX_DEPTH):
            raise ParseError(detail)
        return data
