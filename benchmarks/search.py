"""Search latency of one organisation's signals through the blind index (issue 11).

Creates N signals (default 10,000) with realistic Dutch identities from ``zicht.simulation``
in ONE organisation (the worst case: the search reads only that organisation's tokens),
directly as rows plus their search tokens (what ``signal_create`` writes, without the
person index, which search does not use), on a throw-away SQLite database. Then times
``signal_search`` followed by decrypting the first page (``signal_rows``, 25 rows: what
the list shows) for Q queries of each kind, and prints median/p95 with the machine load.

    .venv/bin/python benchmarks/search.py --signals 10000 --queries 50 --markdown OUT.md
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def setup_django(var_dir: str) -> None:
    os.environ["ZICHT_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "zicht.conf.settings"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def typo(word: str, rng: random.Random) -> str:
    """One edit: substitute, delete, insert a letter or swap two neighbours."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    i = rng.randrange(len(word))
    kind = rng.choice(("substitute", "delete", "insert", "swap") if len(word) > 3 else ("insert",))
    if kind == "substitute":
        return word[:i] + rng.choice(letters.replace(word[i].lower(), "")) + word[i + 1 :]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "insert":
        return word[:i] + rng.choice(letters) + word[i:]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def populate(n: int, seed: int):
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from zicht.accounts.models import Municipality, Organisation
    from zicht.intake import search
    from zicht.intake.models import IndicatorCatalogue, Signal, SignalIdentity, SignalSearchToken
    from zicht.simulation import get_scenario, simulate

    today = dt.date.today()
    scenario = get_scenario("default").replace(
        population=max(3000, int(n * 1.1)),
        start=today - dt.timedelta(days=720),
        end=today - dt.timedelta(days=1),
    )
    people = simulate(scenario, seed=seed).signals
    while len(people) < n:  # a small population: record its signals again
        people += people[: n - len(people)]
    people = people[:n]
    municipalities = {m.code: m for m in Municipality.objects.all()}
    organisation = Organisation.objects.create(
        name="Benchmark", type="police", municipality=next(iter(municipalities.values()))
    )
    author = get_user_model().objects.create_user(username="benchmark", password=None)
    catalogue = IndicatorCatalogue.objects.get(is_current=True)
    key_id = search.current_key_id()
    t0 = time.perf_counter()
    with transaction.atomic():
        signals = Signal.objects.bulk_create(
            Signal(
                reference=f"ZS-B-{i:06d}",
                organisation=organisation,
                author=author,
                contact_date=p.date,
                setting="school",
                catalogue=catalogue,
                expires_on=today + dt.timedelta(days=365),
                municipality=municipalities.get(p.municipality),
                age_at_contact=(p.date - p.date_of_birth).days // 365,
            )
            for i, p in enumerate(people)
        )
        SignalIdentity.objects.bulk_create(
            SignalIdentity(
                signal=s,
                given_names=p.given_names,
                surname=p.surname,
                date_of_birth=p.date_of_birth.isoformat(),
                sex=p.sex,
                bsn=p.bsn,
                municipality=p.municipality,
            )
            for s, p in zip(signals, people, strict=True)
        )
        tokens = []
        for s, p in zip(signals, people, strict=True):
            tokens += [
                SignalSearchToken(
                    signal=s, organisation=organisation, kind=kind, token=token, key_id=key_id
                )
                for kind, token in search.identity_tokens(
                    organisation_id=organisation.pk,
                    given_names=p.given_names,
                    surname=p.surname,
                    date_of_birth=p.date_of_birth.isoformat(),
                    bsn=p.bsn,
                )
            ]
        SignalSearchToken.objects.bulk_create(tokens, batch_size=5000)
    return organisation, signals, people, len(tokens), time.perf_counter() - t0


def queries(signals, people, count: int, rng: random.Random):
    """(kind, SearchQuery, the signal it was made from) for each kind of search."""
    from zicht.intake.search import SearchQuery

    picks = rng.sample(range(len(people)), count)
    with_bsn = [i for i in range(len(people)) if people[i].bsn]
    bsn_picks = rng.sample(with_bsn, min(count, len(with_bsn)))
    out = []
    for i in picks:
        p = people[i]
        out.append(("name (given + surname)", SearchQuery(name=f"{p.given_names} {p.surname}"), i))
    for i in picks:
        p = people[i]
        words = p.surname.split()
        words[-1] = typo(words[-1], rng)
        query = SearchQuery(name=f"{p.given_names} {' '.join(words)}")
        out.append(("given name + surname with one typo", query, i))
    for i in picks:
        words = people[i].surname.split()
        words[-1] = typo(words[-1], rng)
        out.append(("surname alone, one typo", SearchQuery(name=" ".join(words)), i))
    for i in picks:
        out.append(
            ("date of birth", SearchQuery(date_of_birth=people[i].date_of_birth.isoformat()), i)
        )
    for i in bsn_picks:
        out.append(("BSN", SearchQuery(bsn=people[i].bsn), i))
    return out


def through_the_page(organisation, people, count: int, rng: random.Random) -> list[float]:
    """The same search as a professional does it: POST the form, follow the redirect to
    the list (middleware, session, audit event, template), with a typo in the surname."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zicht.accounts.models import Membership

    user = get_user_model().objects.get(username="benchmark")
    Membership.objects.create(user=user, organisation=organisation, role="professional")
    device = TOTPDevice.objects.create(user=user, name="benchmark")
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    # One untimed request first: it loads the URLconf, templates and translations once.
    client.post("/signalen/zoeken/", {"name": people[0].surname}, follow=True)
    timings = []
    for i in rng.sample(range(len(people)), count):
        words = people[i].surname.split()
        words[-1] = typo(words[-1], rng)
        t0 = time.perf_counter()
        response = client.post(
            "/signalen/zoeken/", {"name": f"{people[i].given_names} {' '.join(words)}"}, follow=True
        )
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200 and b"gevonden" in response.content, "nothing found"
    return timings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=50, help="queries of each kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--markdown", help="also write the results as Markdown here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        from zicht.intake import selectors

        rng = random.Random(args.seed)
        load_before = os.getloadavg()
        organisation, signals, people, n_tokens, t_fill = populate(args.signals, args.seed)
        member = SimpleNamespace(organisation_id=organisation.pk)
        timings: dict[str, list[float]] = {}
        found: dict[str, list[int]] = {}
        sizes: dict[str, list[int]] = {}
        for kind, query, i in queries(signals, people, args.queries, rng):
            t0 = time.perf_counter()
            ids = selectors.signal_search(membership=member, query=query)
            rows = selectors.signal_rows(membership=member, signal_ids=ids[:25])
            timings.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
            target = signals[i].pk
            # The signal searched for: found (in the results at all) and on the first page.
            found.setdefault(kind, []).append(
                2 if any(r.signal.pk == target for r in rows) else int(target in ids)
            )
            sizes.setdefault(kind, []).append(len(ids))
        page_ms = through_the_page(organisation, people, args.queries, rng)
        load_after = os.getloadavg()

    lines = [
        f"Command: `.venv/bin/python benchmarks/search.py --signals {args.signals} "
        f"--queries {args.queries} --seed {args.seed}`",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, SQLite; load average (1/5/15 min) "
        f"{'/'.join(f'{x:.2f}' for x in load_before)} before, "
        f"{'/'.join(f'{x:.2f}' for x in load_after)} after.",
        "",
        f"{args.signals:,} signals in one organisation, {n_tokens:,} tokens "
        f"({n_tokens / args.signals:.0f} per signal), created in {t_fill:.1f} s.",
        "",
        "| query | n | median | p95 | max | found on page 1 | found | mean results |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, ms in timings.items():
        ms_sorted = sorted(ms)
        p95 = ms_sorted[min(len(ms_sorted) - 1, round(0.95 * (len(ms_sorted) - 1)))]
        hits = found[kind]
        lines.append(
            f"| {kind} | {len(ms)} | {statistics.median(ms):.1f} ms | {p95:.1f} ms | "
            f"{max(ms):.1f} ms | {sum(h == 2 for h in hits)}/{len(hits)} | "
            f"{sum(h >= 1 for h in hits)}/{len(hits)} | {statistics.mean(sizes[kind]):.1f} |"
        )
    ms = sorted(page_ms)
    lines += [
        "",
        f"Through the page (POST the search, follow the redirect to the rendered list, "
        f"{len(ms)} queries of given name + surname with one typo): median "
        f"{statistics.median(ms):.1f} ms, p95 {ms[round(0.95 * (len(ms) - 1))]:.1f} ms, "
        f"max {ms[-1]:.1f} ms.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
