"""The encodings an organisation sends from its own premises, as JSON, read strictly.

``python -m zicht.pprl encode`` writes one JSON object per identity. The partner API
accepts two shapes (docs/linkage.md, section 8):

* ``zicht-pprl-1``: ``Encoding.to_json()`` (read by ``Encoding.from_json``);
* ``zicht-pprl-2``: ``Encoding2.to_json()`` with the same identity's zicht-pprl-1
  encoding in ``pprl1`` (``encode --spec zicht-pprl-2 --with-pprl1``). The platform
  indexes its own signals with both encodings -- pprl-1 keeps an entry comparable with
  the entries that are not (or cannot be) re-encoded -- so a partner's entry must carry
  both to be stored and matched as the platform's own.

``Encoding2.from_json`` checks the shape; :func:`encoding2_from_json` checks every
length and token format as well, so that nothing but well-formed filters and tokens of
the published sizes can reach an index. Errors name the field and the problem, never a
value (``EncodingError``). The key is not checked here: only the index knows its current
key.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from zicht.pprl.encoding import Encoding, EncodingError
from zicht.pprl.pprl2 import (
    ANCHORS,
    BSN_TOKEN_HEX,
    FIELD_BYTES,
    SPEC_VERSION_2,
    TOKEN_HEX,
    TOKENS_PER_FIELD,
    Encoding2,
    Probe2,
)
from zicht.pprl.spec import SPEC_VERSION

__all__ = [
    "PPRL1_MEMBER",
    "EncodingPair",
    "encoding2_from_json",
    "from_wire",
    "to_wire",
    "unknown_version",
]

#: The member of a zicht-pprl-2 object that holds the zicht-pprl-1 encoding.
PPRL1_MEMBER = "pprl1"
#: Upper bounds on the token lists (an encoding has far fewer; a bound keeps a hostile
#: request from storing thousands of rows): other given names, dates one typo away
#: (at most 11 by the spec), block tokens of a record and of a probe.
MAX_OTHER_GIVEN = 20
MAX_DATE_NEAR = 16
MAX_BLOCKS = 32
MAX_PROBE_BLOCKS = 16

_TOKEN = re.compile(rf"[0-9a-f]{{{TOKEN_HEX}}}")
_BSN = re.compile(rf"[0-9a-f]{{{BSN_TOKEN_HEX}}}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True, slots=True)
class EncodingPair:
    """One identity's zicht-pprl-2 encoding and its zicht-pprl-1 encoding, same key."""

    v1: Encoding
    v2: Encoding2


def to_wire(v2: Encoding2, v1: Encoding) -> dict[str, Any]:
    """The zicht-pprl-2 object a partner sends: ``v2.to_json()`` with ``v1`` in
    :data:`PPRL1_MEMBER`."""
    return {**v2.to_json(), PPRL1_MEMBER: v1.to_json()}


def unknown_version(spec: Any) -> EncodingError | None:
    """The error for a ``spec_version`` that is neither zicht-pprl-1 nor zicht-pprl-2."""
    if spec in (SPEC_VERSION, SPEC_VERSION_2):
        return None
    return EncodingError(
        f"spec_version: unknown version; expected {SPEC_VERSION} or {SPEC_VERSION_2}",
        "spec_version",
    )


def from_wire(data: Any) -> Encoding | EncodingPair:
    """A submitted encoding: zicht-pprl-1 alone, or zicht-pprl-2 with its pprl-1 twin.

    Raises ``EncodingError`` (field ``spec_version`` for an unknown version, the name of
    the offending member otherwise; ``pprl1.<member>`` inside the twin). Whether both
    were made with the index's current key is for the index to check."""
    if not isinstance(data, dict):
        raise EncodingError("encoding: must be a JSON object", "encoding")
    spec = data.get("spec_version")
    if spec == SPEC_VERSION:
        return Encoding.from_json(data)
    if error := unknown_version(spec):
        raise error
    v2 = encoding2_from_json(data)
    twin = data.get(PPRL1_MEMBER)
    if twin is None:
        raise EncodingError(
            f"{PPRL1_MEMBER}: missing; a {SPEC_VERSION_2} encoding comes with the same "
            f"identity's {SPEC_VERSION} encoding (encode --with-pprl1)",
            PPRL1_MEMBER,
        )
    if not isinstance(twin, dict) or twin.get("spec_version") != SPEC_VERSION:
        raise EncodingError(
            f"{PPRL1_MEMBER}: must be a {SPEC_VERSION} encoding", f"{PPRL1_MEMBER}.spec_version"
        )
    try:
        v1 = Encoding.from_json(twin)
    except EncodingError as exc:
        raise EncodingError(f"{PPRL1_MEMBER}.{exc.reason}", f"{PPRL1_MEMBER}.{exc.field}") from None
    if bool(v1.bsn_token) != bool(v2.bsn_token):
        raise EncodingError(
            f"bsn_token: the {SPEC_VERSION} and {SPEC_VERSION_2} encodings disagree on "
            "whether there is a BSN",
            "bsn_token",
        )
    return EncodingPair(v1=v1, v2=v2)


def encoding2_from_json(data: Any) -> Encoding2:
    """``Encoding2.from_json`` with every length and token format checked."""
    if not isinstance(data, dict):
        raise EncodingError("encoding: must be a JSON object", "encoding")
    if data.get("spec_version") != SPEC_VERSION_2:
        raise EncodingError(f"spec_version: must be {SPEC_VERSION_2}", "spec_version")
    _check_key_id(data.get("key_id"))
    _filters(data.get("given"), "given")
    _filters(data.get("surname"), "surname")
    _tokens(data.get("name_tokens"), "name_tokens", 2 * TOKENS_PER_FIELD, 2 * TOKENS_PER_FIELD)
    _tokens(data.get("other_given_tokens"), "other_given_tokens", 1, MAX_OTHER_GIVEN)
    _tokens(data.get("date_tokens"), "date_tokens", 4, 4)
    _tokens(data.get("date_near_tokens"), "date_near_tokens", 1, MAX_DATE_NEAR)
    _tokens(data.get("block_tokens"), "block_tokens", 1, MAX_BLOCKS)
    bsn = data.get("bsn_token", "")
    if not isinstance(bsn, str) or (bsn and not _BSN.fullmatch(bsn)):
        raise EncodingError(
            f"bsn_token: must be empty or {BSN_TOKEN_HEX} lowercase hex digits", "bsn_token"
        )
    _check_probes(data.get("probes", []))
    return Encoding2.from_json(data)


def _check_key_id(value: Any) -> None:
    if not isinstance(value, str) or not _KEY_ID.fullmatch(value):
        raise EncodingError("key_id: must be 16 lowercase hex digits", "key_id")


def _filters(items: Any, name: str) -> tuple[bytes, ...]:
    """One name field's filters: one per anchor, each base64 of FIELD_BYTES bytes."""
    if not isinstance(items, list) or len(items) != len(ANCHORS):
        raise EncodingError(f"{name}: must be a list of {len(ANCHORS)} filters", name)
    out = []
    for text in items:
        try:
            raw = base64.b64decode(text, validate=True) if isinstance(text, str) else None
        except (binascii.Error, ValueError):
            raw = None
        if raw is None or len(raw) != FIELD_BYTES:
            raise EncodingError(f"{name}: each filter must be base64 of {FIELD_BYTES} bytes", name)
        out.append(raw)
    return tuple(out)


def _tokens(items: Any, name: str, least: int, most: int) -> tuple[str, ...]:
    """A token list of ``least`` to ``most`` tokens of TOKEN_HEX lowercase hex digits."""
    count = f"{least}" if least == most else f"{least} to {most}"
    if (
        not isinstance(items, list)
        or not least <= len(items) <= most
        or not all(isinstance(t, str) and _TOKEN.fullmatch(t) for t in items)
    ):
        raise EncodingError(
            f"{name}: must be {count} tokens of {TOKEN_HEX} lowercase hex digits", name
        )
    return tuple(items)


def _check_probes(items: Any) -> tuple[Probe2, ...]:
    """At most one query probe for the year before (-1) and one for the year after (+1)."""
    message = "probes: at most one probe for year offset -1 and one for +1, each well-formed"
    if not isinstance(items, list) or len(items) > 2:
        raise EncodingError(message, "probes")
    out, offsets = [], set()
    for p in items:
        if not isinstance(p, dict):
            raise EncodingError(message, "probes")
        offset = p.get("year_offset")
        if isinstance(offset, bool) or offset not in (-1, 1) or offset in offsets:
            raise EncodingError(message, "probes")
        offsets.add(offset)
        try:
            out.append(
                Probe2(
                    offset,
                    _filters(p.get("given"), "given"),
                    _filters(p.get("surname"), "surname"),
                    _tokens(
                        p.get("name_tokens"),
                        "name_tokens",
                        2 * TOKENS_PER_FIELD,
                        2 * TOKENS_PER_FIELD,
                    ),
                    _tokens(p.get("block_tokens"), "block_tokens", 1, MAX_PROBE_BLOCKS),
                )
            )
        except EncodingError:
            raise EncodingError(message, "probes") from None
    return tuple(out)
