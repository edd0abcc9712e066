"""Secrets from the environment or from files, never from the repository.

Each secret ``NAME`` is read from the environment variable ``NAME`` or, when
``NAME_FILE`` is set, from that file. In development (``ZICHT_ENV`` is not
``production``) a missing secret is generated once into ``ZICHT_VAR_DIR/secrets``
so that ``make demo`` works on a fresh machine; in production a missing secret is
a configuration error, because a generated key would silently break every
pseudonym or encrypted field after a restart on another host.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def read_secret(name: str, *, var_dir: Path, production: bool, nbytes: int = 32) -> str:
    """Return the secret ``name`` as text (hex when generated)."""
    value = os.environ.get(name)
    if value:
        return value.strip()
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {exc.strerror}") from exc
    if production:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE in production.")
    path = var_dir / "secrets" / name.lower()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(nbytes), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
