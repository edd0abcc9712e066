"""Zicht's WSGI application with cProfile around each request, for ``worker_profile.py``.

Each gunicorn worker profiles the requests it answers (the whole Django stack:
middleware, DRF, the view, the body) and writes its statistics to
``$ZICHT_PROFILE_DIR/worker-<pid>.prof`` every ``DUMP_EVERY`` requests, so a worker
stopped with SIGTERM leaves its figures behind. Only for benchmarks.
"""

from __future__ import annotations

import cProfile
import os
from pathlib import Path

from zicht.conf.wsgi import application as _application

DUMP_EVERY = 50
_profile = cProfile.Profile()
_count = 0


def application(environ, start_response):
    global _count
    _profile.enable()
    try:
        # Consume the body inside the profile: rendering can be lazy.
        return list(_application(environ, start_response))
    finally:
        _profile.disable()
        _count += 1
        if _count % DUMP_EVERY == 0:
            _profile.dump_stats(
                Path(os.environ["ZICHT_PROFILE_DIR"]) / f"worker-{os.getpid()}.prof"
            )
