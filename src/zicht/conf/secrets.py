"""Secrets from the environment or from files, never from the repository.

Each secret ``NAME`` is read from the environment variable ``NAME`` or, when
``NAME_FILE`` is set, from that file. In development (``ZICHT_ENV`` is not
``production``) a missing secret is generated once into ``ZICHT_VAR_DIR/secrets``
so that ``make demo`` works on a fresh machine; in production a missing secret is
a configuration error, because a generated key would silently break every
pseudonym or encrypted field after a restart on another host.

``ZICHT_VAR_DIR`` and everything Zicht creates in it are private to the account that runs
it: directories 0700, files (SQLite database, generated secrets) 0600.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from zicht.conf import registry


def read_secret(name: str, *, var_dir: Path, production: bool, nbytes: int = 32) -> str:
    """Return the secret ``name`` as text (hex when generated), checked against its
    declaration in ``zicht.conf.registry`` (the error never shows the value)."""
    return registry.check_secret(
        name, _find_secret(name, var_dir=var_dir, production=production, nbytes=nbytes)
    )


def _find_secret(name: str, *, var_dir: Path, production: bool, nbytes: int) -> str:
    value = registry.raw(name)
    if value:
        return value
    file_name = registry.raw(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {exc.strerror}") from exc
    if production:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE in production.")
    path = var_dir / "secrets" / name.lower()
    private_directory(path.parent)
    if not path.exists():
        try:
            # Created 0600 in one step (O_EXCL): never readable by others, not even briefly,
            # and a second process starting at the same moment keeps the first one's key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(secrets.token_hex(nbytes))
    _restrict(path, 0o600)
    return path.read_text(encoding="utf-8").strip()


def private_directory(path: Path) -> None:
    """Create ``path`` (and its parents) if needed and make it 0700: only the account that
    runs Zicht may list or enter it (the database, secrets and exports live there)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    _restrict(path, 0o700)


def private_file(path: Path) -> None:
    """Create ``path`` empty if it does not exist, and make it - and SQLite's ``-wal`` and
    ``-shm`` files beside it, when present - 0600."""
    private_directory(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if candidate.exists():
            _restrict(candidate, 0o600)


def _restrict(path: Path, mode: int) -> None:
    """chmod to ``mode`` when the permissions are looser. A path this account does not own
    (a shared mount set up by an operator) is left as it is."""
    try:
        if path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except PermissionError:
        pass
