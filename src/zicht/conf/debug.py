"""When Django's DEBUG may be on: only for a process that nobody else can reach.

DEBUG pages show settings, SQL and local variables - identity data included. The rule:

- ``ZICHT_ENV=production``: DEBUG is off, whatever ``DJANGO_DEBUG`` says.
- development: DEBUG is on by default only while every ``DJANGO_ALLOWED_HOSTS`` entry is a
  loopback name (``127.0.0.1``, ``localhost``, ``[::1]``, ``testserver``); a process that
  answers to another host name (gunicorn or uWSGI behind a proxy, a shared test server)
  runs without DEBUG, and ``DJANGO_DEBUG=1`` with such a host is refused at start-up.
- ``manage.py runserver`` on a non-loopback address (``0.0.0.0:8000``, a LAN address)
  refuses to start while DEBUG is on, with one line saying so (``manage.py`` calls
  :func:`runserver_refusal`). ``make demo`` serves on 127.0.0.1 and keeps DEBUG on.
"""

from __future__ import annotations

import ipaddress
import re

LOOPBACK_NAMES = frozenset({"localhost", "testserver", "localhost.localdomain"})

# Django's own pattern for runserver's ``addrport`` (django.core.management.commands.runserver).
_ADDRPORT = re.compile(
    r"""^(?:
(?P<addr>
    (?P<ipv4>\d{1,3}(?:\.\d{1,3}){3}) |         # IPv4 address
    (?P<ipv6>\[[a-fA-F0-9:]+\]) |               # IPv6 address
    (?P<fqdn>[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*) # FQDN
):)?(?P<port>\d+)$""",
    re.X,
)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a host name, an IP address, ``[::1]``; ``:port`` ignored for names
    and IPv4) can only be reached from this machine."""
    host = host.strip().lower()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else host[1:]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def hosts_are_loopback(hosts: list[str]) -> bool:
    return bool(hosts) and all(is_loopback(host) for host in hosts)


def runserver_address(args: list[str]) -> str | None:
    """The address ``manage.py runserver`` binds, from its arguments (``args`` after the
    command name); ``None`` when ``args`` is not a runserver call with a recognisable
    address. Without an address runserver binds 127.0.0.1 (``::1`` with ``--ipv6``)."""
    if not args or args[0] != "runserver":
        return None
    positional = [a for a in args[1:] if not a.startswith("-")]
    if not positional:
        return "::1" if {"-6", "--ipv6"} & set(args) else "127.0.0.1"
    match = _ADDRPORT.match(positional[0])
    if match is None:
        return None  # runserver itself refuses it
    address = match["addr"] or ("::1" if {"-6", "--ipv6"} & set(args) else "127.0.0.1")
    return "0.0.0.0" if address == "0" else address  # noqa: S104 - runserver's own shorthand


def runserver_refusal(args: list[str], *, debug: bool) -> str | None:
    """The one line with which ``manage.py runserver`` refuses to serve DEBUG pages on an
    address other machines can reach, or ``None`` when it may start."""
    address = runserver_address(args)
    if not debug or address is None or is_loopback(address):
        return None
    return (
        f"Refusing to run with DEBUG on a non-loopback address ({address}): debug pages show "
        "personal data. Serve on 127.0.0.1, or set DJANGO_DEBUG=0."
    )
