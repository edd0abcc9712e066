"""Signal creation under load (issue 18): the partner API and the web form, with matching.

For each database asked for (PostgreSQL, the embedded SQLite default) the script makes a
database of its own, loads the demo data (a few thousand signals with matches, so every
new signal is matched against a real index), makes two organisations with an API key
and 16 professionals each (TOTP enrolled), starts gunicorn with ``--workers`` workers
(the repository's gunicorn.conf.py) and then runs Locust, headless through its library
API, with ``--users`` concurrent users for ``--seconds`` seconds per scenario:

- ``api``: ``POST /api/v1/signals/`` with a plaintext identity (drawn from a pool of 400
  people, so many signals match earlier ones, across the two organisations too);
- ``web``: each user logs in (password and TOTP code, CSRF token as a browser sends it),
  then opens the form and submits it, again and again.

It prints, per database and scenario: signals created per second (and per core),
p50/p95/p99 of the creating request, errors by kind, the number of "database is
locked" lines in the server log, the signals counted in the database afterwards
against the 2xx answers, and the load average before and after.

    .venv/bin/python benchmarks/load.py --db postgres sqlite --users 32 --seconds 60

The load generator runs on the same two cores as the servers (and whatever else the
machine is doing): read the load average beside the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import sys
import tempfile
import time
from pathlib import Path

# Locust patches the standard library for gevent on import; do it before anything else.
import gevent
import psutil
from locust import FastHttpUser, HttpUser, between, task
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent))
import serverkit  # noqa: E402

CORES = os.cpu_count() or 1
# Users that have started (web users: logged in); counting waits for all of them.
READY: list = []


def contact_date() -> str:
    return (dt.date.today() - dt.timedelta(days=1)).isoformat()


def make_api_user(keys: list[str], seed: int):
    key_cycle = itertools.cycle(keys)

    class ApiUser(FastHttpUser):
        wait_time = between(0, 0)

        def on_start(self):
            self.key = next(key_cycle)
            self.rng = random.Random(seed + id(self))
            READY.append(self)

        @task
        def create(self):
            body = serverkit.signal_body(self.rng, contact_date())
            with self.client.post(
                "/api/v1/signals/",
                json=body,
                headers={"Authorization": f"Api-Key {self.key}"},
                name="POST /api/v1/signals/",
                catch_response=True,
            ) as response:
                if response.status_code != 201:
                    response.failure(f"{response.status_code}")

    return ApiUser


def make_web_user(accounts: list[dict], password: str, seed: int):
    account_cycle = itertools.cycle(accounts)

    class WebUser(HttpUser):
        wait_time = between(0, 0)

        def on_start(self):
            self.rng = random.Random(seed + id(self))
            account = next(account_cycle)
            login = "/account/login/"
            self.client.get(login, name="login")
            auth = self.client.post(
                login,
                data={
                    "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
                    "login_view-current_step": "auth",
                    "auth-username": account["username"],
                    "auth-password": password,
                },
                headers={"Referer": self.host + login},
                name="login",
            )
            if "token-otp_token" not in auth.text:
                raise RuntimeError(f"login step 1 failed: {auth.status_code}")
            done = self.client.post(
                login,
                data={
                    "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
                    "login_view-current_step": "token",
                    "token-otp_token": serverkit.totp_now(account["totp_key"]),
                },
                headers={"Referer": self.host + login},
                allow_redirects=False,
                name="login",
            )
            if done.status_code != 302:
                raise RuntimeError(f"login step 2 failed: {done.status_code}")
            READY.append(self)

        @task
        def create(self):
            form = "/signalen/nieuw/"
            self.client.get(form, name="GET /signalen/nieuw/")
            body = serverkit.signal_body(self.rng, contact_date())
            data = {k: v for k, v in body.items() if k != "identity"} | body["identity"]
            data["csrfmiddlewaretoken"] = self.client.cookies.get("csrftoken", "")
            with self.client.post(
                form,
                data=data,
                headers={"Referer": self.host + form},
                allow_redirects=False,
                name="POST /signalen/nieuw/",
                catch_response=True,
            ) as response:
                if response.status_code != 302 or "/signalen/" not in response.headers.get(
                    "Location", ""
                ):
                    response.failure(f"{response.status_code}")

    return WebUser


def _cpu(process: psutil.Process, *, live=lambda child: True) -> float:
    """CPU seconds of ``process``, of its children it has waited for, and of its live
    descendants that ``live`` accepts."""
    times = process.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in process.children(recursive=True):
        try:
            if live(child):
                child_times = child.cpu_times()
                total += child_times.user + child_times.system
        except psutil.NoSuchProcess:
            pass
    return total


def _postmaster() -> psutil.Process | None:
    for process in psutil.process_iter(["name"]):
        try:
            if process.info["name"] == "postgres" and process.parent().name() != "postgres":
                return process
        except (psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
            continue
    return None


class CpuMeter:
    """CPU seconds used by the web server (gunicorn's arbiter and workers, also workers
    restarted meanwhile), by PostgreSQL and by this process (Locust, the load generator).

    PostgreSQL's figure is the postmaster's waited-for children (backends that ended,
    of every database: other users of the server count too) plus the live backends of
    the benchmark's own database."""

    def __init__(self, web_pid: int, database_url: str):
        self.web = psutil.Process(web_pid)
        self.client = psutil.Process()
        self.database = database_url.rsplit("/", 1)[1]
        self.postgres = _postmaster() if database_url.startswith("postgres") else None

    def _own_backend(self, child: psutil.Process) -> bool:
        return f" {self.database} " in " ".join(child.cmdline()) + " "

    def read(self) -> dict:
        client = self.client.cpu_times()
        return {
            "web": _cpu(self.web),
            "postgres": _cpu(self.postgres, live=self._own_backend) if self.postgres else 0.0,
            "client": client.user + client.system,
        }


def run_locust(user_class, host: str, users: int, seconds: float, meter=None) -> dict:
    env = Environment(user_classes=[user_class], host=host)
    runner = env.create_local_runner()
    READY.clear()
    runner.start(users, spawn_rate=users)
    # Count only once every user has started (logged in: 32 password checks take a
    # while on a busy machine), and after a few seconds more of warm-up.
    deadline = time.monotonic() + 300
    while len(READY) < users and time.monotonic() < deadline:
        gevent.sleep(1)
    gevent.sleep(5)
    env.stats.reset_all()
    load_before = serverkit.load_average()
    cpu_before = meter.read() if meter else {}
    started = time.monotonic()
    gevent.sleep(seconds)
    elapsed = time.monotonic() - started
    cpu = {k: v - cpu_before[k] for k, v in meter.read().items()} if meter else {}
    load_after = serverkit.load_average()
    stats = {name: entry for (name, _method), entry in env.stats.entries.items()}
    creating = next(entry for name, entry in stats.items() if name.startswith("POST /"))
    errors = {f"{e.name} {e.error}": e.occurrences for e in env.stats.errors.values()}
    runner.quit()
    ok = creating.num_requests - creating.num_failures
    return {
        "requests": creating.num_requests,
        "ok": ok,
        "failures": creating.num_failures,
        "per_second": ok / elapsed,
        "p50": creating.get_response_time_percentile(0.50),
        "p95": creating.get_response_time_percentile(0.95),
        "p99": creating.get_response_time_percentile(0.99),
        "errors": errors,
        "load": (load_before, load_after),
        "seconds": elapsed,
        "cpu": cpu,
    }


def print_profile(folder: Path, top: int = 45) -> None:
    """The workers' statistics together: the functions with the most time including
    what they call, then the most time of their own."""
    import pstats

    files = sorted(str(path) for path in folder.glob("worker-*.prof"))
    if not files:
        print(f"no profile in {folder}")
        return
    stats = pstats.Stats(*files)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def locked_lines(log: Path) -> int:
    return sum(
        "database is locked" in line for line in log.read_text(errors="replace").splitlines()
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", nargs="+", default=["postgres", "sqlite"])
    parser.add_argument("--scenario", nargs="+", default=["api", "web"])
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-demo", action="store_true", help="skip the demo data")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--markdown", help="append the table to this file")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="profile every request in the workers (benchmarks/profiled_wsgi.py), write "
        "their statistics to DIR and print the functions that took the most time",
    )
    args = parser.parse_args(argv)
    serverkit.clean_up_on_sigterm()

    rows = []
    for kind in args.db:
        with tempfile.TemporaryDirectory(prefix=f"zicht-load-{kind}-") as tmp:
            site = serverkit.site(kind, Path(tmp) / kind)
            try:
                t0 = time.monotonic()
                accounts = site.prepare(demo=not args.no_demo, professionals=16)
                before = site.query(serverkit.COUNTS)
                print(f"[{kind}] prepared in {time.monotonic() - t0:.0f} s: {before}", flush=True)
                if args.profile:
                    Path(args.profile).mkdir(parents=True, exist_ok=True)
                    site.extra_env["ZICHT_PROFILE_DIR"] = str(Path(args.profile).resolve())
                process, url, log = site.start_web(
                    workers=args.workers, app="profiled_wsgi:application" if args.profile else None
                )
                meter = CpuMeter(process.pid, site.database_url)
                for scenario in args.scenario:
                    if scenario == "api":
                        user = make_api_user(accounts["keys"], args.seed)
                    else:
                        user = make_web_user(accounts["web"], accounts["password"], args.seed)
                    counted = site.query(serverkit.COUNTS)["signals"]
                    result = run_locust(user, url, args.users, args.seconds, meter)
                    gevent.sleep(2)
                    after = site.query(serverkit.COUNTS)["signals"]
                    result.update(
                        db=kind,
                        scenario=scenario,
                        locked=locked_lines(log),
                        stored=after - counted,
                    )
                    rows.append(result)
                    print(format_row(result, args), flush=True)
            finally:
                site.stop_all()
                serverkit.drop(site)
    if args.profile:
        print_profile(Path(args.profile))
    table = markdown(rows, args)
    print(table)
    if args.markdown:
        with open(args.markdown, "a") as out:
            out.write(table + "\n")
    return 0


def cpu_figures(r: dict) -> str:
    """Server CPU per signal and signals per server-CPU-second (web + PostgreSQL), and
    the load generator's share of the machine's CPU while measuring."""
    cpu, ok = r.get("cpu") or {}, max(r["ok"], 1)
    if not cpu:
        return ""
    server = cpu["web"] + cpu["postgres"]
    return (
        f"server CPU {1000 * server / ok:.1f} ms/signal (web {1000 * cpu['web'] / ok:.1f}, "
        f"PostgreSQL {1000 * cpu['postgres'] / ok:.1f}), {ok / max(server, 1e-9):.1f} "
        f"signals per server-CPU-second, Locust {cpu['client'] / r['seconds']:.2f} cores"
    )


def format_row(r: dict, args) -> str:
    return (
        f"[{r['db']} {r['scenario']}] {r['per_second']:.1f} signals/s "
        f"({r['per_second'] / CORES:.1f} per core), p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, "
        f"p99 {r['p99']:.0f} ms, {r['failures']} failed of {r['requests']}, "
        f"'database is locked' {r['locked']}, stored {r['stored']} "
        f"(2xx answers counted while measuring: {r['ok']}; the warm-up adds some), "
        f"load {r['load'][0][0]:.1f} -> {r['load'][1][0]:.1f}, errors {r['errors'] or '-'}; "
        f"{cpu_figures(r)}"
    )


def markdown(rows: list[dict], args) -> str:
    lines = [
        f"{args.users} users, {args.workers} gunicorn workers, {args.seconds:.0f} s measured "
        f"per scenario after a warm-up, {CORES} cores shared with the load generator.",
        "",
        "| database | scenario | signals/s | per core | p50 | p95 | p99 | failed | "
        "'database is locked' | load avg (1 min) before → after | server CPU |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['db']} | {r['scenario']} | {r['per_second']:.1f} | "
            f"{r['per_second'] / CORES:.1f} | {r['p50']:.0f} ms | {r['p95']:.0f} ms | "
            f"{r['p99']:.0f} ms | {r['failures']} / {r['requests']} | {r['locked']} | "
            f"{r['load'][0][0]:.1f} → {r['load'][1][0]:.1f} | {cpu_figures(r)} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
