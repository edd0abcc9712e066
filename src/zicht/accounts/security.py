"""Glue between django-axes, django-otp and the two-factor login wizard.

Backup codes are stored as keyed hashes, never as the codes themselves. django-otp's
static device keeps its tokens in plain text (``StaticToken.token``, at most 16
characters) and looks a code up by equality; Zicht stores ``hash_backup_code(code)`` in
that column instead and hashes what the user types before the lookup
(``forms.ZichtBackupTokenForm``). The hash is an HMAC-SHA256 (Django's ``salted_hmac``)
keyed with ``SECRET_KEY``, so a copy of the database alone reveals no code and cannot be
used to try the 2^40 possible codes offline. Rotating ``SECRET_KEY`` invalidates all backup
codes (members generate new ones). Migration ``accounts.0003`` hashed the plain codes that
existed before.
"""

import base64

from django.utils.crypto import salted_hmac

#: Stored tokens start with this mark; a generated code never does (lowercase base32).
HASHED_MARK = "#"
_HASH_CHARS = 15  # 75 bits of the HMAC; with the mark, the 16 characters of the column


def axes_username(request, credentials):
    """The wizard posts ``auth-username``; ``authenticate()`` receives ``username``.

    Axes looks in one place only, so give it whichever is present.
    """
    if credentials and credentials.get("username"):
        return credentials["username"]
    if request is not None and hasattr(request, "POST"):
        return request.POST.get("auth-username") or request.POST.get("username")
    return None


def normalise_backup_code(code: str) -> str:
    """As printed, typed with or without spaces and dashes, in either case."""
    return "".join(code.split()).replace("-", "").lower()


def hash_backup_code(code: str) -> str:
    """The stored form of a backup code (see the module docstring)."""
    digest = salted_hmac(
        "zicht.accounts.backup_code", normalise_backup_code(code), algorithm="sha256"
    ).digest()
    return HASHED_MARK + base64.b32encode(digest).decode("ascii").lower()[:_HASH_CHARS]


def is_hashed_backup_code(token: str) -> bool:
    return token.startswith(HASHED_MARK) and len(token) == 1 + _HASH_CHARS
