"""Where the time of one API signal POST goes (issue 18), measured with cProfile.

Runs ``--count`` ``POST /api/v1/signals/`` requests in this process through Django's
test client (the whole stack: key check, throttle, serializer, the form's rules,
encryption, encoding, matching, the audit chain, the idempotency record, the response)
against a database given by ``DATABASE_URL`` (default: a fresh SQLite file), after the
demo data is loaded so that matching searches a real index. It prints the share of
wall time spent in each part, counted once (a part's time includes what it calls, and
parts are attributed innermost first so nothing counts twice), and the number of SQL
queries per request.

It also times how long the audit chain's head row is held per request: from the moment
the first audit event of the request locks the head until the commit. On PostgreSQL
requests with the head locked run one at a time, so 1 / (held time) bounds the
throughput of the whole site whatever the number of cores.

    DATABASE_URL=postgres://zicht:zicht@127.0.0.1:5432/zicht_load_x \
        .venv/bin/python benchmarks/signal_profile.py --count 200
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

# Parts, innermost first: a function's time goes to the first part whose pattern its
# file and name match, and is taken out of every part that calls it.
PARTS = [
    ("encryption (Fernet)", ("cryptography/", "zicht/core/crypto.py")),
    ("encoding (pprl.encoding)", ("zicht/pprl/encoding.py", "zicht/pprl/normalise.py")),
    ("search tokens (intake.search)", ("zicht/intake/search.py",)),
    ("audit chain (audit.services)", ("zicht/audit/services.py",)),
    ("matching (linkage.services)", ("zicht/linkage/services.py", "zicht/linkage/evidence.py")),
    ("database driver + SQL", ("sqlite3", "psycopg/", "django/db/backends/")),
    ("Django ORM (query building)", ("django/db/models/",)),
    ("form rules, serializer, view", ("zicht/intake/", "zicht/api/", "rest_framework/")),
]


# Steps of a request, inclusive (a step's time includes its queries and what it calls).
STEPS = [
    ("the whole view (create)", "zicht/api/views.py", "create"),
    (
        "  checking the request (serializer, the form's rules)",
        "rest_framework/serializers.py",
        "is_valid",
    ),
    ("    the serializer's fields (DRF builds them)", "rest_framework/serializers.py", "fields"),
    ("    the current catalogue", "zicht/intake/selectors.py", "current_catalogue"),
    ("    the rules' form built", "zicht/intake/rules.py", "__init__"),
    ("    the rules checked", "django/forms/forms.py", "full_clean"),
    ("  signal_create", "zicht/intake/services.py", "signal_create"),
    ("    signal row, revision, audit event", "zicht/intake/services.py", "_signal_record"),
    ("    identity (encrypted) and search tokens", "zicht/intake/services.py", "_write_identity"),
    ("    index: encoding and matching", "zicht/intake/services.py", "_index"),
    ("      encoding", "zicht/pprl/encoding.py", "encode"),
    ("      candidates (queries)", "zicht/linkage/services.py", "_candidates"),
    ("  the API's audit event", "zicht/api/views.py", "_audit"),
    ("  reading the signal back for the answer", "zicht/intake/selectors.py", "signal_get"),
    ("  serialising the answer (decryption)", "rest_framework/serializers.py", "to_representation"),
    ("appending to the audit chain (all events)", "zicht/audit/services.py", "_append"),
]


def steps(profile: cProfile.Profile, count: int) -> list[tuple[str, float]]:
    stats = pstats.Stats(profile).stats
    out = []
    for label, path, func in STEPS:
        # The outermost of same-named functions (Serializer.data calls BaseSerializer.data).
        total = max(
            (
                ct
                for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.items()
                if path in filename and name == func
            ),
            default=0.0,
        )
        out.append((label, 1000 * total / count))
    return out


def part_of(filename: str) -> str | None:
    for name, patterns in PARTS:
        if any(p in filename for p in patterns):
            return name
    return None


def shares(profile: cProfile.Profile) -> dict[str, float]:
    """Exclusive time per part: each function's own time (tottime) goes to its part."""
    stats = pstats.Stats(profile)
    totals: dict[str, float] = {}
    for (filename, _line, _func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        part = part_of(filename) or "other (Python, Django request handling)"
        totals[part] = totals.get(part, 0.0) + tottime
    return totals


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument("--dump", help="also write the raw cProfile stats to this file")
    args = parser.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="zicht-profile-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/zicht.sqlite3")
    os.environ["ZICHT_VAR_DIR"] = os.environ.get("ZICHT_VAR_DIR", tmp)
    os.environ["ZICHT_API_RATE_LIMIT"] = "1000000/minute"
    os.environ["DJANGO_SETTINGS_MODULE"] = "zicht.conf.settings"
    os.environ.setdefault("ZICHT_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    import serverkit
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from zicht.audit import services as audit_services
    from zicht.audit.models import ChainHead

    call_command("migrate", verbosity=0)
    if not args.no_demo:
        call_command("load_demo", verbosity=0)
    import json

    from django.core.management import call_command as _  # noqa: F401

    namespace: dict = {}
    exec(
        "PROFESSIONALS = 1\n" + serverkit.ACCOUNTS.replace("print(json.dumps(out))", ""), namespace
    )
    keys = namespace["out"]["keys"]
    clients = []
    for raw in keys:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
        clients.append(client)

    # Time from the first lock of the chain's head in a request to its commit. The head
    # is locked where events are appended: ``_append`` where it exists (at the end of a
    # ``deferred()`` block, or at once outside one), else at the first ``record()``.
    from django.db import transaction

    held: list[float] = []
    locked_at: list[float] = []
    hooked = "_append" if hasattr(audit_services, "_append") else "record"
    original = getattr(audit_services, hooked)

    def timed(*args, **kwargs):
        if not locked_at:
            locked_at.append(time.perf_counter())
            transaction.on_commit(lambda: held.append(time.perf_counter() - locked_at[0]))
        return original(*args, **kwargs)

    setattr(audit_services, hooked, timed)
    rng = random.Random(18)
    import datetime as dt

    contact = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    for client in clients:  # warm up caches, imports, the first connection
        client.post("/api/v1/signals/", serverkit.signal_body(rng, contact), format="json")
    profile = cProfile.Profile()
    queries = 0
    started = time.perf_counter()
    for index in range(args.count):
        client = clients[index % len(clients)]
        locked_at.clear()
        with CaptureQueriesContext(connection) as captured:
            profile.enable()
            response = client.post(
                "/api/v1/signals/", serverkit.signal_body(rng, contact), format="json"
            )
            profile.disable()
        assert response.status_code == 201, response.content[:500]
        queries += len(captured.captured_queries)
    wall = time.perf_counter() - started
    setattr(audit_services, hooked, original)

    if args.dump:
        profile.dump_stats(args.dump)
    totals = shares(profile)
    total = sum(totals.values())
    print(f"database: {connection.vendor}; {args.count} API signal POSTs in {wall:.2f} s")
    print(
        f"per request: {1000 * wall / args.count:.1f} ms wall, {queries / args.count:.1f} SQL queries"
    )
    print(f"chain head: {ChainHead.objects.get().last_seq} events")
    held.sort()
    if held:
        print(
            f"audit chain head held per request (lock -> commit): "
            f"median {1000 * held[len(held) // 2]:.1f} ms, "
            f"so at most {1 / held[len(held) // 2]:.0f} requests/s on PostgreSQL"
        )
    print("\n| part | share of profiled time | ms per request |\n|---|---:|---:|")
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"| {name} | {100 * seconds / total:.1f}% | {1000 * seconds / args.count:.1f} |")
    print("\n| step (inclusive) | ms per request |\n|---|---:|")
    for label, ms in steps(profile, args.count):
        print(f"| {label} | {ms:.1f} |")
    print(json.dumps({"held_ms_median": 1000 * held[len(held) // 2] if held else None}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
