"""The coordination centre's annual figures: registered possible victims by form, age
group, sex, source and year, minors separately, suppressed, as a page, CSV and Excel."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zicht.audit.models import AuditEvent
from zicht.coordination import annual, services
from zicht.coordination.models import CoordinationFile

pytestmark = pytest.mark.django_db


def _register(professional, coordinator, make_signal, refer, n, **signal):
    for i in range(n):
        s = make_signal(professional, given=f"Naam{i}", surname=f"Achternaam{i}", **signal)
        file = refer(professional, s, consent_young_person="given").file
        services.file_screen(
            membership=coordinator, file=file, decision="possible_victim", reasons="Signalen."
        )


def test_young_adults_are_counted_and_small_cells_suppressed(
    professional, coordinator, make_signal, refer
):
    _register(professional, coordinator, make_signal, refer, 10, age=24)
    _register(professional, coordinator, make_signal, refer, 3, age=16)
    _register(professional, coordinator, make_signal, refer, 4, age=13)
    tables = {t.key: t.published for t in annual.annual_report(
        membership=coordinator, year=timezone.localdate().year
    )}  # fmt: skip
    assert tables["age"].cells["23-27"] == 10
    assert tables["age"].cells["16-17"] == "<10" and tables["age"].cells["12-15"] == "<10"
    assert tables["age"].total == 17
    # 10 young adults and 7 minors: the 7 would follow from the total, so 10 is hidden too.
    assert tables["band"].cells["Minderjarigen (onder 18)"] == "<10"
    assert tables["band"].cells["Jongvolwassenen (18 jaar en ouder)"] == "x"
    assert tables["form"].cells["Drugs dealen en vervoeren"] == 17
    assert tables["minors_form"].cells["Drugs dealen en vervoeren"] == "<10"
    assert tables["sex"].cells["Man"] == 17
    assert tables["year"].cells[str(timezone.localdate().year)] == 17
    assert tables["suspect"].cells["Niet bekend als verdachte"] == 17
    assert AuditEvent.objects.filter(action="coordination.annual_report_viewed").exists()


def test_a_person_counts_once_after_files_are_merged(professional, coordinator, make_signal, refer):
    _register(professional, coordinator, make_signal, refer, 11, age=24)
    keep, duplicate = CoordinationFile.objects.order_by("pk")[:2]
    CoordinationFile.objects.filter(pk=duplicate.pk).update(merged_into=keep)
    tables = {t.key: t.published for t in annual.annual_report(
        membership=coordinator, year=timezone.localdate().year
    )}  # fmt: skip
    assert tables["age"].cells["23-27"] == 10 and tables["age"].total == 10


def test_the_page_and_downloads(professional, coordinator, make_signal, refer, login):
    _register(professional, coordinator, make_signal, refer, 10, age=24)
    client = login(coordinator)
    url = reverse("coordination:annual_report")
    page = client.get(url).content.decode()
    assert "23-27" in page and "Jaarcijfers" in page
    csv_text = client.get(url, {"format": "csv"}).content.decode()
    assert "23-27,10" in csv_text and "Naam" not in csv_text
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(url, {"year": "twintig"}).status_code == 400
    empty = client.get(url, {"year": "2001"}).content.decode()
    assert "Geen registraties." in empty


def test_only_coordinators_see_the_annual_figures(professional, login):
    response = login(professional).get(reverse("coordination:annual_report"))
    assert response.status_code == 403


def test_the_overlap_of_victim_and_suspect_is_counted(
    professional, coordinator, make_signal, refer
):
    from zicht.intake.models import Signal

    _register(professional, coordinator, make_signal, refer, 10, age=19)
    Signal.objects.update(justice_status="suspect")
    tables = {t.key: t.published for t in annual.annual_report(
        membership=coordinator, year=timezone.localdate().year
    )}  # fmt: skip
    assert tables["suspect"].cells["Ook verdachte, aangehouden of vervolgd"] == 10


def test_registration_years_lists_years_with_registrations(
    professional, coordinator, make_signal, refer
):
    _register(professional, coordinator, make_signal, refer, 1, age=20)
    CoordinationFile.objects.update(screened_on=dt.date(2025, 3, 1))
    assert annual.registration_years() == [2025]


def test_registered_victims_are_counted_by_nationality_category(
    professional, coordinator, make_signal, refer
):
    from zicht.intake.models import Signal

    _register(professional, coordinator, make_signal, refer, 2, age=19)
    Signal.objects.update(nationality_category="eu")
    _register(professional, coordinator, make_signal, refer, 3, age=19)
    Signal.objects.filter(nationality_category="unknown").update(nationality_category="non_eu")
    _register(professional, coordinator, make_signal, refer, 10, age=19)
    Signal.objects.filter(nationality_category="unknown").update(nationality_category="dutch")
    _register(professional, coordinator, make_signal, refer, 1, age=19)
    tables = {t.key: t.published for t in annual.annual_report(
        membership=coordinator, year=timezone.localdate().year
    )}  # fmt: skip
    assert tables["nationality"].cells == {
        "Nederlands": 10,
        "Ander EU-land": "<10",
        "Buiten de EU": "<10",
        "Onbekend": "<10",
    }
    assert tables["nationality"].total == 16


def test_a_person_s_nationality_is_the_first_known_one_of_their_signals():
    facts = [
        {"nationality_category": "unknown"},
        {"nationality_category": "non_eu"},
        {"nationality_category": "dutch"},
    ]
    assert annual.nationality_of(f["nationality_category"] for f in facts) == "non_eu"
    assert annual.nationality_of(["unknown"]) == "unknown"
    assert annual.nationality_of([]) == "unknown"
