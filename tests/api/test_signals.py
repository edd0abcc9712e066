"""Signals through the API: create (plaintext or encoded), list, read, withdraw; scoping."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.api.conftest import IDENTITY_STRINGS, api_signal
from zicht.audit.models import AuditEvent
from zicht.intake.models import Signal, SignalIdentity
from zicht.linkage.models import IndexEntry, Match
from zicht.linkage.services import current_key
from zicht.pprl.encoding import Identity, encode

pytestmark = pytest.mark.django_db

SIGNALS = "/api/v1/signals/"


def encoded_signal(**identity_overrides) -> dict:
    """A create-signal body whose identity was encoded 'on the partner's premises'."""
    identity = {
        "given_names": "Mohamed",
        "surname": "El Amrani",
        "date_of_birth": dt.date(2010, 4, 3),
        "sex": "M",
        **identity_overrides,
    }
    body = api_signal()
    del body["identity"]
    body["encoding"] = encode(Identity(**identity), current_key()).to_json()
    body["age_at_contact"] = 16
    body["municipality"] = "GM0599"
    return body


def test_create_with_identity(partner):
    member, key, client = partner()
    response = client.post(SIGNALS, api_signal(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    signal = Signal.objects.get()
    assert response["Location"] == f"{SIGNALS}{signal.pk}/"
    assert body["id"] == str(signal.pk) and body["reference"] == signal.reference
    assert body["identity"]["surname"] == "El Amrani"  # the organisation's own data
    assert body["new_matches"] == 0
    assert signal.organisation == member.organisation and signal.author == member.user
    assert IndexEntry.objects.filter(signal_id=signal.pk).exists()
    events = AuditEvent.objects.filter(object_id=str(signal.pk))
    assert {"intake.signal_created", "api.signal_created"} <= set(
        events.values_list("action", flat=True)
    )
    api_event = events.get(action="api.signal_created")
    assert api_event.details["api_key"] == key.prefix and api_event.actor_id == member.user_id


def test_create_with_encoding_never_receives_plaintext(partner):
    police, _, police_client = partner("Politie")
    care, _, care_client = partner("Jeugdzorg")
    assert police_client.post(SIGNALS, api_signal(), format="json").status_code == 201
    response = care_client.post(SIGNALS, encoded_signal(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["identity"] is None and body["age_at_contact"] == 16
    assert body["new_matches"] == 1
    signal = Signal.objects.get(pk=body["id"])
    assert not SignalIdentity.objects.filter(signal=signal).exists()
    assert signal.municipality_id == "GM0599"
    match = Match.objects.get()
    assert match.status == "confirmed" and {match.signal_a_id, match.signal_b_id} == {
        signal.pk,
        Signal.objects.get(organisation=police.organisation).pk,
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"key_id": "0" * 16}, "encoding.key_id"),
        ({"bloom": "bm90IDY0IGJ5dGVz"}, "encoding.bloom"),
        ({"spec_version": "zicht-pprl-0"}, "encoding.spec_version"),
        ({"exact_tokens": ["XYZ"]}, "encoding.exact_tokens"),
    ],
)
def test_create_with_bad_encoding_is_refused(partner, change, field):
    _, _, client = partner()
    body = encoded_signal()
    body["encoding"].update(change)
    response = client.post(SIGNALS, body, format="json")
    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Signal.objects.exists() and not IndexEntry.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"identity": {"bsn": "123456789"}}, "identity.bsn"),
        ({"identity": {"date_of_birth": "2999-01-01"}}, "identity.date_of_birth"),
        ({"identity": {"date_of_birth": None}}, "identity.date_of_birth"),
        ({"identity": {"age_estimate": 40, "date_of_birth": None}}, "identity.age_estimate"),
        ({"identity": {"municipality": "GM9999"}}, "identity.municipality"),
        ({"contact_date": "2999-01-01"}, "contact_date"),
        ({"indicator_codes": ["no.such.code"]}, "indicator_codes"),
        ({"forms": ["piracy"]}, "forms.0"),
        ({"setting": "moon"}, "setting"),
        ({"age_at_contact": 15}, "age_at_contact"),
    ],
)
def test_the_web_form_rules_apply(partner, change, field):
    _, _, client = partner()
    body = api_signal()
    for name, value in change.items():
        if name == "identity":
            body["identity"].update(value)
        else:
            body[name] = value
    response = client.post(SIGNALS, body, format="json")
    assert response.status_code == 400, response.json()
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["type"] == "urn:zicht:problem:validation-error"
    assert field in [e["field"] for e in problem["errors"]], problem
    assert "123456789" not in response.content.decode()  # values are never echoed
    assert not Signal.objects.exists()


def test_identity_or_encoding_exactly_one(partner):
    _, _, client = partner()
    both = {**encoded_signal(), "identity": api_signal()["identity"]}
    both.pop("age_at_contact"), both.pop("municipality")
    neither = api_signal()
    del neither["identity"]
    for body in (both, neither):
        response = client.post(SIGNALS, body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] is None


def test_list_shows_only_own_signals_filtered_and_paginated(partner):
    member, _, client = partner()
    _, _, other_client = partner()
    for _i in range(3):
        assert client.post(SIGNALS, api_signal(), format="json").status_code == 201
    other_client.post(SIGNALS, api_signal(), format="json")
    page = client.get(SIGNALS, {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    own = set(Signal.objects.filter(organisation=member.organisation).values_list("pk", flat=True))
    assert {r["id"] for r in page["results"]} <= {str(pk) for pk in own}
    assert "identity" not in page["results"][0]  # lists carry no identity
    withdrawn = Signal.objects.filter(organisation=member.organisation).first()
    client.post(f"{SIGNALS}{withdrawn.pk}/withdraw/", {"reason": "Dubbel"}, format="json")
    only = client.get(SIGNALS, {"status": "withdrawn"}).json()
    assert [r["id"] for r in only["results"]] == [str(withdrawn.pk)]
    event = AuditEvent.objects.filter(action="api.signal_list").first()
    assert event.details["signal_ids"] == [str(withdrawn.pk)]
    bad = client.get(SIGNALS, {"date_from": "gisteren"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "date_from"


def test_read_own_signal_is_audited(partner):
    _, key, client = partner()
    signal_id = client.post(SIGNALS, api_signal(), format="json").json()["id"]
    response = client.get(f"{SIGNALS}{signal_id}/")
    assert response.status_code == 200
    assert response.json()["identity"]["given_names"] == "Mohamed"
    event = AuditEvent.objects.get(action="intake.signal_viewed", object_id=signal_id)
    assert event.details == {"via": "api", "api_key": key.prefix}


@pytest.mark.parametrize("method", ["get", "withdraw"])
def test_other_organisations_signal_is_404_and_audited(partner, method):
    _, _, owner = partner()
    intruder, key, client = partner()
    signal_id = owner.post(SIGNALS, api_signal(), format="json").json()["id"]
    if method == "get":
        response = client.get(f"{SIGNALS}{signal_id}/")
    else:
        response = client.post(
            f"{SIGNALS}{signal_id}/withdraw/", {"reason": "weg ermee"}, format="json"
        )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.content.decode()
    for plain in IDENTITY_STRINGS:
        assert plain not in body
    assert Signal.objects.get(pk=signal_id).status == "active"
    event = AuditEvent.objects.get(action="intake.signal_not_found", object_id=signal_id)
    assert event.actor_id == intruder.user_id and event.details["api_key"] == key.prefix


def test_unknown_id_is_404(partner):
    _, _, client = partner()
    response = client.get(f"{SIGNALS}00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert client.get(f"{SIGNALS}not-a-uuid/").status_code == 404


def test_withdraw_and_withdraw_again(partner):
    _, _, client = partner()
    signal_id = client.post(SIGNALS, api_signal(), format="json").json()["id"]
    missing = client.post(f"{SIGNALS}{signal_id}/withdraw/", {}, format="json")
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "reason"
    response = client.post(f"{SIGNALS}{signal_id}/withdraw/", {"reason": "Dubbel"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert not IndexEntry.objects.filter(signal_id=signal_id).exists()
    again = client.post(f"{SIGNALS}{signal_id}/withdraw/", {"reason": "Dubbel"}, format="json")
    assert again.status_code == 409
    assert again.json()["type"] == "urn:zicht:problem:conflict"
    assert AuditEvent.objects.filter(action="api.signal_withdrawn", object_id=signal_id).exists()


def test_encoded_signals_are_purged_at_expiry(partner):
    from zicht.api.services import api_data_purge

    _, _, client = partner()
    signal_id = client.post(SIGNALS, encoded_signal(), format="json").json()["id"]
    Signal.objects.filter(pk=signal_id).update(expires_on=timezone.localdate())
    assert api_data_purge()["encoded_signals"] == 1
    signal = Signal.objects.get(pk=signal_id)
    assert signal.status == "expired" and signal.account == ""
    assert not IndexEntry.objects.filter(signal_id=signal_id).exists()
    assert api_data_purge()["encoded_signals"] == 0


def _post_identity(client, **identity):
    body = api_signal()
    body["identity"].update(identity)
    return client.post(SIGNALS, body, format="json")


def _errors_by_field(response) -> dict:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    errors: dict = {}
    for error in response.json()["errors"]:
        errors.setdefault(error["field"], []).append(error["message"])
    return errors


def test_date_of_birth_after_contact_date_is_400_not_500(partner):
    _, _, client = partner()
    today = timezone.localdate()
    body = api_signal(
        contact_date=(today - dt.timedelta(days=30)).isoformat(),
        date_of_birth=(today - dt.timedelta(days=10)).isoformat(),
    )
    errors = _errors_by_field(client.post(SIGNALS, body, format="json"))
    assert errors == {
        "identity.date_of_birth": ["De geboortedatum kan niet na de datum van het contact liggen."]
    }
    assert not Signal.objects.exists() and not IndexEntry.objects.exists()


def test_over_the_age_limit_is_refused_with_one_error_naming_the_bound(partner):
    _, _, client = partner()
    today = timezone.localdate()
    dob = dt.date(today.year - 30, 1, 1)
    errors = _errors_by_field(_post_identity(client, date_of_birth=dob.isoformat()))
    assert list(errors) == ["identity.date_of_birth"]
    assert len(errors["identity.date_of_birth"]) == 1
    assert "ouder dan 27" in errors["identity.date_of_birth"][0]
    errors = _errors_by_field(_post_identity(client, date_of_birth=None, age_estimate=28))
    assert list(errors) == ["identity.age_estimate"]
    assert not Signal.objects.exists()


def test_a_24_year_old_is_accepted_through_the_api(partner):
    _, _, client = partner()
    response = _post_identity(client, date_of_birth=None, age_estimate=24)
    assert response.status_code == 201, response.content
    assert Signal.objects.get().age_at_contact == 24


@pytest.mark.parametrize(
    ("field", "value"),
    [("given_names", "!!!"), ("surname", "!!!"), ("surname", "...")],
)
def test_a_name_without_letters_is_refused_on_its_own_field(partner, field, value):
    _, _, client = partner()
    errors = _errors_by_field(_post_identity(client, **{field: value}))
    assert list(errors) == [f"identity.{field}"]
    assert "Latijnse alfabet" in errors[f"identity.{field}"][0]
    assert not Signal.objects.exists()


@pytest.mark.parametrize("phone", ["------", "(((())))"])
def test_a_phone_number_without_digits_is_refused(partner, phone):
    _, _, client = partner()
    errors = _errors_by_field(_post_identity(client, phone=phone))
    assert list(errors) == ["identity.phone"]
    assert not Signal.objects.exists()


def test_encoded_signal_age_at_contact_is_within_the_scope(partner):
    _, _, client = partner()
    body = encoded_signal()
    body["age_at_contact"] = 28
    errors = _errors_by_field(client.post(SIGNALS, body, format="json"))
    assert "ouder dan 27" in errors["age_at_contact"][0]
    body["age_at_contact"] = 7
    errors = _errors_by_field(client.post(SIGNALS, body, format="json"))
    assert "jonger dan 8" in errors["age_at_contact"][0]
    body["age_at_contact"] = 27
    assert client.post(SIGNALS, body, format="json").status_code == 201


def test_a_signal_records_through_the_api_that_the_young_person_is_also_a_suspect(partner):
    _, _, client = partner()
    body = api_signal(justice_status="suspect", justice_offences="Drugs vervoeren")
    response = client.post(SIGNALS, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["justice_status"] == "suspect"
    assert response.json()["justice_offences"] == "Drugs vervoeren"
    body = api_signal(justice_offences="Drugs vervoeren")
    assert "justice_offences" in _errors_by_field(client.post(SIGNALS, body, format="json"))
    body = api_signal(justice_status="convicted")
    assert "justice_status" in _errors_by_field(client.post(SIGNALS, body, format="json"))


def test_the_api_records_a_nationality_category_and_refuses_a_country(partner):
    _, _, client = partner()
    response = client.post(SIGNALS, api_signal(nationality_category="non_eu"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["nationality_category"] == "non_eu"
    errors = _errors_by_field(
        client.post(SIGNALS, api_signal(nationality_category="SY"), format="json")
    )
    assert "nationality_category" in errors
