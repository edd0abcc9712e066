"""Signed checkpoints of the audit chain, written outside the database.

A checkpoint is one line: the newest sequence number, its hash, the number of events
and the time, signed with an HMAC under the audit key. ``checkpoint_write()`` appends it
to ``ZICHT_AUDIT_CHECKPOINT_FILE`` and to the ``zicht.audit`` log; operators ship that
file or log stream off the database host. Someone who can write to the database can
delete the newest events and roll the chain head back, or empty the log, and the chain
itself still verifies; a checkpoint taken before that remembers more events, or another
hash at its sequence number, and ``verify_audit_chain --checkpoints`` fails. Without the
key nobody can write a checkpoint that verifies.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from zicht.audit import keys
from zicht.audit.models import AuditEvent
from zicht.audit.selectors import ChainProblem, verify_chain
from zicht.audit.services import GENESIS_HASH, canonical_timestamp

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "AuditChainBroken",
    "checkpoint_line",
    "read_checkpoints",
    "checkpoint_write",
]

logger = logging.getLogger("zicht.audit")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    count: int
    time: str
    line_number: int = 0


class CheckpointError(Exception):
    """A checkpoint file that cannot be read, or a line that is not a valid checkpoint."""


class AuditChainBroken(Exception):
    """The chain failed verification, so no checkpoint was written for it."""

    def __init__(self, checked: int, problem: ChainProblem):
        self.checked = checked
        self.problem = problem
        super().__init__(
            f"Audit chain broken at event #{problem.seq}: {problem.reason} "
            f"({checked} events verified before it); no checkpoint written."
        )


def _content(seq: int, hash_: str, count: int, time: str) -> dict:
    return {"seq": seq, "hash": hash_, "count": count, "time": time}


def _signature(content: dict) -> str:
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return keys.mac(keys.CHECKPOINT, payload.encode("ascii"))


def checkpoint_line(*, seq: int, hash_: str, count: int, time: str) -> str:
    """One signed checkpoint as a line of JSON (without the newline)."""
    content = _content(seq, hash_, count, time)
    return json.dumps({**content, "mac": _signature(content)}, sort_keys=True)


def read_checkpoints(path: Path) -> list[Checkpoint]:
    """Parse and check every checkpoint in ``path``.

    Each non-empty line holds one checkpoint as JSON; text before the first ``{`` is
    ignored, so lines copied from the ``zicht.audit`` log stream (which carry a time and
    level in front) can be checked too. Raises ``CheckpointError`` naming the first line
    that is not a checkpoint or whose signature is invalid.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"Checkpoint file {path} cannot be read: {exc}") from exc
    checkpoints = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw[raw.index("{") :])
            content = _content(
                int(data["seq"]), str(data["hash"]), int(data["count"]), str(data["time"])
            )
            signature = str(data["mac"])
        except (ValueError, KeyError, TypeError):
            raise CheckpointError(
                f"Checkpoint file {path} line {number}: not a checkpoint."
            ) from None
        if not hmac.compare_digest(signature, _signature(content)):
            raise CheckpointError(
                f"Checkpoint file {path} line {number}: the signature is invalid "
                "(the line was altered, or signed with another ZICHT_AUDIT_KEY)."
            )
        checkpoints.append(
            Checkpoint(
                seq=content["seq"],
                hash=content["hash"],
                count=content["count"],
                time=content["time"],
                line_number=number,
            )
        )
    return checkpoints


def checkpoint_write(*, path: Path | None = None) -> Checkpoint:
    """Verify the chain (against the earlier checkpoints in the file too) and append a
    signed checkpoint of its head to the file and the ``zicht.audit`` log.

    A chain that fails verification gets no checkpoint: signing it would make the
    tampering look legitimate. The failure is logged and raised as ``AuditChainBroken``.
    """
    path = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    earlier = read_checkpoints(path) if path.exists() else []
    checked, problem = verify_chain(checkpoints=earlier)
    if problem is not None:
        error = AuditChainBroken(checked, problem)
        logger.error("audit checkpoint refused: %s", error)
        raise error
    last_hash = (
        AuditEvent.objects.filter(seq=checked).values_list("hash", flat=True).first()
        if checked
        else GENESIS_HASH
    )
    time = canonical_timestamp(timezone.now())
    line = checkpoint_line(seq=checked, hash_=last_hash, count=checked, time=time)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created 0600 like every other file in the var dir: the lines hold no personal
    # data, but whoever can rewrite them can hide a truncation of the chain.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    logger.info("audit checkpoint %s", line)
    return Checkpoint(seq=checked, hash=last_hash, count=checked, time=time)
