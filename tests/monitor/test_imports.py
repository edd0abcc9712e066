"""Importing the CBS neighbourhood list and the population table: documented columns,
every bad line named, nothing written when any line is bad."""

import pytest
from django.core.management import CommandError, call_command

from zicht.audit.models import AuditEvent
from zicht.monitor.models import Neighbourhood, Population

pytestmark = pytest.mark.django_db


def test_bundled_demo_lists_import(tmp_path, capsys):
    call_command("import_neighbourhoods", "--demo")
    call_command("import_population", "--demo")
    afrikaanderwijk = Neighbourhood.objects.get(code="BU05990101")
    assert afrikaanderwijk.kind == "buurt"
    assert afrikaanderwijk.municipality_id == "GM0599"
    assert afrikaanderwijk.wijk_code == "WK059901"
    assert Neighbourhood.objects.get(code="WK036302").kind == "wijk"
    assert Population.objects.get(municipality_id="GM0599", year=2026).young_people > 100_000
    assert AuditEvent.objects.filter(action="monitor.neighbourhoods_imported").exists()


def test_cbs_layout_with_semicolons_and_municipality_rows(tmp_path):
    f = tmp_path / "kwb.csv"
    f.write_text(
        "gwb_code_10;regio;gm_naam;recs\n"
        "GM0599;Rotterdam;Rotterdam;Gemeente\n"
        "WK059901;Stadsdriehoek;Rotterdam;Wijk\n"
        "BU05990110;Oude Westen;Rotterdam;Buurt\n",
        encoding="utf-8",
    )
    call_command("import_neighbourhoods", str(f))
    assert set(Neighbourhood.objects.values_list("code", flat=True)) == {"WK059901", "BU05990110"}
    # Importing again updates names instead of failing on the existing codes.
    f.write_text("gwb_code_10,regio\nWK059901,Centrum\n", encoding="utf-8")
    call_command("import_neighbourhoods", str(f))
    assert Neighbourhood.objects.get(code="WK059901").name == "Centrum"


def test_a_bad_line_names_its_line_and_nothing_is_written(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(
        "gwb_code_10,regio\n"
        "BU05990101,Afrikaanderwijk\n"
        "BU0599,Te kort\n"
        "BU99990101,Nergens\n"
        "BU05990101,Dubbel\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as exc:
        call_command("import_neighbourhoods", str(f))
    message = str(exc.value)
    assert "Nothing was imported" in message
    assert "line 3" in message and "BU0599" in message
    assert "line 4" in message and "GM9999" in message
    assert "line 5" in message and "twice" in message
    assert not Neighbourhood.objects.exists()


def test_missing_columns_are_named(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("code,naam\nBU05990101,X\n", encoding="utf-8")
    with pytest.raises(CommandError, match="gwb_code_10"):
        call_command("import_neighbourhoods", str(f))


def test_population_errors_per_line_all_or_nothing(tmp_path):
    f = tmp_path / "pop.csv"
    f.write_text(
        "municipality_code,year,young_people\n"
        "GM0599,2026,160000\n"
        "GM0000,2026,100\n"
        "GM0363,twintig,100\n"
        "GM0363,2026,-5\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as exc:
        call_command("import_population", str(f))
    message = str(exc.value)
    assert "line 3" in message and "line 4" in message and "line 5" in message
    assert not Population.objects.exists()


def test_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_population", str(tmp_path / "missing.csv"))
