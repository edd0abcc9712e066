"""The container's health check: GET /healthz on the local gunicorn, exit 0 when it
answers 200 (Dockerfile HEALTHCHECK; the slim image has no curl).

It sends what production requires of any request: a Host header that
DJANGO_ALLOWED_HOSTS allows (its first entry) and ``X-Forwarded-Proto: https`` (without
it the request would be redirected to HTTPS, which is no answer about health).
"""

import os
import sys
import urllib.request

port = os.environ.get("ZICHT_BIND", "127.0.0.1:8000").rsplit(":", 1)[-1]
host = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip() or "localhost"
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/healthz",
    headers={"Host": host, "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - fixed http URL
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:  # noqa: BLE001 - any failure is "unhealthy"
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)
