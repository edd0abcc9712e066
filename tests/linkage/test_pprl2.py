"""zicht-pprl-2: field-aware encoding, evidence per pair and the decision floors."""

import datetime as dt
import hmac
import json
from pathlib import Path

import pytest

from zicht.pprl.encoding import Encoding, EncodingError, Identity, encode
from zicht.pprl.keys import PseudonymKey, hkdf_sha256
from zicht.pprl.pprl2 import (
    BSN_LEVELS,
    DATE_LEVELS,
    NAME_LEVELS,
    OTHER_GIVEN_LEVELS,
    SPEC_VERSION_2,
    Encoding2,
    compare,
    decide,
    encode2,
    link2,
)

DATA = Path(__file__).parent / "data"
KEY = PseudonymKey.from_bytes(bytes(range(32)))
TODAY = dt.date(2026, 1, 1)


def enc(given, surname, dob, bsn="", key=KEY):
    return encode2(Identity(given, surname, dob, "", bsn), key, today=TODAY)


def pair(a, b):
    ev = compare(a, b)
    return ev, decide(ev)


def test_test_vectors():
    """The published vectors fix every byte of the encoding."""
    vectors = json.loads((DATA / "test_vectors_pprl2.json").read_text())
    key = PseudonymKey.from_bytes(bytes.fromhex(vectors["master_key_hex"]))
    assert vectors["spec_version"] == SPEC_VERSION_2
    assert key.key_id == vectors["key_id"]
    for case in vectors["cases"]:
        i = case["identity"]
        dob = dt.date.fromisoformat(i["date_of_birth"])
        got = encode2(
            Identity(i["given_names"], i["surname"], dob, i["sex"], i["bsn"]), key, today=TODAY
        )
        assert got.to_json() == case["encoding"], case["identity"]
        assert Encoding2.from_json(case["encoding"]) == got


def _subkey(purpose: str) -> bytes:
    return hkdf_sha256(bytes(range(32)), f"zicht-pprl-2/{purpose}".encode(), salt=b"zicht-pprl-2")


def test_tokens_follow_the_spec_text():
    """Recompute tokens and a filter from docs/linkage.md alone: HKDF-SHA256 sub-keys
    with salt 'zicht-pprl-2' and info 'zicht-pprl-2/<purpose>', then HMAC-SHA256."""
    name_key, bsn_key = _subkey("name-token"), _subkey("bsn-token")
    date_key, field_key = _subkey("date-token"), _subkey("field-bigram")
    e = enc("Mohamed Ali", "El Amrani", dt.date(2008, 3, 7), bsn="111222333")

    def tok(key, msg, n=16):
        return hmac.digest(key, msg.encode(), "sha256").hex()[:n]

    # Given name under the surname anchor: phonetic code; surname under the month/day
    # anchor: sorted letters. Month 3 and day 7 sorted: "0307".
    assert e.name_tokens[0] == tok(name_key, "2008|n|amrani|p|mt")
    assert e.name_tokens[11] == tok(name_key, "2008|d|0307|a|aaimnr")
    assert e.other_given_tokens[0] == tok(name_key, "2008|o|amrani|mohammed")
    assert e.other_given_tokens[1:] == (tok(name_key, "2008|o|amrani|ali"),)
    assert e.date_near_tokens[0] == tok(date_key, "dn|2008-03-07")
    assert tok(date_key, "dn|2008-03-17") in e.date_near_tokens  # day + 10
    assert e.bsn_token == tok(bsn_key, "bsn|111222333", 32)
    # Surname + month block, with the given name's first letter.
    assert tok(_subkey("block-token"), "sm|2008|amrn|m|03") in e.block_tokens
    # The surname filter under the first-given-name anchor, bit by bit.
    bits = 0
    for g in ("_a", "am", "mr", "ra", "an", "ni", "i_"):
        d = hmac.digest(field_key, f"2008|n|mohammed|{g}".encode(), "sha256")
        for i in range(4):
            bits |= 1 << (255 - int.from_bytes(d[4 * i : 4 * i + 4], "big") % 256)
    assert e.surname[0] == bits.to_bytes(32, "big")


def test_no_name_field_is_encoded_alone():
    """The defence against frequency attacks: two children with the same given name but
    another surname and birthday share no given-name filter or token (so an index
    holder cannot count how often a given name occurs); the same holds for surnames."""
    a = enc("Emma", "de Jong", dt.date(2010, 1, 2))
    b = enc("Emma", "Bakker", dt.date(2010, 5, 6))
    c = enc("Sophie", "de Jong", dt.date(2010, 7, 8))
    for x, y in ((a, b), (a, c)):
        assert not set(x.given + x.surname) & set(y.given + y.surname)
        assert not set(x.name_tokens) & set(y.name_tokens)
        assert not set(x.other_given_tokens) & set(y.other_given_tokens)


def test_no_plaintext_and_no_pprl1_token_in_an_encoding():
    e = enc("Mohammed", "El Amrani", dt.date(2008, 3, 7), bsn="111222333")
    text = json.dumps(e.to_json()).lower()
    for plain in ("mohammed", "amrani", "2008", "111222333"):
        assert plain not in text
    old = encode(Identity("Mohammed", "El Amrani", dt.date(2008, 3, 7), "", "111222333"), KEY)
    assert old.bsn_token != e.bsn_token  # separate sub-keys per spec version


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Aya", "Sara"),
        ("Emma", "Demi"),
        ("Daan", "Sem"),
        ("Noah", "Liam"),
        ("Daan", "Daniël"),  # Daan is a name of its own, not only Daniël's short form
    ],
)
def test_twins_are_never_an_automatic_match(a, b):
    """Same surname, same date of birth, different given names (the issue's examples)."""
    dob = dt.date(2011, 5, 9)
    ev, decision = pair(enc(a, "El Idrissi", dob), enc(b, "El Idrissi", dob))
    assert decision != "match"
    assert ev.given_name in ("medium", "low")
    assert ev.surname == "equal" and ev.date_of_birth == "equal"


def test_twins_whose_names_share_a_phonetic_code_are_not_a_match():
    """The phonetic code drops vowels: Ömer/Emir and Marit/Myrthe share it."""
    dob = dt.date(2008, 9, 7)
    for a, b in (("Ömer", "Emir"), ("Marit", "Myrthe")):
        ev, decision = pair(enc(a, "Kılıç", dob), enc(b, "Kılıç", dob))
        assert ev.given_name == "low" and decision != "match", (a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Mohamed", "Mohammed"), ("Jan", "Johannes"), ("Bas", "Sebastiaan"), ("Sem", "Semmy")],
)
def test_known_variants_still_match(a, b):
    dob = dt.date(2010, 2, 20)
    ev, decision = pair(enc(a, "de Vries", dob), enc(b, "de Vries", dob))
    assert decision == "match"
    assert ev.given_name == "equal"


def test_a_typo_in_a_name_is_high_and_matches():
    dob = dt.date(2010, 2, 20)
    ev, decision = pair(enc("Sophie", "Hendriks", dob), enc("Sophie", "Hendrisk", dob))
    assert ev.surname == "high" and decision == "match"


def test_date_evidence_levels():
    names = ("Fenna", "Dijkstra")
    base = enc(*names, dt.date(2009, 3, 14))
    cases = {
        dt.date(2009, 3, 14): ("equal", "match"),
        dt.date(2009, 3, 15): ("one_part_typo", "match"),
        dt.date(2009, 3, 24): ("one_part_typo", "match"),
        # A day that is no typical typo away: unrelated children with common names
        # share names and year-month far more often (heldout calibration seeds).
        dt.date(2009, 3, 27): ("one_part_differs", None),
        dt.date(2009, 4, 13): ("digits_transposed", "possible"),
        dt.date(2009, 4, 15): ("two_parts_typo", "possible"),
        dt.date(2009, 7, 25): ("two_parts_differ", None),
    }
    for dob, (level, decision) in cases.items():
        ev, got = pair(base, enc(*names, dob))
        assert (ev.date_of_birth, got) == (level, decision), dob
    swapped = enc(*names, dt.date(2009, 12, 5))
    ev, got = pair(enc(*names, dt.date(2009, 5, 12)), swapped)
    assert (ev.date_of_birth, got) == ("day_month_swapped", "match")


def test_bsn_evidence():
    dob = dt.date(2012, 8, 30)
    a = enc("Kacper", "Nowak", dob, bsn="111222333")
    assert pair(a, enc("Kacper", "Nowak", dob, bsn="111222333"))[0].bsn == "equal"
    ev, decision = pair(a, enc("Kacper", "Nowak", dob, bsn="123456782"))
    assert ev.bsn == "differs" and decision == "possible"
    ev, decision = pair(a, enc("Kasper", "Nowak", dob, bsn="123456782"))
    assert decision == "possible" or decision is None
    ev, decision = pair(a, enc("Zuzanna", "Kowalski", dt.date(2011, 1, 2), bsn="111222333"))
    assert ev.bsn == "equal" and decision == "possible"  # same BSN, nothing else: review


def test_evidence_holds_levels_only():
    ev, _ = pair(
        enc("Aya", "Bouali", dt.date(2011, 5, 9)), enc("Aia", "Bouali", dt.date(2011, 9, 5))
    )
    d = ev.to_dict()
    assert d["given_name"] in NAME_LEVELS and d["surname"] in NAME_LEVELS
    assert d["date_of_birth"] in DATE_LEVELS and d["bsn"] in BSN_LEVELS
    assert set(d) == {
        "given_name",
        "surname",
        "date_of_birth",
        "bsn",
        "fields_swapped",
        "year_offset",
        "other_given_names",
    }
    assert d["other_given_names"] in OTHER_GIVEN_LEVELS


def test_link2_finds_date_typos_through_name_blocks_and_year_probes():
    """A date with day and month both wrong shares no date block; a birth year off by
    one shares no year. The name blocks and the ±1-year probes still bring them
    together, with evidence, across two organisations."""
    a = [
        ("a1", enc("Fenna", "Dijkstra", dt.date(2009, 3, 14))),
        ("a2", enc("Youssef", "Ouazzani", dt.date(2012, 6, 1))),
        ("a3", enc("Aya", "Chakir", dt.date(2013, 2, 2))),
    ]
    b = [
        ("b1", enc("Fenna", "Dijkstra", dt.date(2009, 4, 13))),
        ("b2", enc("Yusuf", "Ouazzani", dt.date(2011, 6, 1))),
        ("b3", enc("Sara", "Chakir", dt.date(2013, 2, 2))),
    ]
    got = {(p.id_a, p.id_b): p for p in link2([a, b])}
    assert set(got) == {("a1", "b1"), ("a2", "b2")}
    assert got[("a1", "b1")].evidence.date_of_birth == "digits_transposed"
    assert got[("a2", "b2")].decision == "match"  # names equal (transliteration)
    assert abs(got[("a2", "b2")].evidence.year_offset) == 1


def test_link2_refuses_mixed_keys():
    other = PseudonymKey.from_bytes(bytes(range(1, 33)))
    d = dt.date(2010, 1, 1)
    with pytest.raises(EncodingError, match="key_id"):
        link2([[("a", enc("Jan", "Bos", d))], [("b", enc("Jan", "Bos", d, key=other))]])


def test_spec_versions_do_not_mix_and_pprl1_stays_readable():
    e1 = encode(Identity("Jan", "Bos", dt.date(2010, 1, 1)), KEY).to_json()
    e2 = enc("Jan", "Bos", dt.date(2010, 1, 1)).to_json()
    assert Encoding.from_json(e1).spec_version == "zicht-pprl-1"
    with pytest.raises(EncodingError, match="spec_version"):
        Encoding2.from_json(e1)
    with pytest.raises(EncodingError, match="spec_version"):
        Encoding.from_json(e2)


def test_pprl2_requires_a_date_of_birth():
    with pytest.raises(EncodingError, match="date_of_birth"):
        encode2(Identity("Jan", "Bos", None, birth_year_estimate=2010), KEY)


def test_a_typo_in_the_given_name_and_in_the_month_is_still_compared():
    """No surname anchor is shared with a date typo, yet the given-name filter under
    the surname anchor agrees, which certifies the surname; the name + day block brings
    the pair to a comparison. The name typo keeps it a ``possible``."""
    a = [("a", enc("Maya", "Khalil", dt.date(2011, 4, 16)))]
    b = [("b", enc("Maqa", "Khalil", dt.date(2011, 5, 16)))]
    (got,) = link2([a, b])
    assert got.evidence.surname == "equal"
    assert got.evidence.date_of_birth == "one_part_typo"
    assert got.decision == "possible"


def test_a_year_typo_is_a_match_only_with_one_name_equal():
    """Same day and month, the year one off: a match with the names equal (on the
    calibration seeds some 1% of these were other children, Romy de Vries among them);
    with both names only ``high`` a person decides."""
    a = [("a", enc("Romy", "de Vries", dt.date(2014, 8, 7)))]
    b = [("b", enc("Romy", "de Vries", dt.date(2015, 8, 7)))]
    (got,) = link2([a, b])
    assert got.evidence.date_of_birth == "one_part_typo"
    assert abs(got.evidence.year_offset) == 1 and got.decision == "match"
    c = [("c", enc("Rommy", "de Vriess", dt.date(2015, 8, 7)))]
    (got,) = link2([a, c])
    assert (got.evidence.given_name, got.evidence.surname) == ("high", "high")
    assert abs(got.evidence.year_offset) == 1 and got.decision == "possible"
