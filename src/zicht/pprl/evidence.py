"""Which elements of two zicht-pprl-1 index entries agreed, as coarse levels.

Pure (no Django): the matching service calls it when a match is made, the backfill
migration for matches made before. It sees only what an index entry holds - keyed tokens
and the hardened Bloom filter - and returns *levels*, never a score or a value, so that a
professional deciding a possible match knows why it was proposed without learning
anything about the other organisation's file. See "Evidence of a match" in
docs/linkage.md for what each level can and cannot mean.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zicht.pprl.fuzzy import MATCH_THRESHOLD, POSSIBLE_THRESHOLD, dice

__all__ = ["Evidence", "NOT_COMPARED", "evidence_for", "name_level"]

NOT_COMPARED = "not_compared"
# Name similarity
HIGH, MEDIUM, LOW = "high", "medium", "low"
# Date of birth
EQUAL = "equal"
EQUAL_OR_SWAPPED = "equal_or_swapped"
ONE_PART_DIFFERS = "one_part_differs"
DIFFERENT = "different"

#: A full date of birth yields at most this many main block tokens (two year-month
#: tokens and the date token); a birth-year estimate yields twelve year-month tokens.
_MAX_FULL_DATE_BLOCKS = 3


@dataclass(frozen=True, slots=True)
class Evidence:
    name: str = NOT_COMPARED
    date_of_birth: str = NOT_COMPARED
    bsn: str = NOT_COMPARED


def name_level(score: float) -> str:
    """high >= MATCH_THRESHOLD, medium >= POSSIBLE_THRESHOLD, low below."""
    if score >= MATCH_THRESHOLD:
        return HIGH
    if score >= POSSIBLE_THRESHOLD:
        return MEDIUM
    return LOW


def evidence_for(
    *,
    own_bloom: bytes,
    own_blocks: Iterable[str],
    other_bloom: bytes,
    other_blocks: Iterable[str],
    other_exact: Iterable[str],
    probes: Sequence[tuple[bytes, Iterable[str]]] = (),
    bsn_token: str = "",
) -> Evidence:
    """Evidence levels for one entry (``own_*``, with its query ``probes`` for the
    neighbouring birth years and its ``bsn_token`` when known) against another.

    Date of birth, from the block tokens (year-month tokens and the swap-invariant date
    token, all keyed per birth year):
    equal sets -> ``equal`` (or ``equal_or_swapped`` when day and month are both <= 12
    and differ, i.e. three tokens: the tokens cannot tell the two apart); an overlap ->
    ``one_part_differs`` (day or month, same year); a probe's date token of year +-1
    among the other's -> ``one_part_differs`` (the year); no overlap -> ``different``;
    a side with only a birth-year estimate -> ``not_compared``.

    Name similarity: the Dice score of the two filters salted with the same birth year
    (the own filter when a main block token is shared, else the probe whose token is),
    mapped by :func:`name_level`; with no shared year the filters are not comparable ->
    ``not_compared``.

    BSN: ``equal`` when the own BSN token is among the other's exact tokens; otherwise
    ``not_compared`` - the index does not record which exact token is a BSN, so a
    missing and a different BSN look the same.
    """
    own, other = set(own_blocks), set(other_blocks)
    probe_sets = [(bloom, set(blocks)) for bloom, blocks in probes]

    same_year_bloom: bytes | None = None
    if own & other:
        same_year_bloom = own_bloom
    else:
        for bloom, blocks in probe_sets:
            if blocks & other:
                same_year_bloom = bloom
                break
    name = (
        NOT_COMPARED if same_year_bloom is None else name_level(dice(same_year_bloom, other_bloom))
    )

    if not own or not other or max(len(own), len(other)) > _MAX_FULL_DATE_BLOCKS:
        dob = NOT_COMPARED
    elif own == other:
        dob = EQUAL_OR_SWAPPED if len(own) == _MAX_FULL_DATE_BLOCKS else EQUAL
    elif own & other or any(blocks & other for _, blocks in probe_sets):
        dob = ONE_PART_DIFFERS
    else:
        dob = DIFFERENT

    bsn = EQUAL if bsn_token and bsn_token in set(other_exact) else NOT_COMPARED
    return Evidence(name=name, date_of_birth=dob, bsn=bsn)
