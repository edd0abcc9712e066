"""Speed of the municipal monitor at national scale (issue 17).

Creates N signals (default 100,000) over 47 municipalities on a throw-away SQLite
database - the 15 municipalities that started Preventie met Gezag and 32 more that
defined an area - as rows (what ``signal_create`` stores for statistics: date,
organisation type, municipality, buurt), plus confirmed matches so that about one signal
in three shares its young person with another. Rotterdam gets an area and two targets.
Then times, through the test client (URL routing, access check, template):

* the monitor page of one municipality (Rotterdam, whole year, area, two targets);
* the programme view of all 47 participants;

R times each, median and max, with the machine load.

    .venv/bin/python benchmarks/monitor.py --signals 100000 --repeat 5 --markdown OUT.md

Not in the data: coordination files and referrals (none are made here), so the
per-file part of the monitor reads an empty table.
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


def populate(n: int, seed: int, year: int):
    import datetime as dt
    import uuid

    from django.contrib.auth import get_user_model

    from zicht.accounts import selectors as account_selectors
    from zicht.accounts import services as account_services
    from zicht.accounts.constants import OrganisationType, Role
    from zicht.intake.models import IndicatorCatalogue, Signal
    from zicht.linkage.models import Match
    from zicht.monitor.constants import PARTICIPANTS_2022
    from zicht.monitor.demo import demo_reference_ensure
    from zicht.monitor.models import Area, Neighbourhood, Population

    rng = random.Random(seed)
    demo_reference_ensure()
    codes = [m.code for m in account_selectors.municipality_list()]
    others = [c for c in codes if c not in PARTICIPANTS_2022]
    extra = rng.sample(others, 32)
    for code in extra:
        Area.objects.create(municipality_id=code, name="PmG", codes=[f"WK{code[2:]}01"])
        Population.objects.create(
            municipality_id=code, year=year, young_people=rng.randint(8_000, 60_000)
        )
    participants = list(PARTICIPANTS_2022) + extra
    buurten = list(
        Neighbourhood.objects.filter(municipality_id="GM0599", kind="buurt").values_list(
            "code", flat=True
        )
    )
    types = [t for t in OrganisationType if t != OrganisationType.COORDINATION_CENTRE]
    author = get_user_model().objects.create(username="bench")
    orgs = {}
    for t in types:
        org = account_services.organisation_create(
            name=f"Bench {t}",
            type=t,
            municipality=account_selectors.municipality_get(code="GM0599"),
        )
        account_services.membership_create(user=author, organisation=org, role=Role.PROFESSIONAL)
        orgs[t] = org
    catalogue = IndicatorCatalogue.objects.get(is_current=True)
    # Participants hold most signals (Rotterdam about 6%), the rest of the country the rest.
    weights = [6 if c == "GM0599" else 3 for c in participants] + [1] * 50
    places = participants + rng.sample(others, 50)
    start = dt.date(year - 1, 1, 1)
    rows = []
    for i in range(n):
        municipality = rng.choices(places, weights)[0]
        rows.append(
            Signal(
                id=uuid.uuid4(),
                reference=f"B-{i:07d}",
                organisation=orgs[rng.choice(types)],
                author=author,
                contact_date=start + dt.timedelta(days=rng.randrange(700)),
                setting="school",
                catalogue=catalogue,
                municipality_id=municipality,
                neighbourhood_code=rng.choice(buurten)
                if municipality == "GM0599" and rng.random() < 0.75
                else "",
                age_at_contact=rng.randint(10, 23),
                expires_on=dt.date(year + 2, 1, 1),
            )
        )
    Signal.objects.bulk_create(rows, batch_size=2000)
    matches = []
    for a, b in zip(rows[0::6], rows[1::6], strict=False):
        matches.append(
            Match(
                signal_a_id=a.id,
                organisation_a_id=a.organisation_id,
                signal_b_id=b.id,
                organisation_b_id=b.organisation_id,
                kind="exact",
                status="confirmed",
                strong=True,
            )
        )
    Match.objects.bulk_create(matches, batch_size=2000)
    return len(participants), len(matches)


def admin_client(year: int):
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zicht.accounts import selectors as account_selectors
    from zicht.accounts import services as account_services
    from zicht.accounts.constants import OrganisationType, Role
    from zicht.monitor import services as monitor_services

    user = get_user_model().objects.create(username="gemeente-bench")
    org = account_services.organisation_create(
        name="Gemeente Rotterdam (bench)",
        type=OrganisationType.MUNICIPALITY,
        municipality=account_selectors.municipality_get(code="GM0599"),
    )
    membership = account_services.membership_create(
        user=user, organisation=org, role=Role.ORG_ADMIN
    )
    monitor_services.area_save(membership=membership, name="Zuid", codes=["WK059901", "WK059902"])
    for indicator in ("signals_school", "signals_youth_care"):
        monitor_services.target_save(
            membership=membership,
            indicator=indicator,
            kind="change",
            year=year,
            value=Decimal(25),
            baseline_year=year - 1,
        )
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def timed(client, url: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(url)
        out.append(time.perf_counter() - t)
        assert response.status_code == 200, response.status_code
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signals", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--markdown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        import logging

        logging.getLogger("zicht.audit").setLevel(logging.WARNING)
        from django.conf import settings
        from django.utils import timezone

        settings.ALLOWED_HOSTS.append("testserver")
        year = timezone.localdate().year
        t = time.perf_counter()
        participants, matches = populate(args.signals, args.seed, year)
        setup = time.perf_counter() - t
        client = admin_client(year)
        if os.environ.get("MONITOR_PROFILE"):
            import cProfile
            import pstats

            for url in (f"/en/monitor/?year={year}", f"/en/monitor/programma/?year={year}"):
                client.get(url)
                profile = cProfile.Profile()
                profile.enable()
                client.get(url)
                profile.disable()
                pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        monitor = timed(client, f"/en/monitor/?year={year}", args.repeat)
        programme = timed(client, f"/en/monitor/programma/?year={year}", args.repeat)
    load = os.getloadavg()[0]
    lines = [
        f"Command: `.venv/bin/python benchmarks/monitor.py --signals {args.signals} --repeat {args.repeat}`",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other jobs, "
        f"Python {platform.python_version()}, SQLite; load average {load:.1f}. "
        f"{args.signals:,} signals, {matches:,} confirmed matches, {participants} participating "
        f"municipalities; data made in {setup:.0f} s.",
        "",
        "| page | goal | median | max |",
        "|---|---|---:|---:|",
        f"| monitor of one municipality (Rotterdam, year, area, 2 targets) | < 1 s | {statistics.median(monitor):.2f} s | {max(monitor):.2f} s |",
        f"| programme view, {participants} municipalities | < 2 s | {statistics.median(programme):.2f} s | {max(programme):.2f} s |",
    ]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")


if __name__ == "__main__":
    main()
