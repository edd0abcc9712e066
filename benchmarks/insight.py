"""Server time of the insight dashboard (``/inzicht/``) at 3,000, 30,000 and 100,000 signals.

Each size gets a throw-away SQLite database. The signals come from the simulation (the same
scenario as the demo, population scaled to the number of signals) and are *bulk-created*:
recording 100,000 signals one by one through ``signal_create`` (encryption, pseudonyms,
person index) would take hours. The person index is stood in for by the simulation's truth:
every signal of one simulated young person is joined to the previous one by a strong match,
which is what the insight app reads (``linkage.selectors.confirmed_pairs``). Referrals and
coordination files are not simulated (they are counted, not scanned, by the dashboard).

Measured through Django's test client as a logged-in analyst (server time: request in,
response out, no network), for the dashboard and a filtered view each: the cold visit of
a fresh installation (no snapshot of the counted signals stored yet, nothing counted: the
request builds it and counts, see zicht.insight.snapshot), the first visit
as in a freshly started web process (snapshot and counted tables kept in the database,
nothing unpacked or counted in the process, no estimate: the page queues it and says it is
being computed), the same with no counted tables (a selection nobody looked at since the
data changed: the request loads the snapshot's rows and counts them), the model
fit the worker then does (timed apart), later visits (estimate cached), and the same for a
filtered view (the last year against the year before).
The machine load (1-minute load average) is printed with every row.

    .venv/bin/python benchmarks/insight.py --sizes 3000 30000 100000 --repeat 10 \\
        --markdown benchmarks/results/insight.md
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

SIGNALS_PER_PERSON = 1.0  # a first guess; bulk_signals() scales the population up


def setup_django(var_dir: str) -> None:
    os.environ["ZICHT_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "zicht.conf.settings"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bulk_signals(n_signals: int, seed: int = 7) -> int:
    """Create about ``n_signals`` simulated signals and their strong matches in bulk."""
    import datetime as dt
    import uuid

    from django.contrib.auth import get_user_model

    from zicht.accounts import selectors as account_selectors
    from zicht.accounts import services as account_services
    from zicht.accounts.constants import Role
    from zicht.intake.demo import SETTING_FOR_SOURCE, SOURCE_TO_TYPE
    from zicht.intake.models import Signal
    from zicht.intake.selectors import current_catalogue
    from zicht.linkage.constants import MatchKind, MatchStatus
    from zicht.linkage.models import Match
    from zicht.simulation import get_scenario, simulate

    today = dt.date.today()
    scenario = get_scenario("default").replace(
        population=max(50, round(n_signals / SIGNALS_PER_PERSON)),
        start=today - dt.timedelta(days=720),
        end=today - dt.timedelta(days=1),
    )
    result = simulate(scenario, seed=seed)
    while len(result.signals) < n_signals:  # scale the population up until enough signals
        population = round(scenario.population * n_signals / max(1, len(result.signals)) * 1.05)
        scenario = scenario.replace(population=population)
        result = simulate(scenario, seed=seed)
    catalogue = current_catalogue()
    organisations: dict = {}
    authors: dict = {}
    rows, matches = [], []
    last_of_person: dict = {}
    for i, s in enumerate(result.signals[:n_signals]):
        org = organisations.get(s.organisation)
        if org is None:
            org = account_services.organisation_create(
                name=s.organisation,
                type=SOURCE_TO_TYPE[s.source_type],
                municipality=account_selectors.municipality_get(code=s.municipality),
            )
            user = get_user_model().objects.create(username=f"bench-{org.pk}")
            account_services.membership_create(user=user, organisation=org, role=Role.PROFESSIONAL)
            organisations[s.organisation], authors[s.organisation] = org, user
        age = (s.date - s.date_of_birth).days // 365
        signal = Signal(
            id=uuid.uuid4(),
            reference=f"BM-{i:07d}",
            organisation=org,
            author=authors[s.organisation],
            contact_date=s.date,
            setting=SETTING_FOR_SOURCE[s.source_type],
            catalogue=catalogue,
            indicator_codes=list(s.indicators),
            forms=list(s.forms),
            immediate_danger=s.immediate_danger,
            municipality_id=s.municipality,
            age_at_contact=age,
            expires_on=today + dt.timedelta(days=3650),
        )
        rows.append(signal)
        person = result.truth[s.signal_id]
        previous = last_of_person.get(person)
        if previous is not None:
            same_org = previous.organisation_id == org.pk
            matches.append(
                Match(
                    signal_a_id=previous.id,
                    organisation_a_id=previous.organisation_id,
                    signal_b_id=signal.id,
                    organisation_b_id=org.pk,
                    kind=MatchKind.EXACT,
                    status=MatchStatus.INTERNAL if same_org else MatchStatus.CONFIRMED,
                    strong=True,
                )
            )
        last_of_person[person] = signal
    Signal.objects.bulk_create(rows, batch_size=2000)
    Match.objects.bulk_create(matches, batch_size=2000)
    return len(rows)


def analyst_client():
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from tests.factories import MembershipFactory, OrganisationFactory

    from zicht.accounts.constants import OrganisationType, Role

    # An analyst works at an organisation of type "other" (accounts.constants.roles_for).
    analyst = MembershipFactory(
        role=Role.ANALYST, organisation=OrganisationFactory(type=OrganisationType.OTHER)
    )
    device = TOTPDevice.objects.create(user=analyst.user, name="bench", confirmed=True)
    client = Client()
    client.force_login(analyst.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


CPU: list[float] = []  # CPU seconds of each timed request, beside its wall time


def timed(client, url: str, params: dict) -> float:
    """Wall time of one request; its CPU time (what it would take on an idle core) is
    appended to CPU. On a shared, busy machine the two differ by the waiting."""
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, params)
    elapsed = time.perf_counter() - start
    CPU.append(time.process_time() - cpu)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def forget_process() -> None:
    """Drop what this process keeps between requests (the unpacked snapshot, the counted
    tables), as a freshly started web process would not have them."""
    from zicht.insight import snapshot, tables

    snapshot._LOADED.clear()
    tables._KEPT.clear()


def forget_counted() -> None:
    """Drop the counted tables every process shares (model CountedTables): as for a
    selection nobody looked at since the data last changed."""
    from zicht.insight.models import CountedTables

    CountedTables.objects.all().delete()


def forget_snapshot() -> None:
    """Drop the stored snapshot of the counted signals: as on a fresh installation whose
    first visit comes before any worker or ``load_demo`` counted them."""
    from zicht.insight.models import CountSnapshot

    CountSnapshot.objects.all().delete()


def measure(size: int, repeat: int, uncounted_only: bool = False) -> list[dict]:
    import datetime as dt

    from zicht.insight.models import EstimateCache
    from zicht.insight.selectors import Scope
    from zicht.insight.services import estimate_refresh

    today = dt.date.today()
    start = time.perf_counter()
    created = bulk_signals(size)
    setup = time.perf_counter() - start
    client = analyst_client()
    views = {
        "dashboard": {},
        # The last year against the year before it.
        "filtered": {
            "date_from": today - dt.timedelta(days=365),
            "date_to": today,
            "compare_from": today - dt.timedelta(days=730),
            "compare_to": today - dt.timedelta(days=366),
        },
    }
    out = []
    from django.core.cache import cache

    # A fresh web process pays for importing the URL configuration (every app's views,
    # scipy.stats for the monitor) on its first request, whatever the page: timed apart,
    # so the cold visit below is what the dashboard itself costs.
    start, cpu = time.perf_counter(), time.process_time()
    client.get("/")
    startup, startup_cpu = time.perf_counter() - start, time.process_time() - cpu

    for name, params in views.items():
        EstimateCache.objects.all().delete()
        load = os.getloadavg()[0]
        # Cold: nothing kept at all (a fresh installation): the request itself reads and
        # clusters every signal into the snapshot (zicht.insight.snapshot) and counts.
        forget_process()
        forget_counted()
        forget_snapshot()
        cache.clear()
        cold = timed(client, "/inzicht/", params)
        cold_cpu = CPU[-1]
        EstimateCache.objects.all().delete()
        # The first visit of a selection nobody counted since the data changed, in a
        # freshly started process: the request loads the snapshot's rows and counts them
        # (and keeps the tables for every process).
        forget_process()
        forget_counted()
        uncounted = timed(client, "/inzicht/", params)
        uncounted_cpu = CPU[-1]
        # The first visit: as in a freshly started process (the snapshot and the counted
        # tables kept in the database, nothing unpacked or counted in this process yet,
        # no estimate cached: the page queues the estimate and says it is being computed).
        forget_process()
        first = timed(client, "/inzicht/", params)
        first_cpu = CPU[-1]
        fit, repeats, cpu = 0.0, [first], [first_cpu]
        if not uncounted_only:
            # What the worker then does (timed apart: it is not part of any page view).
            start = time.perf_counter()
            estimate_refresh(
                scope=Scope(None, "national"),
                date_from=params.get("date_from"),
                date_to=params.get("date_to"),
            )
            fit = time.perf_counter() - start
            CPU.clear()
            repeats = [timed(client, "/inzicht/", params) for _ in range(repeat)]
            cpu = list(CPU)
        out.append(
            {
                "signals": created,
                "view": name,
                "first": first,
                "first_cpu": first_cpu,
                "cpu_p50": statistics.median(cpu),
                "cpu_p95": percentile(cpu, 0.95),
                "fit": fit,
                "p50": statistics.median(repeats),
                "p95": percentile(repeats, 0.95),
                "load": load,
                "setup": setup,
                "cold": cold,
                "cold_cpu": cold_cpu,
                "uncounted": uncounted,
                "uncounted_cpu": uncounted_cpu,
                "startup": startup,
                "startup_cpu": startup_cpu,
            }
        )
        print(
            f"{created:>7} {name:<10} first {first:6.2f}s CPU {first_cpu:5.2f}s  "
            f"first, nothing counted {uncounted:6.2f}s CPU {uncounted_cpu:5.2f}s  repeat p50 {out[-1]['p50']:5.2f}s "
            f"p95 {out[-1]['p95']:5.2f}s  CPU p50 {out[-1]['cpu_p50']:5.2f}s "
            f"p95 {out[-1]['cpu_p95']:5.2f}s  estimate fit (worker) {fit:5.2f}s  load {load:4.1f}  "
            f"cold (snapshot built in the request) {cold:5.2f}s CPU {cold_cpu:5.2f}s  "
            f"process start-up (first request, any page) {startup:5.2f}s CPU {startup_cpu:5.2f}s  "
            f"(data in {setup:.0f}s)",
            flush=True,
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 30000, 100000])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--markdown", type=Path)
    parser.add_argument(
        "--uncounted-only",
        action="store_true",
        help="only the cold and first visits (nothing counted, counted): no worker fit, "
        "no later visits (their columns then repeat the first visit)",
    )
    args = parser.parse_args()
    rows: list[dict] = []
    for size in args.sizes:
        # One database per size, in a fresh process each (Django is set up once per process).
        if len(args.sizes) > 1:
            import json
            import subprocess

            result = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--sizes",
                    str(size),
                    "--repeat",
                    str(args.repeat),
                    *(["--uncounted-only"] if args.uncounted_only else []),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            print(result.stdout, end="", flush=True)
            rows += json.loads(result.stdout.strip().splitlines()[-1].removeprefix("JSON "))
            continue
        with tempfile.TemporaryDirectory() as var_dir:
            setup_django(var_dir)
            import json

            found = measure(size, args.repeat, args.uncounted_only)
            print("JSON " + json.dumps(found))
            rows += found
    if args.markdown:
        lines = [
            "| signals | view | first visit wall (CPU) s | first visit, nothing counted, "
            "wall (CPU) s | later p50 wall (CPU) s | later p95 wall (CPU) s | estimate fit, "
            "worker (s) | cold: snapshot built in the request, wall (CPU) s "
            "| process start-up, first request of any page, wall (CPU) s "
            "| load (1 min, 2 cores) |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            *[
                f"| {r['signals']:,} | {r['view']} | {r['first']:.2f} ({r['first_cpu']:.2f}) | "
                f"{r['uncounted']:.2f} ({r['uncounted_cpu']:.2f}) | "
                f"{r['p50']:.2f} ({r['cpu_p50']:.2f}) | {r['p95']:.2f} ({r['cpu_p95']:.2f}) | "
                f"{r['fit']:.2f} | {r['cold']:.2f} ({r['cold_cpu']:.2f}) | "
                f"{r['startup']:.2f} ({r['startup_cpu']:.2f}) | {r['load']:.1f} |"
                for r in rows
            ],
        ]
        args.markdown.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
