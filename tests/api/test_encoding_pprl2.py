"""A partner sends a zicht-pprl-2 encoding made on its own premises (issue 13).

It must be stored as the platform stores its own zicht-pprl-2 entries (both encodings,
the first-pass bytes) and matched the same way; a malformed one is refused with a 400
naming the member, and nothing is written."""

import base64
import datetime as dt
import hashlib

import pytest

from tests.api.conftest import IDENTITY_STRINGS, api_signal
from zicht.audit.models import AuditEvent
from zicht.intake.models import Signal
from zicht.linkage.models import IndexEntry, Match
from zicht.linkage.services import current_key
from zicht.pprl.encoding import Identity, encode
from zicht.pprl.keys import PseudonymKey
from zicht.pprl.pprl2 import encode2
from zicht.pprl.wire import to_wire

pytestmark = pytest.mark.django_db

SIGNALS = "/api/v1/signals/"
# The example identity of api_signal(), as the partner holds it.
IDENTITY = {
    "given_names": "Mohamed",
    "surname": "El Amrani",
    "date_of_birth": dt.date(2010, 4, 3),
    "sex": "M",
}


def pprl2_body(key: PseudonymKey | None = None, **identity_overrides) -> dict:
    """A create-signal body with what ``encode --spec zicht-pprl-2 --with-pprl1`` writes."""
    identity = Identity(**{**IDENTITY, **identity_overrides})
    key = key or current_key()
    body = api_signal()
    del body["identity"]
    body["encoding"] = to_wire(encode2(identity, key), encode(identity, key))
    body["age_at_contact"] = 15
    return body


def _entry_rows(signal_id) -> dict:
    entry = IndexEntry.objects.get(signal_id=signal_id)
    return {
        "spec_version": entry.spec_version,
        "key_id": entry.key_id,
        "bloom": bytes(entry.bloom),
        "fields": entry.fields,
        "prefilter": bytes(entry.prefilter),
        "exact": sorted(entry.exact_tokens.values_list("token", flat=True)),
        "blocks": sorted(
            (t, bytes(b), v2)
            for t, b, v2 in entry.block_tokens.values_list("token", "bloom", "pprl2_entry")
        ),
    }


def test_pprl2_encoding_is_stored_and_matched_as_the_platforms_own(partner):
    police, _, police_client = partner("Politie")
    care, _, care_client = partner("Jeugdzorg")
    recorded = police_client.post(SIGNALS, api_signal(), format="json")
    assert recorded.status_code == 201, recorded.json()
    response = care_client.post(SIGNALS, pprl2_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["identity"] is None and body["new_matches"] == 1
    # The same person, so the same entry as the platform made from the plaintext: the
    # pprl-2 fields, the first-pass bytes, the pprl-1 filter and every token row.
    own, sent = _entry_rows(recorded.json()["id"]), _entry_rows(body["id"])
    assert sent["spec_version"] == "zicht-pprl-2" and len(sent["prefilter"]) == 248
    assert sent == own
    # Matched by pprl-2: evidence per name field, recognised automatically.
    match = Match.objects.get()
    assert {str(match.signal_a_id), str(match.signal_b_id)} == {
        recorded.json()["id"],
        body["id"],
    }
    assert match.status == "confirmed" and match.strong
    assert (match.evidence_given_name, match.evidence_surname, match.evidence_dob) == (
        "equal",
        "equal",
        "equal",
    )
    assert match.evidence_name == "not_compared"  # not judged by pprl-1's single filter
    stored = str(IndexEntry.objects.get(signal_id=body["id"]).fields)
    assert not any(s in stored for s in IDENTITY_STRINGS)


def test_a_sibling_sent_as_pprl2_is_not_an_automatic_match(partner):
    """The field floors apply to a partner's encoding too: a twin with another given
    name (same surname and date of birth) is no match."""
    _, _, police_client = partner("Politie")
    _, _, care_client = partner("Jeugdzorg")
    assert police_client.post(SIGNALS, api_signal(), format="json").status_code == 201
    response = care_client.post(SIGNALS, pprl2_body(given_names="Youssef"), format="json")
    assert response.status_code == 201, response.json()
    assert not Match.objects.filter(status="confirmed").exists()


def test_pprl2_finds_a_signal_indexed_with_pprl1_only(partner):
    """Through its pprl-1 twin a partner's pprl-2 entry still meets an entry of a signal
    with only an estimated age (no pprl-2 for it), as the platform's own entries do."""
    _, _, police_client = partner("Politie")
    _, _, care_client = partner("Jeugdzorg")
    estimated = api_signal()
    estimated["identity"].update(date_of_birth=None, age_estimate=16)
    recorded = police_client.post(SIGNALS, estimated, format="json")
    assert recorded.status_code == 201, recorded.json()
    assert IndexEntry.objects.get(signal_id=recorded.json()["id"]).spec_version == "zicht-pprl-1"
    response = care_client.post(SIGNALS, pprl2_body(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["new_matches"] == 1


def test_pprl1_encoding_is_still_accepted(partner):
    _, _, client = partner()
    body = pprl2_body()
    body["encoding"] = body["encoding"]["pprl1"]
    response = client.post(SIGNALS, body, format="json")
    assert response.status_code == 201, response.json()
    entry = IndexEntry.objects.get(signal_id=response.json()["id"])
    assert entry.spec_version == "zicht-pprl-1" and entry.fields is None
    assert bytes(entry.prefilter) == b""


OTHER_KEY = PseudonymKey.from_bytes(hashlib.sha256(b"another organisation's key").digest())
SHORT_FILTER = base64.b64encode(bytes(31)).decode()


def _set(path: str, value):
    def change(enc: dict) -> None:
        *parents, last = path.split(".")
        target = enc
        for name in parents:
            target = target[int(name)] if isinstance(target, list) else target[name]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _drop(name: str):
    return lambda enc: enc.pop(name)


def _other_twin(enc: dict) -> None:
    enc["pprl1"] = encode(Identity(**IDENTITY), OTHER_KEY).to_json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_set("spec_version", "zicht-pprl-3"), "encoding.spec_version"),
        (_set("spec_version", ""), "encoding.spec_version"),
        (_set("key_id", "0" * 16), "encoding.key_id"),
        (_set("key_id", "not-hex"), "encoding.key_id"),
        (_other_twin, "encoding.pprl1.key_id"),
        (_drop("pprl1"), "encoding.pprl1"),
        (_set("pprl1.bloom", SHORT_FILTER), "encoding.pprl1.bloom"),
        (_set("pprl1.spec_version", "zicht-pprl-2"), "encoding.pprl1"),
        (_set("given", [SHORT_FILTER] * 3), "encoding.given"),
        (lambda enc: enc["surname"].pop(), "encoding.surname"),
        (lambda enc: enc["name_tokens"].pop(), "encoding.name_tokens"),
        (_set("date_tokens.0", "abc"), "encoding.date_tokens"),
        (_set("date_near_tokens", []), "encoding.date_near_tokens"),
        (_set("other_given_tokens.0", "G" * 16), "encoding.other_given_tokens"),
        (_set("bsn_token", "ab" * 8), "encoding.bsn_token"),
        (_set("block_tokens", ["0" * 15]), "encoding.block_tokens"),
        (_set("probes.1.year_offset", -1), "encoding.probes"),
        (_set("probes.0.given", [SHORT_FILTER] * 3), "encoding.probes"),
        (lambda enc: enc.clear() or enc.update(spec_version="zicht-pprl-2"), "encoding"),
    ],
)
def test_a_malformed_pprl2_encoding_is_a_400_and_writes_nothing(partner, change, field):
    _, _, client = partner()
    body = pprl2_body()
    change(body["encoding"])
    response = client.post(SIGNALS, body, format="json")
    assert response.status_code == 400, response.json()
    assert response["Content-Type"] == "application/problem+json"
    fields = [e["field"] or "" for e in response.json()["errors"]]
    assert any(f == field or f.startswith(field + ".") for f in fields), fields
    assert not Signal.objects.exists() and not IndexEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="intake.signal_created").exists()


def test_a_whole_encoding_under_another_key_is_refused(partner):
    _, _, client = partner()
    response = client.post(SIGNALS, pprl2_body(key=OTHER_KEY), format="json")
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "andere pseudonimiseringssleutel" in errors["encoding.key_id"]  # Dutch by default
    assert not Signal.objects.exists() and not IndexEntry.objects.exists()


def test_an_unknown_spec_version_names_the_versions_accepted(partner):
    _, _, client = partner()
    body = pprl2_body()
    body["encoding"]["spec_version"] = "zicht-pprl-9"
    problem = client.post(SIGNALS, body, format="json").json()
    (message,) = [e["message"] for e in problem["errors"] if e["field"] == "encoding.spec_version"]
    assert "zicht-pprl-1" in message and "zicht-pprl-2" in message
