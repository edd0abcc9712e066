"""Pseudonymisation key handling for the zicht-pprl-1 encoding.

One master key (at least 32 bytes) is held by the party that encodes identities.
Purpose-specific sub-keys are derived from it with HKDF-SHA256 (RFC 5869), so a
leaked sub-key for one purpose (say blocking) does not reveal the others.

Key file formats accepted by :meth:`PseudonymKey.from_file` (tried in this order):

1. hex text: only ``[0-9a-fA-F]`` after stripping whitespace, even length, >= 64 digits;
2. base64 text (standard or URL-safe alphabet, padding optional) that decodes to
   >= 32 bytes;
3. otherwise the raw file bytes, which must be >= 32 bytes long.

No function in this module ever puts key material into an exception or ``repr``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from zicht.pprl.spec import SPEC_VERSION

MIN_KEY_BYTES = 32

#: Purposes for which sub-keys are derived (the HKDF ``info`` strings).
PURPOSE_EXACT = "exact-token"
PURPOSE_BLOOM = "bloom-bigram"
PURPOSE_PERMUTATION = "bloom-permutation"
PURPOSE_BLOCK = "block-token"
PURPOSE_KEY_ID = "key-id"

_HEX_RE = re.compile(r"^[0-9a-fA-F]+$")
_B64_RE = re.compile(r"^[A-Za-z0-9+/_-]+={0,2}$")


class PseudonymKeyError(ValueError):
    """The key file or key bytes are unusable (message never contains key material)."""


def hkdf_sha256(ikm: bytes, info: bytes, length: int = 32, salt: bytes = b"") -> bytes:
    """HKDF-SHA256 (RFC 5869) extract-and-expand, standard library only."""
    if length > 255 * 32:
        raise ValueError("hkdf: length too large")
    prk = hmac.digest(salt or b"\x00" * 32, ikm, "sha256")
    out = b""
    block = b""
    counter = 1
    while len(out) < length:
        block = hmac.digest(prk, block + info + bytes([counter]), "sha256")
        out += block
        counter += 1
    return out[:length]


class PseudonymKey:
    """The master pseudonymisation key and its derived sub-keys."""

    __slots__ = ("_master", "_subkeys", "key_id")

    def __init__(self, master: bytes) -> None:
        if not isinstance(master, bytes | bytearray):
            raise PseudonymKeyError("key must be bytes")
        if len(master) < MIN_KEY_BYTES:
            raise PseudonymKeyError(f"key too short: need at least {MIN_KEY_BYTES} bytes")
        self._master = bytes(master)
        self._subkeys: dict[str, bytes] = {}
        #: Short non-secret fingerprint identifying the key (16 hex digits).
        self.key_id: str = self.subkey(PURPOSE_KEY_ID)[:8].hex()

    # -- constructors -------------------------------------------------------------
    @classmethod
    def from_bytes(cls, b: bytes) -> PseudonymKey:
        return cls(b)

    @classmethod
    def generate(cls) -> PseudonymKey:
        return cls(secrets.token_bytes(MIN_KEY_BYTES))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> PseudonymKey:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise PseudonymKeyError(
                f"cannot read key file: {exc.strerror or type(exc).__name__}"
            ) from None
        return cls(parse_key_bytes(raw))

    # -- derivation ---------------------------------------------------------------
    def subkey(self, purpose: str, spec: str = SPEC_VERSION) -> bytes:
        """32-byte purpose-specific sub-key: HKDF-SHA256(master, salt=spec,
        info=spec + "/" + purpose). ``spec`` separates the sub-keys of each spec version,
        so a zicht-pprl-2 token can never collide with a zicht-pprl-1 one."""
        cache = f"{spec}/{purpose}"
        k = self._subkeys.get(cache)
        if k is None:
            k = hkdf_sha256(self._master, info=cache.encode(), salt=spec.encode())
            self._subkeys[cache] = k
        return k

    def to_hex(self) -> str:
        """Hex text of the master key, for writing a key file. Handle with care."""
        return self._master.hex()

    def __repr__(self) -> str:
        return f"PseudonymKey(key_id={self.key_id!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PseudonymKey) and hmac.compare_digest(self._master, other._master)

    def __hash__(self) -> int:
        return hash(self.key_id)


def parse_key_bytes(raw: bytes) -> bytes:
    """Interpret key-file content as hex text, base64 text or raw bytes (in that order)."""
    try:
        text = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        text = None
    if text:
        compact = "".join(text.split())
        if _HEX_RE.match(compact) and len(compact) % 2 == 0 and len(compact) >= 2 * MIN_KEY_BYTES:
            return bytes.fromhex(compact)
        if _B64_RE.match(compact):
            padded = compact + "=" * (-len(compact) % 4)
            try:
                decoded = base64.b64decode(
                    padded.replace("-", "+").replace("_", "/"), validate=True
                )
            except (binascii.Error, ValueError):
                decoded = b""
            if len(decoded) >= MIN_KEY_BYTES:
                return decoded
    if len(raw) < MIN_KEY_BYTES:
        raise PseudonymKeyError(
            f"key file too short: need at least {MIN_KEY_BYTES} bytes of key material "
            "(hex, base64 or raw)"
        )
    return raw


def fingerprint(data: bytes) -> str:
    """Non-secret SHA-256 fingerprint helper (used for spec test vectors)."""
    return hashlib.sha256(data).hexdigest()[:16]
