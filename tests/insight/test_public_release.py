"""The public statistics release (issue 16): differential privacy, one release a year."""

import csv
import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.insight import public
from zicht.insight.models import PublicRelease
from zicht.insight.services import release_create

YEAR = timezone.localdate().year


def _record(person, day, forms=("fraud",), municipality="GM0599"):
    date = dt.date(YEAR, 1, 1) + dt.timedelta(days=day)
    return public.Record(person, date, f"{YEAR}-{date.month:02d}", "16-17", forms, municipality)


CATS = public.categories(year=YEAR, forms=["fraud", "money_mule"], municipalities=["GM0599"])


def test_noise_is_added_with_the_calibrated_spread():
    """Discrete Laplace with scale C/epsilon: about sqrt(2)*scale standard deviation."""
    eps = 0.25
    scale = public.CONTRIBUTION_BOUND / eps  # 12
    noisy = public.noisy_tables({"month": [1000] * 4000}, epsilon_per_table=eps)["month"]
    errors = [n - 1000 for n in noisy]
    assert abs(statistics.mean(errors)) < 1.5
    assert 0.8 * 2**0.5 * scale < statistics.stdev(errors) < 1.2 * 2**0.5 * scale
    assert sum(e == 0 for e in errors) < 0.1 * len(errors)


def test_noisy_counts_are_whole_and_never_negative():
    noisy = public.noisy_tables({"age": [0] * 500}, epsilon_per_table=0.25)["age"]
    assert all(isinstance(n, int) and n >= 0 for n in noisy)
    assert any(n > 0 for n in noisy)  # zero cells get noise too


def test_opendp_charges_the_stated_epsilon_for_the_bound():
    m = public.mechanism(epsilon=0.25)
    assert m.map(public.CONTRIBUTION_BOUND) == pytest.approx(0.25)
    with pytest.raises(ValueError):
        public.mechanism(epsilon=0)


def test_one_person_changes_every_table_by_at_most_the_bound():
    others = [_record(f"p{i}", i) for i in range(30)]
    heavy = [_record("heavy", d, forms=("fraud", "money_mule")) for d in range(0, 300, 10)]
    with_heavy = public.true_tables(others + heavy, CATS)
    without = public.true_tables(others, CATS)
    for kind in public.TABLE_KINDS:
        diff = sum(abs(a - b) for a, b in zip(with_heavy[kind], without[kind], strict=True))
        assert diff == public.CONTRIBUTION_BOUND, kind
    # Categories are fixed: every month shows, seen or not.
    assert len(without["month"]) == 12 and sum(without["month"]) == 30


@pytest.fixture
def year_signals(make_member):
    """60 signals of this year in Rotterdam (bulk: the release reads only their facts)."""
    from zicht.intake.models import Signal
    from zicht.intake.selectors import current_catalogue

    member = make_member(role=Role.PROFESSIONAL)
    Signal.objects.bulk_create(
        Signal(
            id=uuid.uuid4(),
            reference=f"PR-{i:04d}",
            organisation=member.organisation,
            author=member.user,
            contact_date=dt.date(YEAR, 1 + i % 11, 1 + i % 27),
            setting="school",
            catalogue=current_catalogue(),
            indicator_codes=["school.truancy"],
            forms=["drug_transport"] if i % 2 else ["fraud"],
            municipality_id="GM0599",
            age_at_contact=12 + i % 10,
            expires_on=dt.date(YEAR + 5, 1, 1),
        )
        for i in range(60)
    )


@pytest.mark.django_db
def test_analyst_publishes_once_and_the_budget_is_then_spent(make_member, year_signals, settings):
    settings.ZICHT_PUBLIC_RELEASE_EPSILON = 1.0
    analyst = make_member(role=Role.ANALYST)
    release = release_create(by=analyst.user, year=YEAR)
    assert release.epsilon_total == 1.0 and release.epsilon_per_table == 0.25
    assert set(release.tables) == set(public.TABLE_KINDS)
    assert len(release.tables["month"]) == 12
    assert AuditEvent.objects.filter(action="insight.public_release_created").count() == 1
    with pytest.raises(ValidationError, match="budget"):
        release_create(by=analyst.user, year=YEAR)
    assert PublicRelease.objects.count() == 1
    assert AuditEvent.objects.filter(action="insight.public_release_created").count() == 1


@pytest.mark.django_db
def test_stored_tables_are_noisy_not_the_true_counts(make_member, year_signals):
    from zicht.insight.selectors import public_release_records

    analyst = make_member(role=Role.ANALYST)
    release = release_create(by=analyst.user, year=YEAR)
    cats = public.categories(year=YEAR, forms=list(release.tables["form"])[:-1], municipalities=[])
    true = public.true_tables(public_release_records(year=YEAR), cats)
    # 12 months + 11 age groups; the chance that noise of scale 12 leaves all equal is nil.
    assert list(release.tables["month"].values()) != true["month"]
    assert list(release.tables["age"].values()) != true["age"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.COORDINATOR, Role.ORG_ADMIN])
def test_only_an_analyst_can_publish(make_member, role):
    with pytest.raises(PermissionDenied):
        release_create(by=make_member(role=role).user, year=YEAR)
    assert not PublicRelease.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("year", [1999, YEAR + 1])
def test_a_year_outside_the_range_is_refused(make_member, year):
    with pytest.raises(ValidationError):
        release_create(by=make_member(role=Role.ANALYST).user, year=year)
    assert not PublicRelease.objects.exists()


@pytest.mark.django_db
def test_public_page_without_login_in_both_languages(make_member, year_signals):
    release_create(by=make_member(role=Role.ANALYST).user, year=YEAR)
    anonymous = Client()
    nl = anonymous.get("/cijfers/")
    assert nl.status_code == 200
    html = nl.content.decode()
    assert (
        f"Cijfers over {YEAR}" in html and "Privacybudget: epsilon 1,0 voor het hele jaar" in html
    )
    assert "Rotterdam" in html and "PR-0001" not in html
    en = anonymous.get("/en/cijfers/").content.decode()
    assert f"Figures for {YEAR}" in en and "Privacy budget: epsilon 1.0 for the whole year" in en
    assert "0.25 for each of the four tables" in en and "at most 3" in en


@pytest.mark.django_db
def test_page_without_releases_says_so():
    assert "Figures have been published" not in Client().get("/en/cijfers/").content.decode()
    assert "No figures have been published yet" in Client().get("/en/cijfers/").content.decode()


@pytest.mark.django_db
def test_csv_per_table_holds_the_noisy_counts(make_member, year_signals):
    release = release_create(by=make_member(role=Role.ANALYST).user, year=YEAR)
    response = Client().get(reverse("public_statistics:csv", args=[YEAR, "month"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 12
    assert [int(r["noisy_count"]) for r in rows] == list(release.tables["month"].values())
    assert {r["epsilon_table"] for r in rows} == {"0.25"}
    assert Client().get(f"/cijfers/{YEAR}/secret.csv").status_code == 404
    assert Client().get(f"/cijfers/{YEAR - 1}/month.csv").status_code == 404


@pytest.mark.django_db
def test_management_command_publishes_and_refuses_a_second_time(make_member, year_signals):
    analyst = make_member(role=Role.ANALYST)
    out = io.StringIO()
    call_command("create_public_release", year=YEAR, by=analyst.user.username, stdout=out)
    assert "epsilon 1.0" in out.getvalue()
    with pytest.raises(CommandError, match="budget"):
        call_command("create_public_release", year=YEAR, by=analyst.user.username)
    with pytest.raises(CommandError, match="No user"):
        call_command("create_public_release", year=YEAR, by="nobody")


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "nan", "inf"])
def test_budget_setting_is_validated(monkeypatch, raw):
    from zicht.conf import registry

    monkeypatch.setenv("ZICHT_PUBLIC_RELEASE_EPSILON", raw)
    with pytest.raises(ImproperlyConfigured, match="ZICHT_PUBLIC_RELEASE_EPSILON"):
        registry.value("ZICHT_PUBLIC_RELEASE_EPSILON")


def _budget_at_start_up(tmp_path, raw: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZICHT_")}
    env.update(
        ZICHT_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="zicht.conf.settings",
        ZICHT_PUBLIC_RELEASE_EPSILON=raw,
    )
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.ZICHT_PUBLIC_RELEASE_EPSILON)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_a_bad_budget_stops_start_up_by_name(tmp_path):
    result = _budget_at_start_up(tmp_path, "-0.5")
    assert result.returncode != 0
    assert "ZICHT_PUBLIC_RELEASE_EPSILON must be a number above 0.0" in result.stderr
    ok = _budget_at_start_up(tmp_path, "0.5")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "0.5"
