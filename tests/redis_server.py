"""A real Redis server for the tests of ``ZICHT_CACHE_URL=redis://…``: Debian's
``redis-server`` (installed by ``.ci/run`` and ``make test``) on a free loopback port,
with its files in a temporary directory and nothing saved to disk.

A missing binary fails the tests that need it instead of skipping them: a skipped test
would let the Redis option break unnoticed.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_redis(directory: Path) -> Iterator[str]:
    """Start ``redis-server`` and yield its ``redis://`` URL; stop it afterwards."""
    import redis

    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.fail(
            "redis-server is missing: install Debian's redis-server (make test and .ci/run do)"
        )
    directory.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory)]
        + ["--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 15
        while True:
            assert process.poll() is None, "redis-server exited at start"
            try:
                if redis.Redis.from_url(url, socket_timeout=1).ping():
                    break
            except redis.RedisError:  # still starting
                pass
            assert time.monotonic() < deadline, "redis-server did not answer in 15 s"
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
