"""gunicorn settings for Zicht: ``gunicorn zicht.conf.wsgi`` from the repository root.

gunicorn reads this file from the working directory (or ``-c gunicorn.conf.py``).
Its environment variables (``ZICHT_BIND``, ``ZICHT_WEB_WORKERS``, ``ZICHT_WEB_TIMEOUT``)
are declared in ``zicht.conf.registry`` ("Web server"; README, "Configuration"). A value
the registry refuses stops gunicorn with the registry's one line.

The access log leaves out query strings, the referrer and the user agent: a query
string or a referring URL can carry search terms or tokens, which do not belong in logs.
"""

import multiprocessing

from zicht.conf import registry

wsgi_app = "zicht.conf.wsgi:application"
try:
    bind = [registry.value("ZICHT_BIND")]
    workers = registry.value("ZICHT_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8))
    timeout = registry.value("ZICHT_WEB_TIMEOUT")
except registry.ConfigurationError as exc:
    raise SystemExit(str(exc)) from None
graceful_timeout = 30
# Restart workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# %(U)s is the path without its query string.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
