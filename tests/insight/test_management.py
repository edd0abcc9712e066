"""Management indicators of the coordination centre on the analyst's dashboard."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from zicht.accounts.constants import OrganisationType, Role
from zicht.core.suppression import PRIMARY, SECONDARY
from zicht.insight.tables import suppress_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordination_data():
    """Files in Rotterdam, screened in time, with measures and care referrals.

    Measures taken: interpreter 12, contact ban 3, shelter 20 (a proposed legal assistance
    does not count). Care: youth care 16 requested, 16 decided, 14 placed; regular shelter
    15 requested, 15 decided, 11 placed; categorical shelter 3 requested, 1 placed."""
    from tests.factories import OrganisationFactory
    from zicht.coordination.models import CareReferral, CoordinationFile, Measure

    today = timezone.localdate()
    provider = OrganisationFactory(type=OrganisationType.SHELTER)
    files = [
        CoordinationFile.objects.create(
            reference=f"T-{i}",
            opened_on=today - dt.timedelta(days=3),
            screening_deadline=today,
            screened_on=today - dt.timedelta(days=3),
            screening_decision="possible_victim",
            municipality_id="GM0599",
        )
        for i in range(40)
    ]
    for kind, n, status in (
        ("interpreter", 12, "in_place"),
        ("contact_ban", 3, "accepted"),
        ("shelter", 20, "ended"),
        ("legal_assistance", 2, "proposed"),
    ):
        for file in files[:n]:
            Measure.objects.create(file=file, kind=kind, status=status)
    care = [
        ("youth_care", 14, "placed"),
        ("youth_care", 2, "refused"),
        ("regular_shelter", 11, "ended"),
        ("regular_shelter", 4, "refused"),
        ("categorical_shelter", 1, "placed"),
        ("categorical_shelter", 2, "requested"),
    ]
    position = 0
    for care_type, n, status in care:
        for file in files[position : position + n]:
            CareReferral.objects.create(
                file=file, provider=provider, care_type=care_type, status=status
            )
        position += n


def _rows(table) -> dict:
    return {row[0]: row[1:] for row in table.rows}


def test_analyst_sees_measures_care_and_screening_per_municipality(
    make_member, login, coordination_data
):
    client = login(make_member(role=Role.ANALYST))
    response = client.get(reverse("insight:dashboard"))
    coordination = response.context["coordination"]
    assert list(coordination) == ["screening", "screening_municipality", "measures", "care"]

    measures = _rows(coordination["measures"])
    assert measures["Tolk"] == [SECONDARY]  # 12, hidden so the <10 cannot be recovered
    assert measures["Contactverbod"] == [PRIMARY]
    assert measures["Plaatsing in de opvang"] == [20]
    assert measures["Rechtsbijstand"] == [0]  # proposed only: not taken
    assert coordination["measures"].total == ["Totaal", 35]

    care = _rows(coordination["care"])
    assert care["Jeugdzorg"] == [16, 16, 14, "88%"]
    # Categorical shelter is below 10 in every column; regular shelter is hidden with it in
    # every column (the secondary cell), so no rate is shown for either.
    assert care["Categorale opvang voor slachtoffers"] == [PRIMARY, PRIMARY, PRIMARY, "—"]
    assert care["Reguliere opvang"] == [SECONDARY, SECONDARY, SECONDARY, "—"]
    assert coordination["care"].total == ["Totaal", 34, 32, 26, "81%"]

    [rotterdam] = coordination["screening_municipality"].rows
    assert rotterdam == ["Rotterdam", 40, "100%", 0]

    html = response.content.decode()
    for heading in ("Genomen maatregelen", "Succes van zorgverwijzingen"):
        assert heading in html
    for kind in ("screening_municipality", "measures", "care"):
        for fmt in ("csv", "xlsx"):
            assert reverse("insight:export", args=[kind, fmt]) in html
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("insight:export", args=["care", "csv"])).content.decode(
                    "utf-8-sig"
                )
            ),
            delimiter=";",
        )
    )
    assert rows[0] == [
        "Soort zorg",
        "Aangevraagd",
        "Besloten door de zorgaanbieder",
        "Geplaatst",
        "Slagingspercentage",
    ]
    assert ["Jeugdzorg", "16", "16", "14", "88%"] in rows and rows[-1][0] == "Totaal"
    xlsx = client.get(reverse("insight:export", args=["measures", "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # Files opened in another period are not counted.
    later = client.get(
        reverse("insight:dashboard"), {"date_from": timezone.localdate() + dt.timedelta(days=1)}
    )
    assert later.context["coordination"]["measures"].rows == []


def test_management_tables_are_for_analysts_only(make_member, login, coordination_data):
    from tests.factories import OrganisationFactory
    from zicht.accounts.models import Municipality

    rotterdam = OrganisationFactory(
        type=OrganisationType.MUNICIPALITY, municipality=Municipality.objects.get(code="GM0599")
    )
    for member in (
        make_member(role=Role.ORG_ADMIN, organisation=rotterdam),
        make_member(role=Role.ORG_ADMIN),
    ):
        client = login(member)
        assert client.get(reverse("insight:dashboard")).context["coordination"] is None
        for kind in ("screening", "screening_municipality", "measures", "care"):
            assert client.get(reverse("insight:export", args=[kind, "csv"])).status_code == 404


def test_care_referral_success_by_type_of_care(make_member, coordination_data):
    from zicht.coordination import indicators

    analyst = make_member(role=Role.ANALYST)
    by_type = indicators.care_referral_success(membership=analyst, by="care_type")
    assert by_type["youth_care"]["placed"] == 14 and by_type["youth_care"]["refused"] == 2
    assert by_type["categorical_shelter"]["requested"] == 3
    # The existing groupings are unchanged.
    assert indicators.care_referral_success(membership=analyst, by="municipality")["GM0599"][
        "requested"
    ] == sum(c["requested"] for c in by_type.values())


def test_nested_columns_hide_the_same_rows():
    published = suppress_rows(
        {
            "requested": {"a": 12, "b": 30, "c": 25},
            "decided": {"a": 12, "b": 25, "c": 20},
            "placed": {"a": 4, "b": 20, "c": 15},
        }
    )
    for label in ("a", "b", "c"):
        values = [p.cells[label] for p in published.values()]
        shown = [isinstance(v, int) for v in values]
        assert all(shown) or not any(shown), (label, values)
    assert published["placed"].cells["a"] == PRIMARY
    assert published["requested"].cells["a"] == SECONDARY


def test_a_care_type_with_only_open_requests_counts_zero_placed(make_member, login):
    """Regression: a group whose care referrals are all still requested has no 'placed'
    key unless the indicator fills in zeros - the dashboard answered 500."""
    from tests.factories import OrganisationFactory
    from zicht.coordination import indicators
    from zicht.coordination.models import CareReferral, CoordinationFile

    today = timezone.localdate()
    file = CoordinationFile.objects.create(
        reference="T-open",
        opened_on=today,
        screening_deadline=today,
        screening_decision="possible_victim",
        municipality_id="GM0599",
    )
    CareReferral.objects.create(
        file=file,
        provider=OrganisationFactory(type=OrganisationType.SHELTER),
        care_type="ambulant",
        status="requested",
    )
    analyst = make_member(role=Role.ANALYST)
    assert indicators.care_referral_success(membership=analyst, by="care_type")["ambulant"] == {
        "requested": 1,
        "accepted": 0,
        "refused": 0,
        "placed": 0,
        "success_rate": None,
    }
    assert login(analyst).get(reverse("insight:dashboard")).status_code == 200


def test_the_page_says_the_municipality_filter_does_not_apply_to_these_figures(
    make_member, login, coordination_data
):
    client = login(make_member(role=Role.ANALYST))
    unfiltered = client.get(reverse("insight:dashboard")).content.decode()
    filtered = client.get(reverse("insight:dashboard"), {"municipality": "GM0599"})
    assert 'data-testid="coordination-scope"' not in unfiltered
    assert "het gemeentefilter geldt niet" in filtered.content.decode()
