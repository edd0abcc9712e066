"""Shared by the load, idempotency and fault benchmarks: a database of their own, the real
gunicorn servers started with the repository's ``gunicorn.conf.py``, test accounts and
API keys, and counts read back from the database afterwards.

Nothing here talks to anything but 127.0.0.1: the benchmarks load servers this script
starts itself, and every loop is bounded in count and time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("ZICHT_BENCH_PG", "postgresql://zicht:zicht@127.0.0.1:5432/postgres")
# The demo database, loaded once and copied for each run (``Site.prepare``).
CACHE = Path(os.environ.get("ZICHT_BENCH_CACHE", "/tmp/zicht-bench-cache"))
TEMPLATE = "zicht_load_demo_template"

# Accounts the load runs with: two organisations, each with an API key for its first
# professional, and ``professionals`` professionals with TOTP (one per web user: a TOTP
# code is accepted once, so users of one account would lock each other out).
ACCOUNTS = """
import json
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, TOTPDeviceFactory
from zicht.accounts.constants import Role
from zicht.api import scopes, services
out = {"password": PASSWORD, "keys": [], "web": []}
for index in range(2):
    organisation = OrganisationFactory(name=f"Load test {index + 1}")
    admin = MembershipFactory(role=Role.ORG_ADMIN, organisation=organisation)
    for number in range(PROFESSIONALS):
        member = MembershipFactory(role=Role.PROFESSIONAL, organisation=organisation)
        device = TOTPDeviceFactory(user=member.user)
        out["web"].append({"username": member.user.username, "totp_key": device.key})
        if number == 0:
            _, raw = services.api_key_create(
                by=admin, name="load", contact=member, scopes=list(scopes.SCOPES)
            )
            out["keys"].append(raw)
print(json.dumps(out))
"""


def totp_now(hex_key: str, *, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 TOTP code, as django-otp computes it (SHA-1, 30 s, 6 digits)."""
    counter = int(time.time()) // step
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


def clean_up_on_sigterm() -> None:
    """Turn SIGTERM (``timeout``, ``kill``) into SystemExit, so that the ``finally`` of a
    benchmark stops its servers and drops its database."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def pg_create(prefix: str) -> str:
    """A new, empty PostgreSQL database; returns its URL."""
    import psycopg

    name = f"zicht_load_{prefix}_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


def pg_drop(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_create_from(url: str, template: str) -> None:
    """Create the database of ``url`` as a copy of the database named ``template`` (no
    one may be connected to the template meanwhile)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


@dataclass
class Site:
    """One database and its environment; servers and workers started against it."""

    database_url: str
    var_dir: Path
    extra_env: dict = field(default_factory=dict)
    processes: list = field(default_factory=list)

    @property
    def env(self) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("ZICHT_", "DJANGO_", "DATABASE_URL"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="zicht.conf.settings",
            DATABASE_URL=self.database_url,
            ZICHT_VAR_DIR=str(self.var_dir),
            ZICHT_API_RATE_LIMIT="1000000/minute",
            DJANGO_DEBUG="0",
            PYTHONPATH=str(ROOT / "src"),
        )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str, check: bool = True, timeout: float = 1800) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def prepare(self, *, demo: bool = True, professionals: int = 16) -> dict:
        """Migrate, load the demo data (thousands of signals with matches) and make the
        load-test accounts; returns them (passwords, TOTP keys, raw API keys).

        Loading the demo data takes minutes, so the first run keeps a copy (a PostgreSQL
        template database, or the SQLite file, with the secrets of its ZICHT_VAR_DIR)
        under ``CACHE`` and later runs start from it."""
        if demo and self._from_cache():
            pass
        else:
            self.manage("migrate", "--noinput")
            if demo:
                self.manage("load_demo")
                self._to_cache()
        script = f"PROFESSIONALS = {professionals}\n{ACCOUNTS}"
        out = self.manage("shell", "-c", script)
        return json.loads(out.strip().splitlines()[-1])

    def _cache_dir(self) -> Path:
        kind = "postgres" if self.database_url.startswith("postgres") else "sqlite"
        return CACHE / f"{kind}-demo"

    def _from_cache(self) -> bool:
        cache = self._cache_dir()
        if not (cache / "ready").exists():
            return False
        shutil.copytree(cache / "var", self.var_dir, dirs_exist_ok=True)
        if self.database_url.startswith("postgres"):
            pg_drop(self.database_url)
            pg_create_from(self.database_url, TEMPLATE)
        else:
            shutil.copyfile(cache / "zicht.sqlite3", self.database_url.removeprefix("sqlite:///"))
        self.manage("migrate", "--noinput")  # a cache from an older checkout catches up
        return True

    def _to_cache(self) -> None:
        cache = self._cache_dir()
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        shutil.copytree(self.var_dir, cache / "var")
        if self.database_url.startswith("postgres"):
            pg_drop(f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{TEMPLATE}")
            pg_create_from(
                f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{TEMPLATE}", self.database_url.rsplit("/", 1)[1]
            )
        else:
            shutil.copyfile(self.database_url.removeprefix("sqlite:///"), cache / "zicht.sqlite3")
        (cache / "ready").touch()

    def start_web(
        self,
        *,
        workers: int = 4,
        port: int | None = None,
        log: Path | None = None,
        app: str | None = None,
    ):
        """gunicorn with the repository's configuration; ``app`` replaces its WSGI
        application by one from ``benchmarks/`` (``profiled_wsgi:application``)."""
        port = port or free_port()
        log = log or self.var_dir / f"gunicorn-{port}.log"
        handle = open(log, "a")
        env = {**self.env, "ZICHT_BIND": f"127.0.0.1:{port}", "ZICHT_WEB_WORKERS": str(workers)}
        command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"]
        if app:
            env["PYTHONPATH"] += os.pathsep + str(ROOT / "benchmarks")
            command.append(app)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, process, log)
        return process, url, log

    def start_worker(self, log: Path | None = None):
        log = log or self.var_dir / "db_worker.log"
        handle = open(log, "a")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker"],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()

    def query(self, script: str) -> dict:
        """Run Python in ``manage.py shell`` that prints one JSON line; return it."""
        out = self.manage("shell", "-c", script)
        return json.loads(out.strip().splitlines()[-1])


def wait_ready(url: str, process, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited:\n{Path(log).read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"server at {url} did not start in {seconds} s")
        time.sleep(0.3)


def site(kind: str, tmp: Path, extra_env: dict | None = None) -> Site:
    """A fresh site on ``kind`` ("postgres" or "sqlite") under the folder ``tmp``."""
    tmp.mkdir(parents=True, exist_ok=True)
    if kind == "postgres":
        url = pg_create(tmp.name.replace("-", "_")[:20])
    elif kind == "sqlite":
        url = f"sqlite:///{tmp / 'zicht.sqlite3'}"
    else:
        raise ValueError(kind)
    return Site(database_url=url, var_dir=tmp / "var", extra_env=extra_env or {})


def drop(s: Site) -> None:
    if s.database_url.startswith("postgres"):
        pg_drop(s.database_url)


COUNTS = """
import json
from zicht.audit.models import AuditEvent
from zicht.intake.models import Signal
from zicht.api.models import IdempotencyRecord
print(json.dumps({"signals": Signal.objects.count(), "audit_events": AuditEvent.objects.count(),
    "idempotency_records": IdempotencyRecord.objects.count()}))
"""


def identity(rng, pool: int = 400) -> dict:
    """A plausible identity from a pool of ``pool`` people, so repeated draws match."""
    given = ["Mohamed", "Daan", "Sem", "Noah", "Liam", "Milan", "Emma", "Julia", "Sara", "Yara"]
    surnames = ["El Amrani", "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Yilmaz", "Bos"]
    person = rng.randrange(pool)
    return {
        "given_names": given[person % len(given)],
        "surname": surnames[(person // len(given)) % len(surnames)],
        "date_of_birth": f"{2006 + person % 10}-{1 + person % 12:02d}-{1 + person % 28:02d}",
        "sex": "M" if person % 2 else "F",
        "municipality": "GM0599",
    }


def signal_body(rng, contact_date: str) -> dict:
    return {
        "contact_date": contact_date,
        "setting": "school",
        "indicator_codes": ["school.truancy", "money.unexplained_goods"],
        "forms": ["drug_transport"],
        "account": "Werd na school opgehaald door een oudere jongen met een scooter.",
        "identity": identity(rng),
    }
