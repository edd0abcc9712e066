"""Concurrent signal writes (issue 18): nothing lost, nothing doubled, no "database is locked".

- 32 threads, each with its own connection, record signals at once on the embedded
  SQLite default (a file, WAL, transactions that take the write lock when they begin):
  every one is stored and none fails.
- 200 API signal POSTs with an Idempotency-Key, each sent twice in a random order by 32
  threads to two gunicorn servers on one database: each key stores exactly one signal and
  both of its answers name it. ``benchmarks/idempotency.py`` runs the same with 10,000.
"""

import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.api.conftest import api_signal
from tests.test_two_servers import _free_port, database_url  # noqa: F401 - a fixture

REPO = Path(__file__).resolve().parents[1]

WRITERS = """
import json, threading, traceback
from django.db import connection
from tests.factories import MembershipFactory
from tests.intake.conftest import signal_post
from zicht.accounts.constants import Role
from zicht.intake.forms import SignalForm
from zicht.intake import services
from zicht.intake.models import Signal
from zicht.intake.selectors import current_catalogue
from zicht.audit.selectors import verify_chain

members = [MembershipFactory(role=Role.PROFESSIONAL) for _ in range(4)]
start = threading.Barrier(THREADS)
errors = []

def write(index):
    try:
        start.wait()
        for number in range(PER_THREAD):
            form = SignalForm(data=signal_post(surname=f"Bakker {chr(97 + index % 26)}"),
                              catalogue=current_catalogue())
            assert form.is_valid(), form.errors
            data, identity = form.split()
            services.signal_create(membership=members[index % 4], data=data, identity=identity)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()

threads = [threading.Thread(target=write, args=(i,)) for i in range(THREADS)]
for t in threads: t.start()
for t in threads: t.join()
events, problem = verify_chain()
print(json.dumps({"stored": Signal.objects.count(), "errors": errors,
                  "events": events, "chain_ok": problem is None}))
"""


def _env(database: str, var_dir: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZICHT_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="zicht.conf.settings",
        DATABASE_URL=database,
        ZICHT_VAR_DIR=str(var_dir),
        ZICHT_API_RATE_LIMIT="100000/minute",
        ZICHT_LOG_LEVEL="WARNING",
        DJANGO_DEBUG="0",
    )
    return env


def test_32_concurrent_writers_on_sqlite_all_stored_none_locked(tmp_path):
    env = _env(f"sqlite:///{tmp_path / 'writers.sqlite3'}", tmp_path / "var")
    run = {"cwd": REPO, "env": env, "capture_output": True, "text": True, "check": False}
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], **run)
    assert migrated.returncode == 0, migrated.stderr
    script = "THREADS = 32\nPER_THREAD = 2\n" + WRITERS
    done = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], **run)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["stored"] == 32 * 2
    # At least one audit event per signal, all in one unbroken chain.
    assert result["chain_ok"] and result["events"] >= 32 * 2
    assert "database is locked" not in done.stderr


SETUP = """
import json
from tests.factories import MembershipFactory, TOTPDeviceFactory
from zicht.accounts.constants import Role
from zicht.api import scopes, services
member = MembershipFactory(role=Role.PROFESSIONAL)
TOTPDeviceFactory(user=member.user)
admin = MembershipFactory(role=Role.ORG_ADMIN, organisation=member.organisation)
_, raw = services.api_key_create(by=admin, name="w", contact=member, scopes=list(scopes.SCOPES))
print(json.dumps({"key": raw}))
"""

COUNT = """
import json
from zicht.api.models import IdempotencyRecord
from zicht.audit.selectors import verify_chain
from zicht.intake.models import Signal
print(json.dumps({"ids": [str(pk) for pk in Signal.objects.values_list("pk", flat=True)],
    "records": IdempotencyRecord.objects.count(), "chain": verify_chain()[1] is None}))
"""


@pytest.fixture
def two_servers(tmp_path, database_url):  # noqa: F811 - the imported fixture
    env = _env(database_url, tmp_path / "var")
    env["ZICHT_WEB_WORKERS"] = "2"
    manage = [sys.executable, "manage.py"]
    run = {"cwd": REPO, "env": env, "capture_output": True, "text": True, "check": False}
    assert subprocess.run([*manage, "migrate", "--noinput"], **run).returncode == 0
    made = subprocess.run([*manage, "shell", "-c", SETUP], **run)
    assert made.returncode == 0, made.stderr
    key = json.loads(made.stdout.strip().splitlines()[-1])["key"]
    processes, urls = [], []
    log = open(tmp_path / "gunicorn.log", "w+")
    try:
        for _ in range(2):
            port = _free_port()
            processes.append(
                subprocess.Popen(
                    [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
                    cwd=REPO,
                    env={**env, "ZICHT_BIND": f"127.0.0.1:{port}"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        for url, process in zip(urls, processes, strict=True):
            while True:
                assert process.poll() is None, Path(log.name).read_text()[-3000:]
                try:
                    if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                assert time.monotonic() < deadline, "a server did not start in 60 s"
                time.sleep(0.2)
        yield (
            urls,
            key,
            lambda: json.loads(
                subprocess.run([*manage, "shell", "-c", COUNT], **run)
                .stdout.strip()
                .splitlines()[-1]
            ),
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        log.close()


def test_each_request_sent_twice_concurrently_is_stored_once(two_servers):
    urls, key, count = two_servers
    rng = random.Random(18)
    bodies = {
        str(uuid.uuid4()): api_signal(surname=f"Visser {chr(97 + i % 7)}") for i in range(200)
    }
    sends = [k for k in bodies for _ in range(2)]
    rng.shuffle(sends)
    answers = {k: [] for k in bodies}
    lock, local = threading.Lock(), threading.local()

    def send(position_key):
        position, idem = position_key
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        response = session.post(
            f"{urls[position % 2]}/api/v1/signals/",
            json=bodies[idem],
            headers={"Authorization": f"Api-Key {key}", "Idempotency-Key": idem},
            timeout=120,
        )
        with lock:
            answers[idem].append((response.status_code, response.json().get("id")))

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(send, enumerate(sends)))

    stored = count()
    assert all(status == 201 for pair in answers.values() for status, _ in pair), answers
    # Both answers of a key name one signal, and each key's signal is in the database once.
    assert all(len({signal_id for _, signal_id in pair}) == 1 for pair in answers.values())
    answered = {pair[0][1] for pair in answers.values()}
    assert len(answered) == 200
    assert set(stored["ids"]) == answered
    assert stored["records"] == 200
    assert stored["chain"]
