"""Re-authentication: some account changes need the password again, recently.

Removing the authenticator, enrolling a new one and generating backup codes change how an
account proves who it is. Somebody at an unlocked computer with a logged-in session must not
be able to do them, so these views require the password within the last
``ZICHT_REAUTH_MINUTES`` (default 5). Logging in counts (the login wizard's password step),
so the first enrolment right after the first login needs no second password.

The moment is a Unix timestamp in the session (``SESSION_KEY``); it goes with the session
at logout or expiry.
"""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "zicht_reauthenticated_at"
DEFAULT_MINUTES = 5


def window_seconds() -> int:
    return 60 * getattr(settings, "ZICHT_REAUTH_MINUTES", DEFAULT_MINUTES)


def mark_reauthenticated(request) -> None:
    """The user has just given their password in this session."""
    request.session[SESSION_KEY] = int(time.time())


def recently_reauthenticated(request) -> bool:
    at = request.session.get(SESSION_KEY)
    if not isinstance(at, int):
        return False
    return 0 <= time.time() - at <= window_seconds()


def safe_next(request, candidate: str | None, default: str) -> str:
    """``candidate`` when it is a path on this site, else ``default`` (no open redirect)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def reauthentication_required(view):
    """Send a logged-in user without a recent password to the confirmation page, which
    brings them back here. Anonymous visitors pass through to the view's own login check."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and not recently_reauthenticated(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:reauthenticate')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
