"""WSGI entry point."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zicht.conf.settings")
application = get_wsgi_application()

# Import every app's URLs and views (scipy among their imports) now, while the worker
# starts, instead of inside its first request: Django loads them lazily, which cost a
# new worker's first visitor about a second of CPU (benchmarks/RESULTS.md, "A fresh
# installation's first visit"). gunicorn starts a new worker after max_requests too.
get_resolver().url_patterns  # noqa: B018 - the property's side effect is the import
