"""Human-readable references of records ("ZS-2026-004211"): a prefix per kind of record,
the year and six random digits, unique among the existing ones. Random rather than
sequential, so a reference says nothing about how many records an organisation has."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.utils import timezone


def new_reference(prefix: str, *, taken: Callable[[str], bool]) -> str:
    """A fresh ``PREFIX-YEAR-NNNNNN``; ``taken(reference)`` says whether one exists."""
    year = timezone.now().year
    while True:
        reference = f"{prefix}-{year}-{secrets.randbelow(10**6):06d}"
        if not taken(reference):
            return reference
