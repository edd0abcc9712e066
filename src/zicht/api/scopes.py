"""Permissions as data: the scope an API key needs for each API action.

Keys are ``"<viewset basename>.<action>"``. An action missing from ``REQUIRED_SCOPES``
is refused (fail closed); a test checks that every routed action is listed.
"""

from django.utils.translation import gettext_lazy as _

SIGNALS_READ = "signals:read"
SIGNALS_WRITE = "signals:write"
MATCHES_READ = "matches:read"
MATCHES_WRITE = "matches:write"

#: Every scope with what it allows, in the order shown on the key form.
SCOPES = {
    SIGNALS_READ: _("Read the organisation's own signals, including the identity"),
    SIGNALS_WRITE: _("Record and withdraw signals"),
    MATCHES_READ: _("See matches: the other organisation, its contact person and dates"),
    MATCHES_WRITE: _("Confirm or reject possible matches"),
}

REQUIRED_SCOPES: dict[str, str] = {
    "signal.list": SIGNALS_READ,
    "signal.retrieve": SIGNALS_READ,
    "signal.create": SIGNALS_WRITE,
    "signal.withdraw": SIGNALS_WRITE,
    "match.list": MATCHES_READ,
    "match.retrieve": MATCHES_READ,
    "match.confirm": MATCHES_WRITE,
    "match.reject": MATCHES_WRITE,
}


def required_scope(*, basename: str, action: str | None) -> str | None:
    """The scope needed for ``action`` of the viewset ``basename``, or None (refuse)."""
    return REQUIRED_SCOPES.get(f"{basename}.{action}")
