"""What the API's signal check keeps per process (the catalogue's parsed content, the
rules' fields) must never make it answer differently from a check built from scratch,
and a catalogue published or changed elsewhere must be used at the next request."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.intake.conftest import signal_post
from zicht.intake.models import IndicatorCatalogue
from zicht.intake.rules import SignalRules
from zicht.intake.selectors import current_catalogue
from zicht.intake.services import signal_input_check

pytestmark = pytest.mark.django_db

BAD = [
    {"bsn": "123456789"},
    {"given_names": "!!!", "surname": "123"},
    {"date_of_birth": "2040-01-01"},
    {"date_of_birth": "", "age_estimate": "40"},
    {"phone": "12-34"},
    {"municipality": "GM9999"},
    {"indicator_codes": ["no.such.code"]},
    {"forms": ["nothing"], "setting": "moon"},
    {"justice_offences": "diefstal"},
    {"contact_date": "2001-01-01"},
]


def _publish(version: int, data: dict) -> None:
    IndicatorCatalogue.objects.update(is_current=False)
    IndicatorCatalogue.objects.create(
        version=version, published=dt.date(2027, 1, 1), data=data, is_current=True
    )


def test_a_version_published_elsewhere_is_used_at_the_next_check():
    v1 = current_catalogue()
    extra = {"code": "new.item", "label": {"nl": "Nieuw"}, "explanation": {"nl": "Nieuw"}}
    data = dict(v1.data, version=2)
    data["groups"] = [dict(data["groups"][0], items=[*data["groups"][0]["items"], extra])]
    _publish(2, data)  # as another process (or a migration) would: straight to the table
    checked = signal_input_check(data=signal_post(indicator_codes=["new.item"]))
    assert checked.errors == {}
    assert checked.data["catalogue"].version == 2
    assert checked.data["indicator_codes"] == ["new.item"]
    refused = signal_input_check(data=signal_post())  # v1's codes are not in v2
    assert list(refused.errors) == ["indicator_codes"]


def test_content_changed_in_place_is_seen():
    current = current_catalogue()
    code = current.data["groups"][0]["items"][0]["code"]
    assert signal_input_check(data=signal_post(indicator_codes=[code])).errors == {}
    data = dict(current.data, groups=current.data["groups"][1:])
    IndicatorCatalogue.objects.filter(pk=current.pk).update(data=data)
    assert current_catalogue().data == data
    assert "indicator_codes" in signal_input_check(data=signal_post(indicator_codes=[code])).errors


def test_the_content_is_fetched_once_per_process():
    first = current_catalogue()
    with CaptureQueriesContext(connection) as captured:
        again = current_catalogue()
    assert again.data is first.data and again.pk == first.pk
    (sql,) = [q["sql"] for q in captured.captured_queries]
    assert '"intake_indicatorcatalogue"."data",' not in sql  # only its digest is read


@pytest.mark.parametrize("change", BAD)
def test_shared_fields_answer_as_fields_built_per_form(change):
    catalogue = current_catalogue()
    data = signal_post(**change)
    fresh = SignalRules(data=data, catalogue=catalogue)
    shared = SignalRules(data=data, catalogue=catalogue, shared_fields=True)
    assert not fresh.is_valid() and not shared.is_valid()
    assert shared.errors == fresh.errors
    # Nothing of one check stays behind for the next.
    valid = SignalRules(data=signal_post(), catalogue=catalogue, shared_fields=True)
    assert valid.is_valid(), valid.errors
    assert SignalRules(data=data, catalogue=catalogue, shared_fields=True).errors == fresh.errors


def test_a_page_changing_its_form_changes_no_other():
    catalogue = current_catalogue()
    page = SignalRules(catalogue=catalogue)
    page.fields["surname"].label = "changed"
    assert SignalRules(catalogue=catalogue).fields["surname"].label != "changed"
    checked = SignalRules(data=signal_post(), catalogue=catalogue, shared_fields=True)
    assert checked.fields["surname"].label != "changed"
