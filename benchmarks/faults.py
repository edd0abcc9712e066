"""Faults under load (issue 18): kill -9 the web server and the task worker, restart
PostgreSQL, fill a form while the database is down; then check that nothing was lost.

On a PostgreSQL database of its own (two organisations, so signals match across them and
match mails are queued), with gunicorn (``--workers`` workers) and ``manage.py
db_worker`` running, ``--threads`` threads send API signal POSTs (each with its own
Idempotency-Key) for the whole run, and meanwhile, in this order:

1. ``kill -9`` one gunicorn worker (the master starts a new one);
2. ``kill -9`` the gunicorn master and its workers, then start gunicorn again;
3. ``kill -9`` the task worker; queue the daily tasks (purges, estimates, the audit
   checkpoint) while it is gone; start it again;
4. stop PostgreSQL, submit the web form of a logged-in professional (expected: the 503
   page that says nothing was saved), start PostgreSQL again (``pg_ctlcluster``; needs
   root, as on this machine).

Afterwards it checks, and prints: every request answered 2xx has its signal in the
database; no signal is in the database without the idempotency record written in its
transaction (nothing half-written); the audit chain verifies (``verify_audit_chain``);
no queued task is left waiting and which ones failed or were left "running" by the kill.

    .venv/bin/python benchmarks/faults.py --seconds 90

It restarts the machine's PostgreSQL cluster once (``--pg-cluster``, default 15/main):
other users of that server see their connections drop for a few seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import serverkit  # noqa: E402

CHECK = """
import json
from django.db.models import Count
from django_tasks_db.models import DBTaskResult
from zicht.api.models import IdempotencyRecord
from zicht.intake.models import Signal
tasks = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")))
print(json.dumps({
    "ids": [str(pk) for pk in Signal.objects.values_list("pk", flat=True)],
    "records": IdempotencyRecord.objects.count(),
    "tasks": tasks,
    "task_names": {s: sorted(set(DBTaskResult.objects.filter(status=s)
                                 .values_list("task_path", flat=True)))
                   for s in tasks if s != "SUCCESSFUL"},
}))
"""


class Load:
    """Threads that POST signals until stopped; every answer is kept."""

    def __init__(self, url: str, keys: list[str], threads: int, seed: int):
        self.url, self.keys, self.threads = url, keys, threads
        self.rng = random.Random(seed)
        self.answers: list[tuple[float, str, object, str | None]] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def run(self, index: int) -> None:
        rng = random.Random(index)
        session = requests.Session()
        contact = (dt.date.today() - dt.timedelta(days=1)).isoformat()
        while not self.stop.is_set():
            key = str(uuid.UUID(int=rng.getrandbits(128)))
            try:
                response = session.post(
                    f"{self.url}/api/v1/signals/",
                    json=serverkit.signal_body(rng, contact),
                    headers={
                        "Authorization": f"Api-Key {self.keys[index % len(self.keys)]}",
                        "Idempotency-Key": key,
                    },
                    timeout=90,
                )
                signal_id = response.json().get("id") if response.status_code == 201 else None
                answer = response.status_code
            except (requests.RequestException, ValueError) as exc:
                signal_id, answer = None, type(exc).__name__
                time.sleep(0.2)  # the server is down: do not spin
            with self.lock:
                self.answers.append((time.monotonic(), key, answer, signal_id))

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.run, args=(i,)) for i in range(self.threads)]
        for thread in threads:
            thread.start()
        return threads


def gunicorn_workers(master_pid: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master_pid)], capture_output=True, text=True
    ).stdout
    return [int(pid) for pid in out.split()]


def wait_gone(pids: list[int], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    for pid in pids:
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)


def web_login(url: str, account: dict, password: str) -> requests.Session:
    browser = requests.Session()
    login = f"{url}/account/login/"
    browser.get(login, timeout=30)
    browser.post(
        login,
        data={
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "login_view-current_step": "auth",
            "auth-username": account["username"],
            "auth-password": password,
        },
        headers={"Referer": login},
        timeout=30,
    )
    done = browser.post(
        login,
        data={
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "login_view-current_step": "token",
            "token-otp_token": serverkit.totp_now(account["totp_key"]),
        },
        headers={"Referer": login},
        timeout=30,
        allow_redirects=False,
    )
    if done.status_code != 302:
        raise RuntimeError(f"login failed: {done.status_code}")
    return browser


def say(started: float, text: str) -> None:
    print(f"[{time.monotonic() - started:5.1f} s] {text}", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=90, help="length of the load")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pg-cluster", default="15/main", help="for pg_ctlcluster")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args(argv)
    serverkit.clean_up_on_sigterm()
    version, cluster = args.pg_cluster.split("/")
    step = args.seconds / 6

    with tempfile.TemporaryDirectory(prefix="zicht-faults-") as tmp:
        site = serverkit.site("postgres", Path(tmp) / "faults")
        ok = False
        try:
            accounts = site.prepare(demo=False, professionals=2)
            port = serverkit.free_port()
            master, url, log = site.start_web(workers=args.workers, port=port)
            worker = site.start_worker()
            browser = web_login(url, accounts["web"][0], accounts["password"])
            load = Load(url, accounts["keys"], args.threads, args.seed)
            started = time.monotonic()
            threads = load.start()
            say(started, f"load: {args.threads} threads; load average {serverkit.load_average()}")

            time.sleep(step)
            victim = gunicorn_workers(master.pid)[0]
            os.kill(victim, signal.SIGKILL)
            say(started, f"kill -9 gunicorn worker {victim}")

            time.sleep(step)
            workers = gunicorn_workers(master.pid)
            os.kill(master.pid, signal.SIGKILL)
            for pid in workers:
                os.kill(pid, signal.SIGKILL)
            master.wait()
            wait_gone(workers)
            say(started, f"kill -9 gunicorn master {master.pid} and workers {workers}")
            time.sleep(2)
            master, url, log = site.start_web(workers=args.workers, port=port)
            say(started, f"gunicorn restarted ({master.pid})")

            time.sleep(step)
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            say(started, f"kill -9 task worker {worker.pid}")
            site.manage("enqueue_daily_tasks")
            say(started, "daily tasks queued while the worker is down")
            time.sleep(step / 2)
            worker = site.start_worker()
            say(started, f"task worker restarted ({worker.pid})")

            time.sleep(step / 2)
            subprocess.run(["pg_ctlcluster", version, cluster, "stop", "-m", "fast"], check=True)
            say(started, "PostgreSQL stopped")
            body = serverkit.signal_body(random.Random(1), dt.date.today().isoformat())
            filled = {k: v for k, v in body.items() if k != "identity"} | body["identity"]
            form = browser.post(
                f"{url}/signalen/nieuw/",
                data={**filled, "csrfmiddlewaretoken": browser.cookies.get("csrftoken", "")},
                headers={"Referer": f"{url}/signalen/nieuw/"},
                timeout=60,
                allow_redirects=False,
            )
            page_ok = form.status_code == 503 and "niet</strong> opgeslagen" in form.text
            say(
                started,
                f"form posted with the database down: {form.status_code}, clear page {page_ok}",
            )
            time.sleep(2)
            subprocess.run(["pg_ctlcluster", version, cluster, "start"], check=True)
            say(started, "PostgreSQL started")

            time.sleep(step)
            load.stop.set()
            for thread in threads:
                thread.join(timeout=120)
            say(started, f"load stopped; load average {serverkit.load_average()}")

            # Let the restarted worker run what was queued (mails, daily tasks).
            deadline = time.monotonic() + 600
            while True:
                state = site.query(CHECK)
                waiting = state["tasks"].get("READY", 0)
                if not waiting or time.monotonic() > deadline:
                    break
                time.sleep(5)
            verified = subprocess.run(
                [sys.executable, "manage.py", "verify_audit_chain"],
                cwd=serverkit.ROOT,
                env=site.env,
                capture_output=True,
                text=True,
                check=False,
            )
            ok = report(load.answers, state, verified, page_ok)
        finally:
            subprocess.run(["pg_ctlcluster", version, cluster, "start"], check=False)
            site.stop_all()
            serverkit.drop(site)
    return 0 if ok else 1


def report(answers, state, verified, page_ok) -> bool:
    statuses: dict[str, int] = {}
    for _t, _key, status, _id in answers:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    accepted = {signal_id for _t, _key, status, signal_id in answers if status == 201}
    stored = set(state["ids"])
    lost = accepted - stored
    # Each committed API request wrote its signal and its idempotency record together.
    half_written = len(stored) - state["records"]
    print(f"answers: {statuses}")
    print(f"accepted (201) {len(accepted)}; in the database {len(stored)}; lost {len(lost)}")
    print(f"signals without their idempotency record (half-written): {half_written}")
    print(f"audit chain: {verified.stdout.strip() or verified.stderr.strip()}")
    print(f"tasks by status: {state['tasks']}; not successful: {state['task_names']}")
    print(f"form with the database down answered the clear 503 page: {page_ok}")
    return (
        not lost
        and half_written == 0
        and verified.returncode == 0
        and not state["tasks"].get("READY")
        and page_ok
    )


if __name__ == "__main__":
    sys.exit(main())
