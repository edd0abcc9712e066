"""Idempotency under concurrency (issue 18): N API signal POSTs, each sent twice.

Every request gets its own ``Idempotency-Key``; both copies of every request are shuffled
into a random order (within windows of ``--concurrency`` keys, so the two copies of a key
are in flight together) and sent by ``--concurrency`` threads at once against gunicorn
(``--servers`` servers of ``--workers`` workers each, one database), so the two copies
of a key often run at the same moment on different processes. Afterwards the database is
counted:

- lost: a key answered 2xx whose signal is not in the database;
- duplicated: more new signals in the database than stored idempotency records (one per
  key that committed, in the signal's transaction), or the two answers of one key naming
  different signals;
- unanswered: a key both of whose copies failed (5xx, timeouts); then nothing was
  promised, and the database must not hold a signal for it either.

    .venv/bin/python benchmarks/idempotency.py --db postgres --requests 10000

The same check, smaller (200 requests, two servers), is the test
``tests/test_concurrent_writes.py::test_each_request_sent_twice_concurrently_is_stored_once``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import serverkit  # noqa: E402

SIGNAL_IDS = """
import json
from zicht.intake.models import Signal
print(json.dumps({"ids": [str(pk) for pk in Signal.objects.values_list("pk", flat=True)]}))
"""


def send_all(
    urls: list[str],
    raw_keys: list[str],
    count: int,
    concurrency: int,
    seed: int,
    max_seconds: float | None = None,
):
    """Send ``count`` requests twice each, shuffled; return {key: [answers]} and seconds.

    With ``max_seconds`` nothing more is sent after that long: keys not sent at all are
    left out, keys sent once are kept (their one answer must still hold)."""
    rng = random.Random(seed)
    contact = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    requests_by_key = {}
    for index in range(count):
        requests_by_key[str(uuid.UUID(int=rng.getrandbits(128)))] = (
            raw_keys[index % len(raw_keys)],
            serverkit.signal_body(rng, contact),
        )
    # Both copies of each key within one window of ``concurrency`` keys, shuffled inside
    # it: the two copies of a key are in flight at the same time (and a run cut short
    # by ``max_seconds`` still sent almost every key twice).
    keys = list(requests_by_key)
    sends = []
    for start in range(0, len(keys), concurrency):
        window = [key for key in keys[start : start + concurrency] for _copy in range(2)]
        rng.shuffle(window)
        sends.extend(window)
    answers: dict[str, list] = {key: [] for key in requests_by_key}
    lock = threading.Lock()
    local = threading.local()

    def send(position_key):
        position, key = position_key
        if max_seconds is not None and time.monotonic() - started > max_seconds:
            return
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        api_key, body = requests_by_key[key]
        url = urls[position % len(urls)]
        try:
            response = session.post(
                f"{url}/api/v1/signals/",
                json=body,
                headers={"Authorization": f"Api-Key {api_key}", "Idempotency-Key": key},
                timeout=120,
            )
            answer = (response.status_code, response.json().get("id") if response.ok else None)
        except (requests.RequestException, ValueError) as exc:
            answer = (type(exc).__name__, None)
        with lock:
            answers[key].append(answer)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(send, enumerate(sends)))
    return {k: v for k, v in answers.items() if v}, time.monotonic() - started


def tally(answers: dict[str, list], new_ids: set[str], stored_keys: int) -> dict:
    """Count lost, duplicated and unanswered requests (see the module docstring).

    ``stored_keys`` is the number of idempotency records in the database: one per key
    whose request committed, written in the same transaction as its signal; so new
    signals beyond it are duplicates even for a key whose answers never arrived."""
    lost = duplicated_answers = unanswered = 0
    answered_ids: set[str] = set()
    statuses: dict[str, int] = {}
    for pair in answers.values():
        for status, _ in pair:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        ids = {signal_id for status, signal_id in pair if status == 201 and signal_id}
        if len(ids) > 1:
            duplicated_answers += 1
        if not ids:
            unanswered += 1
        for signal_id in ids:
            answered_ids.add(signal_id)
            if signal_id not in new_ids:
                lost += 1
    return {
        "keys": len(answers),
        "sent_twice": sum(len(pair) == 2 for pair in answers.values()),
        "statuses": statuses,
        "new_signals": len(new_ids),
        "lost": lost,
        "duplicated": duplicated_answers + max(0, len(new_ids) - stored_keys),
        "stored_without_answer": max(0, len(new_ids) - len(answered_ids)),
        "unanswered": unanswered,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--max-seconds", type=float, help="stop sending after this long")
    args = parser.parse_args(argv)
    serverkit.clean_up_on_sigterm()

    with tempfile.TemporaryDirectory(prefix="zicht-idempotency-") as tmp:
        site = serverkit.site(args.db, Path(tmp) / args.db)
        try:
            accounts = site.prepare(demo=False, professionals=1)
            before = set(site.query(SIGNAL_IDS)["ids"])
            urls = [site.start_web(workers=args.workers)[1] for _ in range(args.servers)]
            load_before = serverkit.load_average()
            answers, seconds = send_all(
                urls, accounts["keys"], args.requests, args.concurrency, args.seed, args.max_seconds
            )
            load_after = serverkit.load_average()
            new_ids = set(site.query(SIGNAL_IDS)["ids"]) - before
            stored_keys = site.query(serverkit.COUNTS)["idempotency_records"]
            result = tally(answers, new_ids, stored_keys)
        finally:
            site.stop_all()
            serverkit.drop(site)
    print(
        f"{args.db}: {result['keys']} requests ({result['sent_twice']} of them sent twice) by "
        f"{args.concurrency} threads to {args.servers} servers x {args.workers} workers in "
        f"{seconds:.0f} s ({sum(result['statuses'].values()) / seconds:.1f} POSTs/s); answers "
        f"{result['statuses']}; new signals in the database {result['new_signals']}; "
        f"lost {result['lost']}, duplicated {result['duplicated']}, "
        f"unanswered {result['unanswered']} (stored but no answer arrived: "
        f"{result['stored_without_answer']}); load {load_before[0]:.1f} -> {load_after[0]:.1f}"
    )
    ok = result["lost"] == 0 and result["duplicated"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
