"""Evidence levels of a match, from what two zicht-pprl-1 encodings hold (issue 11)."""

import datetime as dt

import pytest

from zicht.pprl.encoding import Identity, encode
from zicht.pprl.evidence import Evidence, evidence_for, name_level
from zicht.pprl.fuzzy import MATCH_THRESHOLD, POSSIBLE_THRESHOLD
from zicht.pprl.keys import PseudonymKey

KEY = PseudonymKey.from_bytes(bytes(range(32)))


def ident(given="Mohamed", surname="El Amrani", dob=dt.date(2010, 4, 3), **kw):
    return Identity(given, surname, dob, **kw)


def levels(new: Identity, stored: Identity) -> Evidence:
    """Evidence as the matching service computes it: ``new`` is being indexed (with its
    probes and BSN token), ``stored`` is the other side's index entry."""
    a, b = encode(new, KEY), encode(stored, KEY)
    return evidence_for(
        own_bloom=a.bloom,
        own_blocks=a.block_tokens,
        other_bloom=b.bloom,
        other_blocks=b.block_tokens,
        other_exact=b.exact_tokens,
        probes=[(p.bloom, p.block_tokens) for p in a.probes],
        bsn_token=a.bsn_token,
    )


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (1.0, "high"),
        (MATCH_THRESHOLD, "high"),
        (MATCH_THRESHOLD - 0.001, "medium"),
        (POSSIBLE_THRESHOLD, "medium"),
        (POSSIBLE_THRESHOLD - 0.001, "low"),
        (0.2, "low"),
    ],
)
def test_name_level_cut_offs_are_the_matching_thresholds(score, level):
    assert name_level(score) == level


def test_same_identity_agrees_on_everything_that_can_be_compared():
    ev = levels(ident(bsn="111222333"), ident(bsn="111222333"))
    # 3 April: day and month both <= 12, so the swap-invariant tokens cannot tell
    # "equal" from "swapped".
    assert ev == Evidence(name="high", date_of_birth="equal_or_swapped", bsn="equal")


def test_a_day_above_12_cannot_be_swapped_so_the_date_is_equal():
    ev = levels(ident(dob=dt.date(2010, 4, 23)), ident(dob=dt.date(2010, 4, 23)))
    assert ev.date_of_birth == "equal"


def test_day_and_month_swapped():
    ev = levels(ident(dob=dt.date(2010, 4, 3)), ident(dob=dt.date(2010, 3, 4)))
    assert ev.date_of_birth == "equal_or_swapped"
    assert ev.name == "high"


def test_one_part_of_the_date_differs():
    assert levels(ident(dob=dt.date(2010, 4, 3)), ident(dob=dt.date(2010, 4, 9))).date_of_birth == (
        "one_part_differs"
    )  # the day
    assert levels(ident(dob=dt.date(2010, 4, 3)), ident(dob=dt.date(2011, 4, 3))).date_of_birth == (
        "one_part_differs"
    )  # the year, through the probe of the neighbouring year


def test_a_year_off_by_one_still_compares_the_names_under_the_same_salt():
    ev = levels(ident(dob=dt.date(2010, 4, 3)), ident(dob=dt.date(2011, 4, 3)))
    assert ev.name == "high"


def test_dates_far_apart_are_different_and_names_not_comparable():
    ev = levels(ident(dob=dt.date(2010, 4, 23)), ident(dob=dt.date(2013, 9, 17)))
    assert ev == Evidence(name="not_compared", date_of_birth="different", bsn="not_compared")


def test_a_birth_year_estimate_is_not_compared_as_a_date():
    ev = levels(ident(), ident(dob=None, birth_year_estimate=2010))
    assert ev.date_of_birth == "not_compared"
    assert ev.name in ("high", "medium")  # same year: the filters are comparable


def test_name_similarity_follows_the_spelling():
    assert levels(ident(), ident(surname="Elamrani")).name in ("high", "medium")
    assert levels(ident(), ident(given="Daan", surname="de Vries")).name == "low"


@pytest.mark.parametrize(
    ("new_bsn", "stored_bsn"),
    [("", "111222333"), ("111222333", ""), ("", ""), ("111222333", "123456782")],
)
def test_bsn_is_only_ever_equal_or_not_compared(new_bsn, stored_bsn):
    # The index does not record which exact token is the BSN: a different BSN cannot be
    # told from a missing one, so neither is called a difference.
    assert levels(ident(bsn=new_bsn), ident(bsn=stored_bsn)).bsn == "not_compared"


def test_evidence_holds_levels_only():
    ev = levels(ident(bsn="111222333"), ident(surname="Elamrani", bsn="111222333"))
    for value in (ev.name, ev.date_of_birth, ev.bsn):
        assert value in {
            "high",
            "medium",
            "low",
            "equal",
            "equal_or_swapped",
            "one_part_differs",
            "different",
            "not_compared",
        }
