"""Aggregates for analysts: counts and overlaps, never a single signal or identity."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied

from zicht.accounts.constants import OrganisationType, Role
from zicht.core import ages
from zicht.insight.persons import clusters
from zicht.intake import selectors as intake_selectors
from zicht.intake.constants import JusticeStatus
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


@dataclass(frozen=True)
class Base:
    """Every counted signal of a scope with its person, before the period and
    municipality filters: read and clustered once, filtered as often as needed (the
    dashboard's period and its comparison period)."""

    rows: list[dict]
    person_of: dict


@dataclass
class Dataset:
    """The non-identifying facts of the signals in view, with the person of each signal.

    The referrals and registered possible victims behind them are read once per dataset
    (``referrals()``, ``victim_files()``), not once per breakdown: the dashboard's number
    of queries stays the same however many tables and signals it shows."""

    signals: list[dict]
    person_of: dict
    base: Base | None = None  # every signal of the scope, for another period's dataset
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def persons(self) -> set:
        if "persons" not in self._memo:
            self._memo["persons"] = {self.person_of[s["id"]] for s in self.signals}
        return self._memo["persons"]

    def categories(self, key: str) -> list[tuple[object, list[str]]]:
        """(person, categories) of every signal for one breakdown, computed once: the
        dashboard counts signals, persons, referrals and victims over the same rows."""
        memo = ("categories", key)
        if memo not in self._memo:
            if "person_keys" not in self._memo:
                # Small integers instead of UUIDs: hashed many times below, and cheaply.
                index: dict = {}
                self._memo["person_keys"] = [
                    index.setdefault(self.person_of[s["id"]], len(index)) for s in self.signals
                ]
            self._memo[memo] = list(
                zip(
                    self._memo["person_keys"],
                    [categories(s, key) for s in self.signals],
                    strict=True,
                )
            )
        return self._memo[memo]

    def by_id(self) -> dict:
        if "by_id" not in self._memo:
            self._memo["by_id"] = {s["id"]: s for s in self.signals}
        return self._memo["by_id"]

    def referrals(self) -> list[tuple]:
        """(signal id, kind) of every referral made from a signal (all scopes: callers
        keep those of signals in this dataset)."""
        from zicht.coordination import selectors as coordination_selectors

        if "referrals" not in self._memo:
            self._memo["referrals"] = coordination_selectors.referrals_for_statistics()
        return self._memo["referrals"]

    def victim_files(self) -> dict:
        from zicht.coordination import selectors as coordination_selectors

        if "victims" not in self._memo:
            self._memo["victims"] = coordination_selectors.possible_victims_for_statistics()
        return self._memo["victims"]


def base(*, scope: Scope) -> Base:
    # Withdrawn signals turned out to be unjustified: they are not counted.
    rows = [
        r
        for r in intake_selectors.signals_for_statistics(organisation_id=scope.organisation_id)
        if r["status"] != "withdrawn"
    ]
    return Base(rows, clusters([r["id"] for r in rows], linkage_selectors.confirmed_pairs()))


def dataset(
    *,
    scope: Scope,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    municipality: str | None = None,
    within: Base | None = None,
) -> Dataset:
    """The signals of ``scope`` in the period and municipality; ``within`` reuses a
    :func:`base` already read for this scope."""
    within = within or base(scope=scope)
    rows, person_of = within.rows, within.person_of
    if date_from:
        rows = [r for r in rows if r["contact_date"] >= date_from]
    if date_to:
        rows = [r for r in rows if r["contact_date"] <= date_to]
    municipality = scope.municipality or municipality
    if municipality:
        rows = [r for r in rows if r["municipality_id"] == municipality]
    return Dataset(rows, person_of, within)


def categories(s: dict, key: str) -> list[str]:
    if key == "month":
        return [f"{s['contact_date'].year:04d}-{s['contact_date'].month:02d}"]
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
    for _person, found in data.categories(key):
        counter.update(found)
    return _ordered(counter, key)


def persons_by(data: Dataset, key: str) -> dict[str, int]:
    """Distinct young people (through the person index) per value of ``key``. A person can
    fall in more than one category (two months, two sources), so these do not add up."""
    seen: dict = defaultdict(set)
    for person, found in data.categories(key):
        for category in found:
            seen[category].add(person)
    return _ordered({k: len(v) for k, v in seen.items()}, key)


def suspected_persons(data: Dataset) -> set:
    """Young people also known as suspects (the victim-offender overlap): at least one of
    their signals in view records that they are (also) a suspect, arrested or prosecuted.
    A fact about the person, so it holds for every source that saw them."""
    return {
        data.person_of[s["id"]] for s in data.signals if s["justice_status"] != JusticeStatus.NONE
    }


def suspects_by_source(data: Dataset) -> tuple[dict, dict]:
    """(young people per kind of source, of whom also known as suspects per kind of source);
    a young person seen by two kinds of source counts in both rows."""
    suspected = suspected_persons(data)
    seen: dict = defaultdict(set)
    for s in data.signals:
        seen[s["organisation__type"]].add(data.person_of[s["id"]])
    persons = _ordered({k: len(v) for k, v in seen.items()}, "source")
    return persons, {k: len(seen[k] & suspected) for k in persons}


def person_sources(data: Dataset) -> dict:
    """person -> set of source types that saw them (computed once per dataset)."""
    if "person_sources" not in data._memo:
        seen: dict = defaultdict(set)
        for s in data.signals:
            seen[data.person_of[s["id"]]].add(source_type(s["organisation__type"]))
        data._memo["person_sources"] = seen
    return data._memo["person_sources"]


def overlap(data: Dataset) -> dict[tuple[str, ...], int]:
    """How many persons each combination of source types saw (UpSet input)."""
    if "overlap" not in data._memo:
        combos: Counter = Counter()
        for sources in person_sources(data).values():
            combos[tuple(t for t in SOURCE_TYPES if t in sources)] += 1
        data._memo["overlap"] = dict(combos.most_common())
    return dict(data._memo["overlap"])


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
    rows = data.by_id()
    counter: Counter = Counter()
    for signal_id, _kind in data.referrals():
        signal = rows.get(signal_id)
        if signal is not None:
            for category in categories(signal, key):
                counter[category] += 1
    return _ordered(counter, key)


def referral_total(data: Dataset) -> int:
    ids = data.by_id()
    return sum(1 for sid, _ in data.referrals() if sid in ids)


def possible_victims(data: Dataset) -> dict:
    """{file: [signal rows in scope]} of registered possible victims seen in this data."""
    rows = data.by_id()
    found = {}
    for file_id, signal_ids in data.victim_files().items():
        in_scope = [rows[s] for s in signal_ids if s in rows]
        if in_scope:
            found[file_id] = in_scope
    return found


def possible_victims_by(data: Dataset, key: str) -> dict[str, int]:
    """Registered possible victims (coordination files) per category of their signals;
    a file with signals in two categories counts in both."""
    counter: Counter = Counter()
    for signals in possible_victims(data).values():
        for category in {c for s in signals for c in categories(s, key)}:
            counter[category] += 1
    return _ordered(counter, key)


def public_release_records(*, year: int) -> list:
    """Every counted signal of ``year`` nationally, as input of the public release: its
    person (index cluster), date, month, age group, forms and municipality. Internal to
    ``services.release_create``; nothing here leaves the server unnoised."""
    from zicht.insight.public import UNKNOWN, Record

    data = dataset(
        scope=Scope(None, "national"),
        date_from=dt.date(year, 1, 1),
        date_to=dt.date(year, 12, 31),
    )
    return [
        Record(
            person=data.person_of[s["id"]],
            date=s["contact_date"],
            month=f"{year:04d}-{s['contact_date'].month:02d}",
            age_group=age_group(s["age_at_contact"]),
            forms=tuple(s["forms"] or ()),
            municipality=s["municipality_id"] or UNKNOWN,
        )
        for s in data.signals
    ]


def public_release_list():
    """The published releases, newest first: public, so no user is needed."""
    from zicht.insight.models import PublicRelease

    return PublicRelease.objects.all()


def public_release_get(*, year: int):
    from zicht.insight.models import PublicRelease

    return PublicRelease.objects.filter(year=year).first()
