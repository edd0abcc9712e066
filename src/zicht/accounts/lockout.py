"""An exact login lockout: after N wrong passwords for one (username, IP address), no
(N+1)th password is checked, even when a burst of attempts arrives at the same moment on
different processes or machines.

django-axes alone is not exact. Its backend reads the number of failures, the next backend
checks the password, and only then does axes' handler count the failure. Attempts that
arrive together at N-1 failures all read N-1, all have their password checked, and only
afterwards is the account locked: a burst of K attempts gets K tries instead of one.

Here the attempts in flight are counted too. ``PasswordBackend`` (in the place of Django's
``ModelBackend``, after axes' backend) first takes a unit from the shared atomic counter
``zicht.core.ratelimit`` for the (username, IP address) pair, then reads axes' failures,
and checks the password only if failures + attempts in flight (its own included) stay
within the limit. ``ExactLockoutHandler`` (axes' database handler) gives the unit back only
after it has counted the failure, and ``PasswordBackend`` gives it back straight away on a
right password. So at any moment an attempt that was let in is either still counted as in
flight or already counted as a failure; the last attempt let in has seen all the others.
The price is that an attempt arriving while others near the limit are still being checked
can be refused even if some of those turn out right: a burst at the limit, never a
person's single try.

A refused attempt is answered as a lockout (axes' middleware, HTTP 429); it is not counted
as a failure (its password was not checked), so a burst has exactly N passwords checked. The counter's windows are ``cool-off`` long; an
attempt also counts the units still held in the previous window, so a burst across a
window's end is covered too. A unit held by a process killed mid-check expires with its
window (stricter, never looser, for at most two cool-off periods).
"""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_credentials, get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from zicht.core import ratelimit

_SLOT = "zicht_login_slot"
_REFUSED = "zicht_login_refused"


def _window_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def _key(username: str, ip_address: str | None) -> str:
    # Keyed hash: the counter table never holds a username or an address.
    return ratelimit.hashed("login", f"{username}\n{ip_address or ''}")


def _release(request) -> None:
    slot = getattr(request, _SLOT, None)
    if slot is None:
        return
    delattr(request, _SLOT)
    key, now = slot
    # Called after axes has counted the failure. Its count commits in its own
    # ``transaction.atomic()`` (requests run without ATOMIC_REQUESTS); were a caller's
    # transaction around it, the database counter's row would change in that same
    # transaction and an attempt reading both would wait for its commit.
    ratelimit.undo(key, minutes=_window_minutes(), now=now)


class PasswordBackend(ModelBackend):
    """Django's password check, entered only with a unit of the (username, IP) limit."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None or password is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        credentials = get_credentials(username)
        AxesProxyHandler.update_request(request)
        name = get_client_username(request, credentials) or username
        key, now, minutes = _key(name, request.axes_ip_address), timezone.now(), _window_minutes()
        in_flight = ratelimit.hit(key, minutes=minutes, now=now)
        in_flight += ratelimit.count(key, minutes=minutes, now=now - timedelta(minutes=minutes))
        failures = AxesProxyHandler.get_failures(request, credentials)
        if failures + in_flight > get_failure_limit(request, credentials):
            ratelimit.undo(key, minutes=minutes, now=now)
            request.axes_locked_out = True  # axes' middleware answers with the lockout page
            setattr(request, _REFUSED, True)
            raise PermissionDenied("login limit reached")
        setattr(request, _SLOT, (key, now))
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            _release(request)  # a right password is no failure: nothing for axes to count
        return user


class ExactLockoutHandler(AxesDatabaseHandler):
    """axes' database handler that gives back the attempt's unit after counting it, and
    does not count an attempt whose password was never checked."""

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is not None and getattr(request, _REFUSED, False):
            # Counting it would lock the account before N passwords were checked while
            # the attempts in flight may still fail; they are counted when they do.
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
            return None
        try:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        finally:
            if request is not None:
                _release(request)
