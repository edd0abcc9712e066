"""Aggregates for analysts: counts and overlaps, never a single signal or identity."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from zicht.accounts.constants import OrganisationType, Role
from zicht.core import ages
from zicht.insight.persons import clusters
from zicht.intake import selectors as intake_selectors
from zicht.linkage import selectors as linkage_selectors

# Source types of the estimate: every organisation type is a list of the model, in the
# order OrganisationType declares them. A type that saw nobody in the data is left out of
# the capture table (capture_table()); a value outside OrganisationType (never expected)
# counts as "other", so nobody seen by an organisation ends up on no list at all.
SOURCE_TYPES = list(OrganisationType)


def source_type(organisation_type) -> str:
    """The list of the estimate that a signal of this organisation type belongs to."""
    return organisation_type if organisation_type in SOURCE_TYPES else OrganisationType.OTHER


# Age groups (8-11 ... 23-27; zicht.core.ages) shared with the national registration.
AGE_GROUPS = ages.AGE_GROUPS
age_group = ages.age_group


_AGE_ORDER = {label: i for i, (_lo, _hi, label) in enumerate(AGE_GROUPS)}


def _ordered(counts: dict, key: str) -> dict:
    """Categories in reading order: age groups young to old ("?" last), others by name."""
    if key == "age":
        return dict(sorted(counts.items(), key=lambda kv: _AGE_ORDER.get(kv[0], len(_AGE_ORDER))))
    return dict(sorted(counts.items()))


@dataclass(frozen=True)
class Scope:
    """What a user may aggregate over: everything (analyst), one municipality (the
    administrator of a municipality) or one organisation (any other administrator)."""

    organisation_id: int | None
    label: str
    municipality: str | None = None

    @property
    def national(self) -> bool:
        return self.organisation_id is None and self.municipality is None


def scope_for(*, user, membership) -> Scope:
    if membership is None:
        raise PermissionDenied
    if membership.role == Role.ANALYST:
        return Scope(None, "national")
    if membership.role == Role.ORG_ADMIN:
        org = membership.organisation
        if org.type == OrganisationType.MUNICIPALITY:
            return Scope(None, org.municipality.name, municipality=org.municipality_id)
        return Scope(org.pk, org.name)
    raise PermissionDenied


@dataclass
class Dataset:
    signals: list[dict]
    person_of: dict

    def persons(self) -> set:
        return {self.person_of[s["id"]] for s in self.signals}


def dataset(
    *,
    scope: Scope,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    municipality: str | None = None,
) -> Dataset:
    # Withdrawn signals turned out to be unjustified: they are not counted.
    rows = [
        r
        for r in intake_selectors.signals_for_statistics(organisation_id=scope.organisation_id)
        if r["status"] != "withdrawn"
    ]
    person_of = clusters([r["id"] for r in rows], linkage_selectors.confirmed_pairs())
    if date_from:
        rows = [r for r in rows if r["contact_date"] >= date_from]
    if date_to:
        rows = [r for r in rows if r["contact_date"] <= date_to]
    municipality = scope.municipality or municipality
    if municipality:
        rows = [r for r in rows if r["municipality_id"] == municipality]
    return Dataset(rows, person_of)


def _categories(s: dict, key: str) -> list[str]:
    if key == "month":
        return [s["contact_date"].strftime("%Y-%m")]
    if key == "municipality":
        return [s["municipality__name"] or "?"]
    if key == "source":
        return [s["organisation__type"]]
    if key == "form":
        return list(s["forms"] or ["?"])
    if key == "age":
        return [age_group(s["age_at_contact"])]
    if key == "indicator_group":
        return sorted({c.split(".")[0] for c in s["indicator_codes"] or []})
    raise ValueError(key)


def counts_by(data: Dataset, key: str) -> dict[str, int]:
    """Signals per value of ``key`` (month, municipality, source, form, age, indicator group)."""
    counter: Counter = Counter()
    for s in data.signals:
        for category in _categories(s, key):
            counter[category] += 1
    return _ordered(counter, key)


def persons_by(data: Dataset, key: str) -> dict[str, int]:
    """Distinct young people (through the person index) per value of ``key``. A person can
    fall in more than one category (two months, two sources), so these do not add up."""
    seen: dict = defaultdict(set)
    for s in data.signals:
        for category in _categories(s, key):
            seen[category].add(data.person_of[s["id"]])
    return _ordered({k: len(v) for k, v in seen.items()}, key)


def person_sources(data: Dataset) -> dict:
    """person -> set of source types that saw them."""
    seen: dict = defaultdict(set)
    for s in data.signals:
        seen[data.person_of[s["id"]]].add(source_type(s["organisation__type"]))
    return seen


def overlap(data: Dataset) -> dict[tuple[str, ...], int]:
    """How many persons each combination of source types saw (UpSet input)."""
    combos: Counter = Counter()
    for sources in person_sources(data).values():
        combos[tuple(t for t in SOURCE_TYPES if t in sources)] += 1
    return dict(combos.most_common())


def capture_table(data: Dataset) -> tuple[list[str], dict[tuple[int, ...], int]]:
    """Capture patterns over the source types that saw anyone."""
    seen = person_sources(data)
    lists = [t for t in SOURCE_TYPES if any(t in s for s in seen.values())]
    table: Counter = Counter()
    for sources in seen.values():
        table[tuple(int(t in sources) for t in lists)] += 1
    return [str(t) for t in lists], dict(table)


def referrals_by(data: Dataset, key: str) -> dict[str, int]:
    """Referrals (anonymous notifications included) per category of the referred signal."""
    from zicht.coordination import selectors as coordination_selectors

    rows = {s["id"]: s for s in data.signals}
    counter: Counter = Counter()
    for signal_id, _kind in coordination_selectors.referrals_for_statistics():
        signal = rows.get(signal_id)
        if signal is not None:
            for category in _categories(signal, key):
                counter[category] += 1
    return _ordered(counter, key)


def referral_total(data: Dataset) -> int:
    from zicht.coordination import selectors as coordination_selectors

    ids = {s["id"] for s in data.signals}
    return sum(1 for sid, _ in coordination_selectors.referrals_for_statistics() if sid in ids)


def possible_victims(data: Dataset) -> dict:
    """{file: [signal rows in scope]} of registered possible victims seen in this data."""
    from zicht.coordination import selectors as coordination_selectors

    rows = {s["id"]: s for s in data.signals}
    found = {}
    for file_id, signal_ids in coordination_selectors.possible_victims_for_statistics().items():
        in_scope = [rows[s] for s in signal_ids if s in rows]
        if in_scope:
            found[file_id] = in_scope
    return found


def possible_victims_by(data: Dataset, key: str) -> dict[str, int]:
    """Registered possible victims (coordination files) per category of their signals;
    a file with signals in two categories counts in both."""
    counter: Counter = Counter()
    for signals in possible_victims(data).values():
        for category in {c for s in signals for c in _categories(s, key)}:
            counter[category] += 1
    return _ordered(counter, key)
