"""The audit key: one secret, one sub-key per use.

``settings.AUDIT_KEY`` (``ZICHT_AUDIT_KEY`` or ``ZICHT_AUDIT_KEY_FILE``) lives outside the
database, so someone who can write to the database but does not hold the key cannot
forge an event hash, the chain head's anchor or a checkpoint. Each use gets its own
sub-key (HMAC of the purpose under the key), so a value signed for one purpose can
never be replayed as another.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

__all__ = ["mac", "EVENT", "CHECKPOINT", "HEAD"]

EVENT = "event"
CHECKPOINT = "checkpoint"
HEAD = "head"


@lru_cache(maxsize=8)
def _subkey(key: str, purpose: str) -> bytes:
    return hmac.new(
        key.encode("utf-8"), f"zicht.audit.{purpose}".encode("ascii"), "sha256"
    ).digest()


def mac(purpose: str, message: bytes) -> str:
    """HMAC-SHA256 of ``message`` under the sub-key for ``purpose``, as 64 hex digits."""
    return hmac.new(_subkey(settings.AUDIT_KEY, purpose), message, hashlib.sha256).hexdigest()
