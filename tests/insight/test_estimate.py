"""The hidden number: cached per scope, every kind of source counted, exported."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.intake.conftest import signal_post
from zicht.accounts.constants import OrganisationType, Role
from zicht.audit.models import AuditEvent
from zicht.insight.estimates import HiddenNumber, hidden_number
from zicht.insight.models import EstimateCache
from zicht.insight.selectors import Dataset, Scope, overlap, source_type
from zicht.insight.services import cache_key, parse_cache_key

pytestmark = pytest.mark.django_db

NATIONAL = Scope(None, "national")


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    # Dutch is the default language: Dutch Excel splits on ";".
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def municipal_admins(make_member):
    from tests.factories import OrganisationFactory
    from zicht.accounts.models import Municipality

    def admin(code):
        organisation = OrganisationFactory(
            type=OrganisationType.MUNICIPALITY, municipality=Municipality.objects.get(code=code)
        )
        return make_member(role=Role.ORG_ADMIN, organisation=organisation)

    return admin("GM0599"), admin("GM0344")


@pytest.fixture
def signals_in_two_municipalities(make_member, login):
    """Three young people in Rotterdam (GM0599), two in Utrecht (GM0344)."""
    people = [
        ("Mohamed", "El Amrani", "2010-04-03", "GM0599"),
        ("Daan", "de Vries", "2009-01-15", "GM0599"),
        ("Sem", "Jansen", "2011-07-30", "GM0599"),
        ("Ayşe", "Yılmaz", "2008-11-02", "GM0344"),
        ("Jayden", "Martina", "2010-02-21", "GM0344"),
    ]
    for given, surname, born, municipality in people:
        login(make_member(role=Role.PROFESSIONAL)).post(
            reverse("intake:signal_create"),
            signal_post(
                given_names=given, surname=surname, date_of_birth=born, municipality=municipality
            ),
        )


def _observed(client) -> int:
    response = client.get(reverse("insight:dashboard"))
    assert response.status_code == 200
    return response.context["hidden"]["observed"]


def test_municipality_admin_and_analyst_never_share_a_cached_estimate(
    make_member, login, municipal_admins, signals_in_two_municipalities
):
    rotterdam, _utrecht = municipal_admins
    analyst = make_member(role=Role.ANALYST)
    # The administrator comes first: before the fix their estimate was stored under the
    # national key and the analyst was shown Rotterdam's figures.
    assert _observed(login(rotterdam)) == 3
    assert _observed(login(analyst)) == 5
    assert _observed(login(rotterdam)) == 3
    assert _observed(login(analyst)) == 5
    assert EstimateCache.objects.count() == 2
    rotterdam_scope = Scope(None, "Rotterdam", municipality="GM0599")
    assert cache_key(rotterdam_scope, None, None, None) != cache_key(NATIONAL, None, None, None)
    # The analyst filtering on Rotterdam has the same signals but a cache entry of their own.
    response = login(analyst).get(reverse("insight:dashboard"), {"municipality": "GM0599"})
    assert response.context["hidden"]["observed"] == 3
    assert EstimateCache.objects.count() == 3


def test_nightly_refresh_keeps_every_scope_apart(
    make_member, login, municipal_admins, signals_in_two_municipalities
):
    from zicht.insight.tasks import refresh_estimates_task

    rotterdam, utrecht = municipal_admins
    today = timezone.localdate()
    login(rotterdam).get(reverse("insight:dashboard"))
    login(utrecht).get(reverse("insight:dashboard"), {"date_from": today - dt.timedelta(days=7)})
    # An entry in the old format (no municipality of the scope in it) is removed.
    EstimateCache.objects.create(
        key="all|||", result=hidden_number(Dataset([], {})).to_dict(), computed_at=timezone.now()
    )
    assert refresh_estimates_task.call() == 3  # national, Rotterdam, Utrecht (from a date)
    assert not EstimateCache.objects.filter(key="all|||").exists()
    observed = {
        entry.key: entry.result["observed"] for entry in EstimateCache.objects.order_by("key")
    }
    assert len(observed) == 3
    for key, n in observed.items():
        parsed = parse_cache_key(key)
        assert parsed is not None
        expected = {None: 5, "GM0599": 3, "GM0344": 2}[parsed["scope"].municipality]
        assert n == expected, key
    assert _observed(login(make_member(role=Role.ANALYST))) == 5


def test_cache_key_round_trips():
    scope = Scope(None, "Utrecht", municipality="GM0344")
    key = cache_key(scope, dt.date(2025, 1, 1), None, "GM0599")
    parsed = parse_cache_key(key)
    assert parsed["scope"].municipality == "GM0344" and parsed["scope"].organisation_id is None
    assert parsed["date_from"] == dt.date(2025, 1, 1) and parsed["date_to"] is None
    # A municipal scope ignores the municipality filter, as the dataset does.
    assert parsed["municipality"] is None
    assert cache_key(parsed["scope"], **{k: v for k, v in parsed.items() if k != "scope"}) == key
    organisation = parse_cache_key(cache_key(Scope(42, "Politie"), None, None, "GM0599"))
    assert organisation["scope"].organisation_id == 42
    assert organisation["municipality"] == "GM0599"
    assert parse_cache_key("all|||") is None


def _simulated_signals(population=4000, seed=11):
    from zicht.simulation import capture_histories, get_scenario, simulate

    result = simulate(get_scenario("independent").replace(population=population), seed=seed)
    types = ["police", "municipality", "youth_care", "school", "health_care", "shelter", "other"]
    signals, person_of = [], {}
    for pid, pattern in enumerate(
        (p for p, n in capture_histories(result).items() for _ in range(n)), start=1
    ):
        for t, seen in zip(types, pattern, strict=True):
            if seen:
                signals.append({"id": f"{pid}-{t}", "organisation__type": t})
                person_of[f"{pid}-{t}"] = pid
    return signals, person_of


def test_a_public_prosecution_only_person_keeps_the_estimate_reliable():
    signals, person_of = _simulated_signals()
    before = hidden_number(Dataset(list(signals), dict(person_of)))
    assert before.reliable
    signals.append({"id": "om-1", "organisation__type": OrganisationType.PUBLIC_PROSECUTION})
    person_of["om-1"] = "om-person"
    after = hidden_number(Dataset(signals, person_of))
    assert after.reliable, after.reason
    assert "public_prosecution" in after.lists
    assert after.observed == before.observed + 1
    assert abs(after.estimate - before.estimate) / before.estimate < 0.05


def test_every_organisation_type_is_a_source():
    signals = [
        {"id": f"s-{t}", "organisation__type": t}
        for t in (OrganisationType.COORDINATION_CENTRE, OrganisationType.PUBLIC_PROSECUTION)
    ]
    data = Dataset(signals, {s["id"]: s["id"] for s in signals})
    combinations = overlap(data)
    assert () not in combinations
    assert combinations == {("coordination_centre",): 1, ("public_prosecution",): 1}
    assert source_type("not_a_type") == OrganisationType.OTHER
    assert source_type(OrganisationType.PUBLIC_PROSECUTION) == "public_prosecution"


def _reliable_entry(scope=NATIONAL) -> EstimateCache:
    result = HiddenNumber(
        observed=672,
        reliable=True,
        estimate=2512.4,
        ci=(2100.2, 3050.7),
        hidden=1840.4,
        model_terms=["police:youth_care"],
        lists=["police", "youth_care", "public_prosecution"],
        sensitivity=[
            {"pthresh": 0.01, "estimate": 2400.2, "ci": [2000.0, 2900.0], "terms": []},
            {
                "pthresh": 0.02,
                "estimate": 2512.4,
                "ci": [2100.2, 3050.7],
                "terms": ["police:youth_care"],
            },
        ],
    ).to_dict()
    return EstimateCache.objects.create(
        key=cache_key(scope, None, None, None), result=result, computed_at=timezone.now()
    )


def test_estimate_and_sensitivity_export_as_csv_and_excel(make_member, login):
    from openpyxl import load_workbook

    _reliable_entry()
    client = login(make_member(role=Role.ANALYST))
    html = client.get(reverse("insight:dashboard")).content.decode()
    for kind in ("estimate", "sensitivity"):
        for fmt in ("csv", "xlsx"):
            assert reverse("insight:export", args=[kind, fmt]) in html
    assert "Politie, Jeugdzorg, Openbaar Ministerie" in html  # sources by name

    header, row = _csv(client.get(reverse("insight:export", args=["estimate", "csv"])))
    assert len(header) == len(row) == 10
    assert row[:5] == ["2512", "2100", "3051", "672", "1840"]
    assert row[5] == "Politie × Jeugdzorg"
    assert row[6] == "Politie, Jeugdzorg, Openbaar Ministerie"
    assert row[8] == "ja" and row[9] == ""

    rows = _csv(client.get(reverse("insight:export", args=["sensitivity", "csv"])))
    assert len(rows) == 3  # header + one row per threshold, as on the dashboard
    # A decimal comma for Dutch Excel (the default language).
    assert rows[1] == ["0,01", "2400", "2000", "2900", "alleen hoofdeffecten"]
    assert rows[2][-1] == "Politie × Jeugdzorg"

    response = client.get(reverse("insight:export", args=["sensitivity", "xlsx"]))
    assert response["Content-Disposition"] == 'attachment; filename="zicht-sensitivity.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "sensitivity"
    assert sheet.cell(row=2, column=1).value == 0.01
    assert sheet.cell(row=2, column=2).value == 2400
    xlsx = client.get(reverse("insight:export", args=["estimate", "xlsx"]))
    assert load_workbook(io.BytesIO(xlsx.content)).active.cell(row=2, column=1).value == 2512
    assert AuditEvent.objects.filter(action="insight.exported").count() == 4


def test_unreliable_estimate_exports_the_reason_and_a_suppressed_count(
    make_member, login, signals_in_two_municipalities
):
    client = login(make_member(role=Role.ANALYST))
    header, row = _csv(client.get(reverse("insight:export", args=["estimate", "csv"])))
    assert row[:3] == ["", "", ""]
    assert row[3] == "<10"  # five young people seen: shown as on the dashboard
    assert row[8] == "nee" and row[9].startswith("Te weinig personen")
    rows = _csv(client.get(reverse("insight:export", args=["sensitivity", "csv"])))
    assert len(rows) == 1


def test_estimate_exports_follow_the_dashboard_scope(
    make_member, login, municipal_admins, signals_in_two_municipalities
):
    from tests.factories import OrganisationFactory

    rotterdam, _utrecht = municipal_admins
    client = login(rotterdam)
    assert client.get(reverse("insight:dashboard")).context["hidden"] is not None
    _header, row = _csv(client.get(reverse("insight:export", args=["estimate", "csv"])))
    assert row[3] == "<10"
    police = make_member(
        role=Role.ORG_ADMIN, organisation=OrganisationFactory(type=OrganisationType.POLICE)
    )
    client = login(police)
    assert client.get(reverse("insight:dashboard")).context["hidden"] is None
    before = AuditEvent.objects.filter(action="insight.exported").count()
    for kind in ("estimate", "sensitivity"):
        for fmt in ("csv", "xlsx"):
            assert client.get(reverse("insight:export", args=[kind, fmt])).status_code == 404
    assert client.get(reverse("insight:chart", args=["estimate"])).status_code == 404
    assert AuditEvent.objects.filter(action="insight.exported").count() == before
    professional = login(make_member(role=Role.PROFESSIONAL))
    assert professional.get(reverse("insight:export", args=["estimate", "csv"])).status_code == 403


def test_the_reason_for_no_estimate_is_shown_in_the_reader_s_language():
    """A cached result keeps a code, not only the text of whoever computed it first."""
    from django.utils import translation

    from zicht.insight.estimates import hidden_number, reason_text
    from zicht.insight.selectors import Dataset

    with translation.override("nl"):
        result = hidden_number(Dataset(signals=[], person_of={})).to_dict()
    assert result["reason_code"] == "too_few"
    with translation.override("en"):
        assert reason_text(result) == "Too few persons (fewer than 50) for an estimate."
    with translation.override("nl"):
        assert reason_text(result).startswith("Te weinig personen")
    assert reason_text({"reason": "oude tekst"}) == "oude tekst"  # entries from before


def test_sensitivity_table_is_the_librarys():
    """The page and the library compute the sensitivity table in one place: the rows are
    zicht.estimation.sensitivity's stepwise rows, over its eight default thresholds."""
    from zicht.estimation import DEFAULT_THRESHOLDS, CaptureHistories, sensitivity
    from zicht.insight.selectors import capture_table

    signals, person_of = _simulated_signals()
    data = Dataset(signals, person_of)
    hidden = hidden_number(data)
    assert hidden.reliable
    lists, table = capture_table(data)
    h = CaptureHistories.from_patterns(list(table), list(table.values()), lists)
    library = sensitivity(h, methods=[]).thresholds
    assert [s["pthresh"] for s in hidden.sensitivity] == list(DEFAULT_THRESHOLDS)
    assert [s["estimate"] for s in hidden.sensitivity] == [t.estimate for t in library]
    assert [s["terms"] for s in hidden.sensitivity] == [list(t.terms) for t in library]


def test_the_headline_is_the_libraries_recommended_estimate():
    """The platform shows what ``python -m zicht.estimation estimate`` gives by default:
    the recommended estimate (zicht.estimation.recommend), with the methods it combined."""
    from zicht.estimation import CaptureHistories
    from zicht.estimation.recommend import recommended
    from zicht.insight.selectors import capture_table

    signals, person_of = _simulated_signals(population=2000, seed=5)
    data = Dataset(signals, person_of)
    hidden = hidden_number(data)
    lists, table = capture_table(data)
    expected = recommended(
        CaptureHistories.from_patterns(list(table), list(table.values()), lists), seed=0
    )
    assert hidden.reliable and expected.reason is None
    assert hidden.estimate == expected.estimate
    assert tuple(hidden.ci) == tuple(expected.ci)
    assert {c["method"] for c in hidden.components} == {"stepwise", "average-aic", "lcmcr"}


def test_a_declined_recommended_estimate_gives_its_reason_in_words():
    """When the methods disagree beyond the documented factor, the page gives no number
    and says why in the reader's language."""
    from django.utils import translation

    from zicht.insight.estimates import reason_text

    with translation.override("nl"):
        text = reason_text({"reason_code": "methods_disagree"})
    assert "factor 3 " in text
    with translation.override("en"):
        assert "disagree" in reason_text({"reason_code": "methods_disagree"})
        assert "two kinds of source" in reason_text({"reason_code": "two_lists"})
