"""JSON log lines (``ZICHT_LOG_FORMAT=json``) for log shippers that read one object a line.

Each line holds the time, level, logger name and message, and the traceback when there is
one - the same information as the plain format, nothing more. python-json-logger would
also copy every ``extra`` attribute of a record into the object; Django's request logger
passes the request itself that way (its string holds the path and query string) and a
future ``extra={...}`` could carry anything. So every other attribute is left out: a field
reaches the log only when a message puts it there, and messages carry ids, codes and
counts, never identity plaintext (tests/core/test_log_format.py).
"""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter

__all__ = ["FIELDS", "JsonLineFormatter"]

# The record attributes a line keeps, as they are named in the JSON object.
FIELDS = ("time", "level", "logger", "message", "exc_info", "stack_info")
_RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}


class JsonLineFormatter(JsonFormatter):
    """One JSON object a line: ``time``, ``level``, ``logger``, ``message`` (and
    ``exc_info``/``stack_info`` when present); ``extra`` attributes are never written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        kwargs.setdefault("rename_fields", _RENAMED)
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        for key in [key for key in log_data if key not in FIELDS]:
            del log_data[key]
