"""gunicorn settings for Zicht: ``gunicorn zicht.conf.wsgi`` from the repository root.

gunicorn reads this file from the working directory (or ``-c gunicorn.conf.py``).
Environment variables (README, "Configuration"):

- ``ZICHT_BIND``: address to listen on (default ``127.0.0.1:8000``; a TLS proxy in front).
- ``ZICHT_WEB_WORKERS``: worker processes (default ``2 * CPUs + 1``, at most 8).
- ``ZICHT_WEB_TIMEOUT``: seconds before a silent worker is restarted (default 60).

The access log leaves out query strings, the referrer and the user agent: a query
string or a referring URL can carry search terms or tokens, which do not belong in logs.
"""

import multiprocessing
import os


def _whole_number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1, not {raw!r}.")
    return int(raw)


wsgi_app = "zicht.conf.wsgi:application"
bind = [os.environ.get("ZICHT_BIND", "").strip() or "127.0.0.1:8000"]
workers = _whole_number("ZICHT_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8))
timeout = _whole_number("ZICHT_WEB_TIMEOUT", 60)
graceful_timeout = 30
# Restart workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# %(U)s is the path without its query string.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
