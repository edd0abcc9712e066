"""The person index that intake uses, registered by ``LinkageConfig.ready()``.

Intake may not import linkage (one-way layers); it states what it needs in
``zicht.intake.person_index`` and this class provides it from linkage's services and
selectors, so that indexing still happens inside intake's transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from zicht.linkage import selectors, services
from zicht.linkage.constants import MatchStatus
from zicht.pprl.encoding import Encoding, Identity

__all__ = ["LinkageIndex"]


class LinkageIndex:
    """``zicht.intake.person_index.PersonIndex`` backed by the linkage app."""

    def signal_index(
        self,
        *,
        signal_id: uuid.UUID,
        organisation_id: int,
        identity: Identity,
        expires_on: dt.date,
        actor: Any = None,
    ) -> list:
        return services.signal_index(
            signal_id=signal_id,
            organisation_id=organisation_id,
            identity=identity,
            expires_on=expires_on,
            actor=actor,
        )

    def signal_index_encoded(
        self,
        *,
        signal_id: uuid.UUID,
        organisation_id: int,
        encoding: Encoding,
        expires_on: dt.date,
        actor: Any = None,
    ) -> list:
        return services.signal_index_encoded(
            signal_id=signal_id,
            organisation_id=organisation_id,
            encoding=encoding,
            expires_on=expires_on,
            actor=actor,
        )

    def signal_unindex(
        self, *, signal_id: uuid.UUID, actor: Any = None, reason: str = "withdrawn"
    ) -> int:
        return services.signal_unindex(signal_id=signal_id, actor=actor, reason=reason)

    def signal_is_indexed(self, *, signal_id: uuid.UUID, key_id: str) -> bool:
        return services.signal_is_indexed(signal_id=signal_id, key_id=key_id)

    def matches_for_signal(self, *, membership: Any, signal_id: uuid.UUID) -> list:
        return selectors.matches_for_signal(membership=membership, signal_id=signal_id)

    def notices(self, matches: Sequence) -> list[str]:
        """A match (the index is certain) and a possible match (one of the two
        professionals decides) ask for different things, so the message after saving
        says which it is."""
        found = []
        if any(m.status == MatchStatus.CONFIRMED for m in matches):
            found.append(
                _(
                    "Match: another organisation has also recorded a signal about this young "
                    "person. Their contact person is under Matches."
                )
            )
        if any(m.status == MatchStatus.POSSIBLE for m in matches):
            found.append(
                _(
                    "Possible match: another organisation may have recorded a signal about "
                    "this young person. Confirm or reject it under Matches."
                )
            )
        return found
