"""The dashboard: aggregates only, for analysts; honest about unreliable estimates."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.intake.conftest import signal_post
from zicht.accounts.constants import Role
from zicht.audit.models import AuditEvent
from zicht.insight.estimates import hidden_number
from zicht.insight.selectors import Dataset
from zicht.intake.models import Signal

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_signals(make_member, login):
    for given in ("Mohamed", "Daan", "Sem"):
        member = make_member(role=Role.PROFESSIONAL)
        login(member).post(reverse("intake:signal_create"), signal_post(given_names=given))
    assert Signal.objects.count() == 3


def test_analyst_sees_suppressed_aggregates_and_no_identity(make_member, login, some_signals):
    analyst = make_member(role=Role.ANALYST)
    client = login(analyst)
    response = client.get(reverse("insight:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;10" in html
    for plain in ("Mohamed", "Amrani", "2010-04-03"):
        assert plain not in html
    assert "Te weinig personen" in html or "Too few persons" in html
    for kind in ("source", "overlap", "month", "age"):
        csv = client.get(reverse("insight:export", args=[kind, "csv"])).content.decode()
        assert "Amrani" not in csv and "Mohamed" not in csv
        assert "<10" in csv
    screening = client.get(reverse("insight:export", args=["screening", "csv"]))
    assert screening.status_code == 200 and screening.content.decode().count(";") >= 3
    xlsx = client.get(reverse("insight:export", args=["form", "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # Three signals: every count is hidden, so no chart is drawn; a sentence says why.
    svg = client.get(reverse("insight:chart", args=["source"]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert "<rect" not in svg.content.decode() and "grafiek" in svg.content.decode()
    assert "<svg" not in html.split('id="s-source"')[1].split("</section>")[0]
    assert "Geen grafiek" in html or "No chart" in html
    assert AuditEvent.objects.filter(action="insight.exported").count() == 6


def test_analyst_cannot_reach_a_single_signal(make_member, login, some_signals):
    analyst = make_member(role=Role.ANALYST)
    client = login(analyst)
    signal = Signal.objects.first()
    assert client.get(reverse("intake:signal_detail", args=[signal.pk])).status_code == 403
    assert client.get(reverse("intake:signal_list")).status_code == 403
    assert client.get(reverse("linkage:match_list")).status_code == 403


@pytest.mark.parametrize("role", [Role.PROFESSIONAL, Role.COORDINATOR, Role.COUNSELLOR])
def test_other_roles_have_no_dashboard(make_member, login, role):
    client = login(make_member(role=role))
    assert client.get(reverse("insight:dashboard")).status_code == 403
    assert client.get(reverse("insight:export", args=["source", "csv"])).status_code == 403


def test_org_admin_sees_only_own_organisation(make_member, login, some_signals):
    admin = make_member(role=Role.ORG_ADMIN, organisation=Signal.objects.first().organisation)
    html = login(admin).get(reverse("insight:dashboard")).content.decode()
    assert admin.organisation.name in html


def test_estimate_on_simulated_data_is_near_the_truth():
    """zicht.simulation 'independent' scenario, perfect linkage: the estimate is close
    to the known population (the end-to-end benchmark does this through the platform)."""
    from zicht.simulation import capture_histories, get_scenario, simulate

    result = simulate(get_scenario("independent").replace(population=4000), seed=11)
    table = capture_histories(result)
    signals, person_of = [], {}
    types = ["police", "municipality", "youth_care", "school", "health_care", "shelter", "other"]
    pid = 0
    for pattern, n in table.items():
        for _ in range(n):
            pid += 1
            for t, seen in zip(types, pattern, strict=True):
                if seen:
                    sid = f"{pid}-{t}"
                    signals.append({"id": sid, "organisation__type": t})
                    person_of[sid] = pid
    hidden = hidden_number(Dataset(signals, person_of))
    assert hidden.reliable
    assert hidden.ci[0] <= 4000 * 1.1 and hidden.ci[1] >= 4000 * 0.9
    assert abs(hidden.estimate - 4000) / 4000 < 0.15


def test_persons_join_strong_links_within_one_organisation(make_member, login):
    """Two signals of one organisation about the same young person are one person."""
    from zicht.insight.selectors import Scope, dataset

    member = make_member(role=Role.PROFESSIONAL)
    client = login(member)
    client.post(reverse("intake:signal_create"), signal_post())
    client.post(reverse("intake:signal_create"), signal_post(given_names="Mohammed"))
    other = make_member(role=Role.PROFESSIONAL)
    login(other).post(
        reverse("intake:signal_create"), signal_post(given_names="Daan", surname="de Vries")
    )
    data = dataset(scope=Scope(None, "test"))
    assert len(data.signals) == 3
    assert len(data.persons()) == 2


def test_comparison_of_two_periods(make_member, login, some_signals):
    import datetime as dt

    analyst = make_member(role=Role.ANALYST)
    today = dt.date.today()
    response = login(analyst).get(
        reverse("insight:dashboard"),
        {
            "date_from": (today - dt.timedelta(days=30)).isoformat(),
            "date_to": today.isoformat(),
            "compare_from": "2020-01-01",
            "compare_to": "2020-12-31",
        },
    )
    html = response.content.decode()
    assert "Vergelijkingsperiode:" in html or "Compared period:" in html
    headers = tables[0].headers() if (tables := response.context["tables"]) else []
    assert headers[2:5] in (
        ["Vergelijkingsperiode", "Verschil", "Verschil (%)"],
        ["Compared period", "Change", "Change (%)"],
    )
    tables = response.context["tables"]
    assert all(t.compare is not None for t in tables)
    assert tables[0].compare.published.total == 0  # nothing in 2020
    bad = login(analyst).get(reverse("insight:dashboard"), {"compare_from": "2020-01-01"})
    assert "form-errors" in bad.content.decode()


def test_municipality_administrator_sees_their_municipality(make_member, login, some_signals):
    from tests.factories import OrganisationFactory
    from zicht.accounts.constants import OrganisationType
    from zicht.accounts.models import Municipality

    rotterdam = OrganisationFactory(
        type=OrganisationType.MUNICIPALITY, municipality=Municipality.objects.get(code="GM0599")
    )
    utrecht = OrganisationFactory(
        type=OrganisationType.MUNICIPALITY, municipality=Municipality.objects.get(code="GM0344")
    )
    r = login(make_member(role=Role.ORG_ADMIN, organisation=rotterdam)).get(
        reverse("insight:dashboard")
    )
    assert r.context["scope"].municipality == "GM0599"
    assert r.context["signals_total"] in ("<10", "x")  # 3 signals in Rotterdam: suppressed
    u = login(make_member(role=Role.ORG_ADMIN, organisation=utrecht)).get(
        reverse("insight:dashboard")
    )
    assert u.context["signals_total"] == 0
    assert u.context["coordination"] is None  # national coordination tables: analysts only


def test_tables_show_referrals_and_registered_possible_victims(make_member, login, some_signals):
    analyst = make_member(role=Role.ANALYST)
    response = login(analyst).get(reverse("insight:dashboard"))
    source = next(t for t in response.context["tables"] if t.kind == "source")
    headers = [h for h, _c in source.extra_columns()]
    assert len(headers) == 3  # young people, referrals, registered possible victims
    assert source.referrals.total == 0 and source.victims.total == 0
    assert "screening" in response.context["coordination"]


def test_distinct_young_people_per_category(make_member, login):
    """Two signals about one young person: 2 signals, 1 person - shown as <10 / exported."""
    member = make_member(role=Role.PROFESSIONAL)
    client = login(member)
    client.post(reverse("intake:signal_create"), signal_post())
    client.post(reverse("intake:signal_create"), signal_post(given_names="Mohammed"))
    from zicht.insight.selectors import Scope, dataset, persons_by

    data = dataset(scope=Scope(None, "test"))
    assert persons_by(data, "source") == {"police": 1}
    analyst = make_member(role=Role.ANALYST)
    csv = login(analyst).get(reverse("insight:export", args=["source", "csv"])).content.decode()
    header = csv.splitlines()[0]
    assert header.count(";") == 4  # label, signals, young people, referrals, victims


def test_referrals_and_possible_victims_are_counted_per_category(make_member, login):
    from tests.factories import OrganisationFactory
    from zicht.coordination import services as coordination
    from zicht.insight.selectors import Scope, dataset, possible_victims_by, referrals_by

    member = make_member(role=Role.PROFESSIONAL)
    login(member).post(reverse("intake:signal_create"), signal_post())
    signal = Signal.objects.get()
    referral = coordination.referral_create(
        membership=member,
        signal=signal,
        reason="Zorgen",
        urgency="normal",
        consent_young_person="given",
        consent_parents="not_asked",
    )
    coordinator = make_member(
        role=Role.COORDINATOR, organisation=OrganisationFactory(coordination=True)
    )
    coordination.file_screen(
        membership=coordinator, file=referral.file, decision="possible_victim", reasons="Duidelijk"
    )
    data = dataset(scope=Scope(None, "test"))
    assert referrals_by(data, "source") == {"police": 1}
    assert possible_victims_by(data, "form") == {"drug_transport": 1}
    assert possible_victims_by(data, "age") == {"16-17": 1} or possible_victims_by(data, "age") == {
        "12-15": 1
    }


def test_indicator_groups_are_named_in_the_reader_s_language(some_signals):
    from django.utils import translation

    from zicht.insight import selectors
    from zicht.insight.tables import table

    data = selectors.dataset(scope=selectors.Scope(None, "national"))

    def labels():
        return [label for label, _value in table(data, "indicator_group").rows()]

    assert "Geld en bezit" in labels() and "money" not in labels()
    with translation.override("en"):
        assert "Money and possessions" in labels()


def test_csv_exports_start_with_a_byte_order_mark_for_excel(make_member, login, some_signals):
    response = login(make_member(role=Role.ANALYST)).get(
        reverse("insight:export", args=["source", "csv"])
    )
    assert response.content.startswith("\ufeff".encode())


def _overlap_data():
    """Police saw 30 young people (12 also suspects), schools 25 (none), youth care 20
    (11), health care 4 (2); young person 29 (no suspect) was seen by the police and a
    school."""
    signals, person_of = [], {}
    plan = [("police", 30, 12), ("school", 25, 0), ("youth_care", 20, 11), ("health_care", 4, 2)]
    n = 0
    for source, people, suspects in plan:
        for i in range(people):
            person = 29 if (source == "school" and i == 0) else n
            n += 1
            signals.append(
                {
                    "id": len(signals),
                    "organisation__type": source,
                    "justice_status": "suspect" if i < suspects else "none",
                }
            )
            person_of[len(signals) - 1] = person
    return Dataset(signals=signals, person_of=person_of)


def test_young_people_also_known_as_suspects_per_source_suppressed():
    from zicht.insight.tables import suspects_table

    with translation.override("en"):
        t = suspects_table(_overlap_data())
    rows = {r[0]: r[1:] for r in t.rows}
    assert rows["Police"] == [30, 12, "40%"]
    assert rows["School"] == [25, 0, "0%"]
    assert rows["Health care"] == ["<10", "<10", "—"]
    # the 2 suspects of health care would follow from the total 25: youth care's 11 goes
    assert rows["Youth care"] == ["x", "x", "—"]
    # 78 distinct young people (one counted twice above), 25 of them suspects
    assert t.total == ["All young people", 78, 25, "32%"]


def test_suspects_table_is_on_the_dashboard_and_exported(make_member, login, some_signals):
    Signal.objects.update(justice_status="arrested")
    client = login(make_member(role=Role.ANALYST))
    html = client.get(reverse("insight:dashboard")).content.decode()
    table = html.split('data-testid="table-suspects"')[1].split("</section>")[0]
    assert "&lt;10" in table and '<td class="n">3</td>' not in table
    csv = client.get(reverse("insight:export", args=["suspects", "csv"])).content.decode()
    assert "<10" in csv and ";3;" not in csv
