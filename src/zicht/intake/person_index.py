"""The person index as intake sees it: what intake hands over when a signal is indexed.

Intake sits below linkage in the layers (``pyproject.toml``, import-linter): the person
index is built from signals, so linkage may read intake but intake may not import linkage.
Yet recording a signal must index it in the same transaction, and a signal's page shows
its matches. This module is the seam: it states what intake needs from an index, and the
linkage app registers the one implementation in its ``AppConfig.ready()``
(``zicht.linkage.intake_index``). Intake calls it synchronously, inside its own
transaction, so a failed index rolls the signal back exactly as a direct call did.

There is no fallback: without a registered index a signal is not recorded, since a
signal that no other organisation can be matched with defeats its purpose.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured

from zicht.pprl.encoding import Encoding, Identity
from zicht.pprl.wire import EncodingPair

__all__ = ["PersonIndex", "register", "current"]


class PersonIndex(Protocol):
    """The operations of the person index that intake uses. A "match" is whatever the
    index returns; intake only passes matches on (to the page, the API, ``notices``)."""

    def signal_index(
        self,
        *,
        signal_id: uuid.UUID,
        organisation_id: int,
        identity: Identity,
        expires_on: dt.date,
        actor: Any = None,
    ) -> list:
        """(Re-)index a signal inside the caller's transaction; return the new matches.
        Raises ``zicht.pprl.encoding.EncodingError`` for an identity that cannot be
        encoded."""
        ...

    def signal_index_encoded(
        self,
        *,
        signal_id: uuid.UUID,
        organisation_id: int,
        encoding: Encoding | EncodingPair,
        expires_on: dt.date,
        actor: Any = None,
    ) -> list:
        """``signal_index`` for an encoding made on a partner's premises; raises
        ``ValidationError`` for an unusable encoding."""
        ...

    def signal_unindex(
        self, *, signal_id: uuid.UUID, actor: Any = None, reason: str = "withdrawn"
    ) -> int:
        """Take a signal out of the index at once and end its matches."""
        ...

    def signal_is_indexed(self, *, signal_id: uuid.UUID, key_id: str) -> bool:
        """Whether the signal is in the index under the pseudonymisation key ``key_id``."""
        ...

    def matches_for_signal(self, *, membership: Any, signal_id: uuid.UUID) -> list:
        """The signal's matches as the member's organisation may see them (signal page)."""
        ...

    def notices(self, matches: Sequence) -> list[str]:
        """What to tell the professional after saving a signal that got ``matches``."""
        ...


_index: PersonIndex | None = None


def register(index: PersonIndex) -> None:
    """Make ``index`` the person index (the linkage app does this once, at start-up)."""
    global _index
    _index = index


def current() -> PersonIndex:
    """The registered person index; refuses to go on without one."""
    if _index is None:
        raise ImproperlyConfigured(
            "No person index is registered: add zicht.linkage to INSTALLED_APPS."
        )
    return _index
