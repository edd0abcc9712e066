"""The HTCDS 2.0 export of the register of possible victims: every value checked against
the standard's field list (types and picklists), criminal exploitation as Other plus the
proposed value, identity only for a coordinator who asks, each export audit-logged."""

import csv
import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from zicht.audit.models import AuditEvent
from zicht.coordination import htcds

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _picklist(field: dict) -> set[str]:
    return {v.strip() for v in field["value_names"].split("|") if v.strip()}


def assert_valid(columns: list[str], rows: list[dict]) -> None:
    """Every standard column is a field of HTCDS 2.0 and every value fits its type."""
    fields = htcds.field_list()
    for column in columns:
        if column.startswith("x_zicht_"):
            continue
        assert column in fields, f"{column} is not an HTCDS 2.0 field"
    for row in rows:
        for column in columns:
            value = row.get(column, "")
            if column.startswith("x_zicht_") or value == "":
                continue
            kind = fields[column]["type"]
            if fields[column]["value_names"].startswith("Use ISO 3166"):
                # A picklist of ISO 3166 country codes (two letters).
                for part in value.split(htcds.MULTISELECT_SEPARATOR):
                    assert re.fullmatch(r"[A-Z]{2}", part), (column, part)
            elif kind == "Picklist":
                assert value in _picklist(fields[column]), (column, value)
            elif kind == "Multiselect Picklist":
                for part in value.split(htcds.MULTISELECT_SEPARATOR):
                    assert part in _picklist(fields[column]), (column, part)
            elif kind == "Date":
                assert ISO_DATE.match(value), (column, value)
                dt.date.fromisoformat(value)
            elif kind == "Checkbox":
                assert value in ("TRUE", "FALSE"), (column, value)
            elif kind == "Number":
                int(value)
            else:
                assert kind in ("Text", "Long Text") or kind.startswith("Lookup"), (column, kind)


def _read(path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


def test_the_export_validates_against_the_field_list(screened_file, tmp_path):
    year = timezone.localdate().year
    out = tmp_path / "htcds.csv"
    call_command("export_htcds", "--year", str(year), "--out", str(out))
    columns, rows = _read(out)
    assert_valid(columns, rows)
    assert len(rows) == 1
    row = rows[0]
    assert row["vic_TraffickingStatus"] == "PossibleVictimOfTrafficking"
    assert row["vic_TypeOfExploitation"] == "Other"
    assert row["x_zicht_TypeOfExploitationProposed"] == "ForcedCriminality"
    assert row["x_zicht_CriminalExploitationForms"] == "DrugDealingAndCouriering"
    assert row["x_zicht_AgeGroup"] == "16-17" and row["x_zicht_Minor"] == "TRUE"
    assert row["prs_Gender"] == "Masculine"
    assert row["x_zicht_CaseReference"] == screened_file.reference
    # No identity unless asked for.
    assert not set(htcds.IDENTITY_COLUMNS) & set(columns)
    assert "Amrani" not in out.read_text(encoding="utf-8")
    event = AuditEvent.objects.get(action="coordination.htcds_exported")
    assert event.details["identity"] is False and event.details["rows"] == 1


def test_another_year_is_empty_but_valid(screened_file, tmp_path):
    out = tmp_path / "htcds.csv"
    call_command("export_htcds", "--year", "2001", "--out", str(out))
    columns, rows = _read(out)
    assert rows == [] and "vic_TypeOfExploitation" in columns


def test_identity_only_for_a_coordinator_who_asks(
    screened_file, coordinator, professional, tmp_path
):
    out = tmp_path / "htcds.xlsx"
    year = str(timezone.localdate().year)
    with pytest.raises(CommandError, match="needs --coordinator"):
        call_command("export_htcds", "--year", year, "--out", str(out), "--with-identity")
    with pytest.raises(CommandError, match="not an active coordinator"):
        call_command(
            "export_htcds", "--year", year, "--out", str(out), "--with-identity",
            "--coordinator", professional.user.username,
        )  # fmt: skip
    assert not out.exists()
    call_command(
        "export_htcds", "--year", year, "--out", str(out), "--with-identity",
        "--coordinator", coordinator.user.username,
    )  # fmt: skip
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    values = list(sheet.values)
    columns, rows = list(values[0]), [dict(zip(values[0], r, strict=True)) for r in values[1:]]
    rows = [{k: ("" if v is None else str(v)) for k, v in r.items()} for r in rows]
    assert_valid(columns, rows)
    assert rows[0]["prs_SecondName"] == "El Amrani"
    event = AuditEvent.objects.filter(action="coordination.htcds_exported").latest("seq")
    assert event.details["identity"] is True and event.actor_id == coordinator.user.pk


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--year", "2026", "--out", "x.txt"], "must end in .csv or .xlsx"),
        (["--year", "26", "--out", "x.csv"], "--year must be a year"),
        (["--year", "2026", "--out", "/no/such/folder/x.csv"], "does not exist"),
    ],
)
def test_bad_arguments_get_one_clear_error(arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_htcds", *arguments)


def test_every_zicht_form_maps_to_a_criminal_exploitation_subform():
    from zicht.intake.constants import ExploitationForm

    assert set(htcds.CRIMINAL_SUBFORMS) == set(ExploitationForm.values)


def test_nationality_and_measures_are_exported(screened_file, tmp_path):
    from zicht.coordination.models import Measure
    from zicht.intake.models import Signal

    Signal.objects.update(nationality_category="dutch")
    for kind, status in (
        ("shield_data", "accepted"),
        ("interpreter", "in_place"),
        ("contact_ban", "proposed"),  # not taken (yet): not exported
    ):
        Measure.objects.create(file=screened_file, kind=kind, status=status)
    year = timezone.localdate().year
    export = htcds.export_rows(year=year)
    assert_valid(export.columns, export.rows)
    row = export.rows[0]
    assert row["prs_Citizenship"] == "NL"
    assert row["x_zicht_NationalityCategory"] == "dutch"
    assert row["x_zicht_Measures"] == "interpreter;shield_data"
    # Another EU country is no country code: the standard field stays empty.
    Signal.objects.update(nationality_category="eu")
    row = htcds.export_rows(year=year).rows[0]
    assert row["prs_Citizenship"] == "" and row["x_zicht_NationalityCategory"] == "eu"
