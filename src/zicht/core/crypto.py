"""Encryption at rest for identity fields and anonymous messages.

Uses the ``cryptography`` package's Fernet (AES-128-CBC + HMAC-SHA256, authenticated)
with a key derived by HKDF from ``settings.FIELD_ENCRYPTION_KEY``. Several keys may be
configured, separated by commas: the first encrypts, all decrypt (``MultiFernet``), so
a key can be rotated without downtime. The database then holds only ciphertext; a
leaked database dump without the key reveals no identity.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

__all__ = [
    "encrypt_text",
    "decrypt_text",
    "rotate_token",
    "under_primary_key",
    "EncryptedTextField",
    "DecryptionError",
]


class DecryptionError(Exception):
    """The stored ciphertext cannot be read with any configured key."""


def _derive(secret: str) -> Fernet:
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"zicht-field-encryption", info=b"fernet-v1"
    ).derive(secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(raw))


@lru_cache(maxsize=4)
def _fernet(key_setting: str) -> MultiFernet:
    keys = [k.strip() for k in key_setting.split(",") if k.strip()]
    return MultiFernet([_derive(k) for k in keys])


def encrypt_text(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


def _keys() -> list[str]:
    return [k.strip() for k in settings.FIELD_ENCRYPTION_KEY.split(",") if k.strip()]


def rotate_token(token: str) -> str:
    """The same plaintext encrypted under the first (current) key; for re-encrypting stored
    ciphertext after a new key was put in front (``manage.py reencrypt_fields``)."""
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


def under_primary_key(token: str) -> bool:
    """Whether the first key alone reads ``token`` (so older keys are no longer needed)."""
    try:
        _derive(_keys()[0]).decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


class EncryptedTextField(models.TextField):
    """A text field stored encrypted. Not searchable or sortable in the database, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)
