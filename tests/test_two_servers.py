"""Two application servers, one database: what must hold across processes holds.

Two gunicorn servers (two worker processes each, so four processes) are started on two
loopback ports with the repository's gunicorn.conf.py, against one freshly migrated
database: a SQLite file, or a new PostgreSQL database beside the one in DATABASE_URL.
Requests alternate between the servers, as behind a load balancer. The test runs twice:
with the default database cache, and with ``ZICHT_CACHE_URL`` naming a real Redis server
(tests/redis_server.py), so the rate limits are counted in Redis.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django_otp.oath import totp

from tests.api.conftest import api_signal

REPO = Path(__file__).resolve().parents[1]
RATE = 5  # requests per minute per API key on the servers under test

SETUP = """
import json
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.factories import PASSWORD, MembershipFactory, TOTPDeviceFactory
from zicht.accounts.constants import Role
from zicht.api import scopes, services
member = MembershipFactory(role=Role.PROFESSIONAL)
device = TOTPDeviceFactory(user=member.user)
admin = MembershipFactory(role=Role.ORG_ADMIN, organisation=member.organisation)
_, writer = services.api_key_create(by=admin, name="writer", contact=member, scopes=list(scopes.SCOPES))
_, reader = services.api_key_create(by=admin, name="reader", contact=member, scopes=[scopes.SIGNALS_READ])
print(json.dumps({"username": member.user.username, "password": PASSWORD,
    "totp_key": device.key, "writer": writer, "reader": reader}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_url(tmp_path):
    """A database of its own for the servers: SQLite in tmp_path, or a new PostgreSQL one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'two-servers.sqlite3'}"
        return
    import psycopg

    base, _, _ = url.rpartition("/")
    name = f"zicht_two_servers_{secrets.token_hex(4)}"
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["database-cache", "redis-cache"])
def cache_url(request):
    """No ZICHT_CACHE_URL (the database cache), then a real Redis server's URL."""
    return request.getfixturevalue("redis_url") if request.param == "redis-cache" else ""


@pytest.fixture
def servers(tmp_path, database_url, cache_url):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZICHT_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="zicht.conf.settings",
        DATABASE_URL=database_url,
        ZICHT_VAR_DIR=str(tmp_path / "var"),  # one set of generated secrets for both
        ZICHT_API_RATE_LIMIT=f"{RATE}/minute",
        ZICHT_WEB_WORKERS="2",
        DJANGO_DEBUG="0",
        ZICHT_CACHE_URL=cache_url,
    )
    manage = [sys.executable, "manage.py"]
    run = {"cwd": REPO, "env": env, "capture_output": True, "text": True, "check": False}
    migrated = subprocess.run([*manage, "migrate", "--noinput"], **run)
    assert migrated.returncode == 0, migrated.stderr
    made = subprocess.run([*manage, "shell", "-c", SETUP], **run)
    assert made.returncode == 0, made.stderr
    accounts = json.loads(made.stdout.strip().splitlines()[-1])
    processes, urls, logs = [], [], []
    try:
        for _ in range(2):
            port = _free_port()
            log = open(tmp_path / f"gunicorn-{port}.log", "w+")
            logs.append(log)
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
        deadline = time.monotonic() + 45
        for url, process in zip(urls, processes, strict=True):
            while True:
                assert process.poll() is None, Path(logs[0].name).read_text()
                try:
                    if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:  # not listening or still booting
                    pass
                assert time.monotonic() < deadline, "a server did not start in 45 s"
                time.sleep(0.2)
        yield urls, accounts, logs
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        for log in logs:
            log.close()


def _start_of_a_window(margin: float = 30.0) -> None:
    """The limit counts in fixed windows of a clock minute (``zicht.core.ratelimit``): a
    burst that crosses a minute boundary rightly gets a fresh allowance, which made this
    test fail on a slow machine (CI under load). Start the burst early in a window."""
    left = 60.0 - time.time() % 60.0
    if left < margin:
        time.sleep(left + 0.5)


def test_two_servers_share_rate_limits_idempotency_and_sessions(servers, cache_url):
    (a, b), accounts, logs = servers

    # A rate limit of RATE per minute admits at most RATE requests across both servers.
    reader = {"Authorization": f"Api-Key {accounts['reader']}"}
    _start_of_a_window()
    statuses = [
        requests.get(f"{(a, b)[i % 2]}/api/v1/signals/", headers=reader, timeout=10).status_code
        for i in range(2 * RATE)
    ]
    assert statuses == [200] * RATE + [429] * RATE
    if cache_url:  # counted in Redis, not in the database table
        import redis

        assert redis.Redis.from_url(cache_url).keys("*zicht-rate:api:*")

    # An idempotency key replayed on the other server returns the first answer, creates nothing.
    writer = {"Authorization": f"Api-Key {accounts['writer']}"}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = api_signal()
    first = requests.post(f"{a}/api/v1/signals/", json=body, headers=writer | key, timeout=30)
    assert first.status_code == 201, first.text
    retry = requests.post(f"{b}/api/v1/signals/", json=body, headers=writer | key, timeout=30)
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    listed = requests.get(f"{a}/api/v1/signals/", headers=writer, timeout=10).json()
    signals = listed["results"] if isinstance(listed, dict) else listed
    assert [signal["id"] for signal in signals] == [first.json()["id"]]

    # A session from one server works on the other: the two login steps are even split.
    browser = requests.Session()  # cookies are per host name, as in a browser
    page = browser.get(f"{a}/account/login/", timeout=10)
    assert page.status_code == 200
    csrf = browser.cookies["csrftoken"]
    auth = browser.post(
        f"{a}/account/login/",
        data={
            "csrfmiddlewaretoken": csrf,
            "login_view-current_step": "auth",
            "auth-username": accounts["username"],
            "auth-password": accounts["password"],
        },
        headers={"Referer": f"{a}/account/login/"},
        timeout=30,
    )
    assert auth.status_code == 200 and "token-otp_token" in auth.text
    token = f"{totp(bytes.fromhex(accounts['totp_key'])):06d}"
    done = browser.post(
        f"{b}/account/login/",
        data={
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "login_view-current_step": "token",
            "token-otp_token": token,
        },
        headers={"Referer": f"{b}/account/login/"},
        timeout=30,
        allow_redirects=False,
    )
    assert done.status_code == 302, done.text
    members_only = "/accounts/invitations/"
    anonymous = requests.get(f"{b}{members_only}", timeout=10, allow_redirects=False)
    assert anonymous.status_code == 302 and "/account/login/" in anonymous.headers["Location"]
    for server in (b, a):
        page = browser.get(f"{server}{members_only}", timeout=10, allow_redirects=False)
        assert page.status_code == 200, page.headers.get("Location")
        home = browser.get(f"{server}/", timeout=10, allow_redirects=False)
        assert home.status_code == 200 and "/accounts/logout/" in home.text

    # The access log never carries a query string.
    requests.get(f"{a}/healthz?secret-term=visible", timeout=10)
    time.sleep(0.5)
    logs[0].flush()
    log_text = Path(logs[0].name).read_text()
    assert "GET /healthz HTTP/1.1" in log_text
    assert "secret-term" not in log_text
