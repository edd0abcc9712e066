"""How sure the number is (issue 14): the methods side by side, drawn from the rows the
background refresh stored, the plain-language explanation, the number per half-year."""

import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from zicht.accounts.constants import Role
from zicht.insight.estimates import DGA_MAX_LISTS, FOREST_METHODS, HiddenNumber, hidden_number
from zicht.insight.models import EstimateCache
from zicht.insight.selectors import Dataset, Scope
from zicht.insight.services import cache_key

pytestmark = pytest.mark.django_db

NATIONAL = Scope(None, "national")


def _row(method, estimate, low, high):
    return {"method": method, "status": "ok", "estimate": estimate, "ci": [low, high], "note": ""}


def _stored(reliable=True) -> EstimateCache:
    methods = [
        _row("stepwise", 2512.4, 2100.2, 3050.7),
        _row("best-bic", 2300.0, 1990.0, 2700.0),
        _row("average-aic", 2600.0, 2150.0, 3300.0),
        {"method": "average-bic", "status": "declined", "estimate": None, "ci": None, "note": ""},
        _row("lcmcr", 2890.6, 2200.0, 3900.0),
        {"method": "dga", "status": "skipped", "estimate": None, "ci": None, "note": "dga_lists"},
    ]
    result = HiddenNumber(
        observed=672,
        reliable=reliable,
        reason_code="" if reliable else "methods_disagree",
        estimate=2600.0 if reliable else None,
        ci=(1990.0, 3900.0) if reliable else None,
        hidden=1928.0 if reliable else None,
        lists=["police", "youth_care", "public_prosecution"],
        methods=methods,
    ).to_dict()
    return EstimateCache.objects.create(
        key=cache_key(NATIONAL, None, None, None), result=result, computed_at=timezone.now()
    )


def _no_estimation():
    """Any model fit during the request fails the test: the page only reads stored rows."""
    boom = mock.Mock(side_effect=AssertionError("estimated during the request"))
    return (
        mock.patch("zicht.insight.estimates.recommended", boom),
        mock.patch("zicht.insight.estimates.sensitivity", boom),
        boom,
    )


def test_the_forest_plot_is_drawn_from_the_stored_rows(make_member, login):
    _stored()
    client = login(make_member(role=Role.ANALYST))
    first, second, boom = _no_estimation()
    with first, second:
        response = client.get(reverse("insight:dashboard"))
    assert boom.call_count == 0
    hidden = response.context["hidden"]
    svg = hidden["forest"]
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Schatting per methode met het 95%-interval</title>" in svg
    # One dot per method with an estimate; the declined and skipped ones in words.
    assert svg.count("<circle") == 4
    assert "Niet berekend: met meer dan 5 bronnen duurt het te lang." in svg
    html = response.content.decode()
    table = html.split('data-testid="forest-table"')[1].split("</table>")[0]
    assert "Beste log-lineaire model (BIC)" in table
    assert "2.891" in table and "2.200–<wbr>3.900" in table  # Dutch thousands
    assert "Geen schatting voor deze gegevens" in table
    # the recommended interval is the shaded band
    assert svg.count("<rect") == 1


def test_the_spread_sentence_in_dutch_and_english(make_member, login):
    _stored()
    client = login(make_member(role=Role.ANALYST))
    nl = client.get(reverse("insight:dashboard")).context["hidden"]["spread"]
    assert nl == (
        "De schattingen van de methoden liggen tussen 2.300 en 2.891; hoe groter dat "
        "verschil, hoe minder zeker het getal."
    )
    en = client.get("/en" + reverse("insight:dashboard")).context["hidden"]["spread"]
    assert en == (
        "The methods' estimates lie between 2,300 and 2,891; the wider that range, the "
        "less sure the number."
    )


def test_a_declined_estimate_still_shows_the_methods_side_by_side(make_member, login):
    """When the methods disagree, the plot shows how: no band, the reason in words."""
    _stored(reliable=False)
    client = login(make_member(role=Role.ANALYST))
    response = client.get(reverse("insight:dashboard"))
    hidden = response.context["hidden"]
    assert "<rect" not in hidden["forest"]
    assert hidden["forest"].count("<circle") == 4
    assert "factor 3 " in response.content.decode()


def test_the_background_estimate_stores_every_method_of_the_issue():
    from tests.insight.test_estimate import _simulated_signals

    signals, person_of = _simulated_signals(population=2000, seed=5)
    hidden = hidden_number(Dataset(signals, person_of))
    assert hidden.reliable
    assert [r["method"] for r in hidden.methods] == list(FOREST_METHODS)
    rows = {r["method"]: r for r in hidden.methods}
    # seven sources: dga is left out with its note, the others estimate
    assert len(hidden.lists) > DGA_MAX_LISTS
    assert rows["dga"]["status"] == "skipped" and rows["dga"]["estimate"] is None
    assert rows["stepwise"]["status"] == rows["lcmcr"]["status"] == "ok"
    for row in hidden.methods:
        assert row["status"] in {"ok", "declined", "skipped"}, row
        if row["status"] == "ok":
            low, high = row["ci"]
            assert low <= row["estimate"] <= high
        else:  # a method that gives no number on seven sources keeps its reason
            assert row["estimate"] is None and row["note"]
    # the recommended estimate's own components are the same numbers
    for c in hidden.components:
        if c["estimate"] is not None:
            assert rows[c["method"]]["estimate"] == c["estimate"]


def test_the_forest_plot_sits_in_the_headline_only_for_national_scope(make_member, login):
    """An organisation's own signals are one source: no estimate, so no forest plot."""
    from tests.factories import OrganisationFactory
    from zicht.accounts.constants import OrganisationType

    _stored()
    police = make_member(
        role=Role.ORG_ADMIN, organisation=OrganisationFactory(type=OrganisationType.POLICE)
    )
    html = login(police).get(reverse("insight:dashboard")).content.decode()
    assert 'data-testid="forest"' not in html
    assert not re.search(r"<title>Schatting per methode", html)


def test_the_explanation_page_is_public_in_dutch_and_english(client):
    """No figures on it, so no login: whoever reads a published estimate can read how."""
    assert reverse("insight:explanation") == "/inzicht/uitleg/"
    nl = client.get(reverse("insight:explanation"))
    assert nl.status_code == 200
    html = nl.content.decode()
    assert "<h1>Zo schatten we het verborgen aantal</h1>" in html
    assert "Wanneer we het niet kunnen zeggen" in html
    assert "De groep blijft in de periode gelijk." in html  # closed population
    assert "Dan wordt het verborgen aantal te groot." in html  # linkage
    en = client.get("/en/inzicht/uitleg/")
    assert en.status_code == 200
    english = en.content.decode()
    assert "<h1>How we estimate the hidden number</h1>" in english
    assert "Some young people are easier to see than others." in english
    assert "Zo schatten" not in english


def test_the_headline_links_to_the_explanation(make_member, login):
    _stored(reliable=False)
    html = login(make_member(role=Role.ANALYST)).get(reverse("insight:dashboard")).content
    assert b'href="/inzicht/uitleg/"' in html
    assert b"Hoe wordt dit getal geschat?" in html


def _stored_periods():
    entry = _stored()
    entry.result["periods"] = [
        {
            "period": "2025-H1",
            "from": "2025-01-01",
            "to": "2025-06-30",
            "observed": 412,
            "reliable": True,
            "reason_code": "",
            "estimate": 1510.4,
            "ci": [1300.0, 1820.6],
        },
        {
            "period": "2025-H2",
            "from": "2025-07-01",
            "to": "2025-12-31",
            "observed": 7,
            "reliable": False,
            "reason_code": "too_few",
            "estimate": None,
            "ci": None,
        },
        {
            "period": "2026-H1",
            "from": "2026-01-01",
            "to": "2026-06-30",
            "observed": 300,
            "reliable": False,
            "reason_code": "methods_disagree",
            "estimate": None,
            "ci": None,
        },
    ]
    entry.save()


def test_the_number_per_half_year_with_declines_in_words(make_member, login):
    _stored_periods()
    client = login(make_member(role=Role.ANALYST))
    first, second, boom = _no_estimation()
    with first, second:
        response = client.get(reverse("insight:dashboard"))
        english = client.get("/en/inzicht/")
    assert boom.call_count == 0
    html = response.content.decode()
    table = html.split('data-testid="periods-table"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1])
    assert len(rows) == 3
    assert "eerste helft 2025" in rows[0] and "1.510" in rows[0] and "1.300–<wbr>1.821" in rows[0]
    # seven young people seen: suppressed as everywhere on the page, and no number
    assert "&lt;10" in rows[1] and ">7<" not in rows[1]
    assert "Te weinig personen" in rows[1]
    assert "factor 3 " in rows[2] and "300" in rows[2]
    # the intervals drawn: one dot for the one half-year with a number
    assert response.context["hidden"]["periods_chart"].count("<circle") == 1
    english_table = english.content.decode().split('data-testid="periods-table"')[1]
    assert "first half of 2025" in english_table and "1,510" in english_table
    assert "Too few persons" in english_table


def test_half_years_cover_the_whole_period():
    import datetime as dt

    from zicht.insight.estimates import half_years

    assert [p[0] for p in half_years(dt.date(2024, 5, 3), dt.date(2025, 7, 1))] == [
        "2024-H1",
        "2024-H2",
        "2025-H1",
        "2025-H2",
    ]
    assert half_years(dt.date(2025, 7, 1), dt.date(2025, 12, 31))[0][1:] == (
        dt.date(2025, 7, 1),
        dt.date(2025, 12, 31),
    )


def test_the_background_refresh_estimates_each_half_year_on_its_own():
    import datetime as dt

    from tests.insight.test_estimate import _simulated_signals
    from zicht.insight.estimates import period_numbers

    signals, person_of = _simulated_signals(population=3000, seed=5)
    for s in signals:  # each young person's signals in one half-year of 2025
        first_half = int(str(person_of[s["id"]])) % 2
        s["contact_date"] = dt.date(2025, 3, 1) if first_half else dt.date(2025, 9, 1)
    # and five young people early in 2026: too few for a number
    for i in range(5):
        signals.append(
            {"id": f"late-{i}", "organisation__type": "police", "contact_date": dt.date(2026, 2, 1)}
        )
        person_of[f"late-{i}"] = f"late-{i}"
    rows = period_numbers(Dataset(signals, person_of))
    assert [r["period"] for r in rows] == ["2025-H1", "2025-H2", "2026-H1"]
    h1, h2, late = rows
    assert h1["reliable"] and h2["reliable"], (h1, h2)
    assert h1["ci"][0] <= h1["estimate"] <= h1["ci"][1]
    assert h1["observed"] + h2["observed"] + 5 == len(set(person_of.values()))
    assert not late["reliable"] and late["reason_code"] == "too_few" and late["estimate"] is None


def test_only_the_unfiltered_national_estimate_holds_the_half_years():
    import datetime as dt

    from zicht.insight.services import estimate_refresh

    assert "periods" in estimate_refresh(scope=NATIONAL).result
    filtered = estimate_refresh(scope=NATIONAL, date_from=dt.date(2025, 1, 1))
    assert "periods" not in filtered.result


def test_the_background_refresh_estimates_each_municipality_per_half_year():
    import datetime as dt

    from tests.insight.test_estimate import _simulated_signals
    from zicht.insight.estimates import municipal_period_numbers

    signals, person_of = _simulated_signals(population=3000, seed=5)
    for s in signals:  # one large municipality, spread over two half-years
        first_half = int(str(person_of[s["id"]])) % 2
        s["contact_date"] = dt.date(2025, 3, 1) if first_half else dt.date(2025, 9, 1)
        s["municipality_id"], s["municipality__name"] = "GM0599", "Rotterdam"
    for i in range(30):  # and a small one, seen early in 2026: fewer than 50 young people
        signals.append(
            {
                "id": f"small-{i}",
                "organisation__type": "police" if i % 2 else "youth_care",
                "contact_date": dt.date(2026, 2, 1),
                "municipality_id": "GM0014",
                "municipality__name": "Groningen",
            }
        )
        person_of[f"small-{i}"] = f"small-{i}"
    small, large = municipal_period_numbers(Dataset(signals, person_of))
    assert (small["name"], small["observed"], small["reliable"]) == ("Groningen", 30, False)
    assert small["reason_code"] == "too_few" and small["periods"] == []
    assert large["name"] == "Rotterdam" and large["reliable"]
    # the same half-years as the national series, the last one declined for Rotterdam
    assert [p["period"] for p in large["periods"]] == ["2025-H1", "2025-H2", "2026-H1"]
    h1, h2, late = large["periods"]
    assert h1["reliable"] and h2["reliable"] and h1["ci"][0] <= h1["estimate"] <= h1["ci"][1]
    assert late["observed"] == 0 and not late["reliable"] and late["reason_code"] == "too_few"


def _stored_municipal_periods():
    _stored_periods()
    entry = EstimateCache.objects.get()
    periods = entry.result["periods"]
    entry.result["municipal_periods"] = [
        {
            "municipality": "GM0599",
            "name": "Rotterdam",
            "observed": 640,
            "reliable": True,
            "reason_code": "",
            "periods": [periods[0], {**periods[1], "observed": 4}, periods[2]],
        },
        {
            "municipality": "GM0014",
            "name": "Groningen",
            "observed": 6,
            "reliable": False,
            "reason_code": "too_few",
            "periods": [],
        },
    ]
    entry.save()


def test_the_number_per_municipality_and_half_year_is_suppressed_and_declined(make_member, login):
    _stored_municipal_periods()
    client = login(make_member(role=Role.ANALYST))
    first, second, boom = _no_estimation()
    with first, second:
        html = client.get(reverse("insight:dashboard")).content.decode()
    assert boom.call_count == 0
    table = html.split('data-testid="municipal-periods-table"')[1].split("</table>")[0]
    assert '<tr class="group"><th scope="rowgroup" colspan="4">Rotterdam</th></tr>' in table
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1])
    assert len(rows) == 3 and "eerste helft 2025" in rows[0]
    assert "1.510" in rows[0] and "1.300–<wbr>1.821" in rows[0]
    assert "&lt;10" in rows[1] and ">4<" not in rows[1] and "Te weinig personen" in rows[1]
    declined = html.split('data-testid="municipal-declined"')[1].split("</p>")[0]
    assert "Groningen" in declined and "Groningen" not in table


def test_the_half_year_tables_export_with_their_period_in_the_file_name(make_member, login):
    _stored_municipal_periods()
    client = login(make_member(role=Role.ANALYST))
    first, second, _boom = _no_estimation()
    with first, second:
        national = client.get(reverse("insight:export", args=["periods", "csv"]))
        municipal = client.get(reverse("insight:export", args=["municipal_periods", "csv"]))
        excel = client.get(reverse("insight:export", args=["municipal_periods", "xlsx"]))
    assert 'filename="zicht-periods-2025-H1-2026-H1.csv"' in national["Content-Disposition"]
    lines = national.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Halfjaar;") and len(lines) == 4
    assert lines[1].split(";")[3:7] == ["412", "1510", "1300", "1821"]
    assert lines[2].split(";")[3] == "<10" and "Te weinig personen" in lines[2]
    assert (
        'filename="zicht-municipal_periods-2025-H1-2026-H1.csv"'
        in (municipal["Content-Disposition"])
    )
    body = municipal.content.decode("utf-8-sig").splitlines()
    assert body[0].startswith("Gemeente;Halfjaar;")
    assert body[2].startswith("Rotterdam;") and body[2].split(";")[4] == "<10"
    assert body[-1].startswith("Groningen;") and body[-1].split(";")[4] == "<10"
    assert excel.status_code == 200 and excel.content[:2] == b"PK"


def test_a_filtered_selection_has_no_half_year_export(make_member, login):
    _stored_municipal_periods()
    client = login(make_member(role=Role.ANALYST))
    response = client.get(
        reverse("insight:export", args=["periods", "csv"]), {"date_from": "2025-01-01"}
    )
    assert response.status_code == 404


def test_a_model_the_library_cannot_fit_is_a_decline_not_a_crash():
    """A singular matrix in one municipality's half-year (met at 30,000 signals) must not
    stop the background refresh: that number is declined with its reason."""
    import numpy as np

    from tests.insight.test_estimate import _simulated_signals

    signals, person_of = _simulated_signals(population=800, seed=3)
    broken = mock.Mock(side_effect=np.linalg.LinAlgError("Singular matrix"))
    with mock.patch("zicht.insight.estimates.recommended", broken):
        number = hidden_number(Dataset(signals, person_of), detail=False)
    assert broken.called
    assert not number.reliable and number.reason_code == "no_estimate"
    assert number.estimate is None and "Singular matrix" in number.reason
