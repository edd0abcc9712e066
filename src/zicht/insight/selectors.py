"""Aggregates for analysts: counts and overlaps, never a single signal or identity."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np
from django.core.exceptions import PermissionDenied

from zicht.access.policy import admitted_as
from zicht.accounts.constants import OrganisationType, Role
from zicht.coordination import selectors as coordination_selectors
from zicht.core import ages
from zicht.insight import snapshot
from zicht.insight.models import PublicRelease
from zicht.insight.persons import clusters
from zicht.insight.public import UNKNOWN, Record
from zicht.insight.snapshot import signal_key
from zicht.intake import selectors as intake_selectors
from zicht.intake.constants import JusticeStatus
from zicht.linkage import selectors as linkage_selectors

if TYPE_CHECKING:  # pragma: no cover
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from zicht.accounts.types import Membership, User
    from zicht.insight.models import PublicRelease

# Source types of the estimate: every organisation type is a list of the model, in the
# order OrganisationType declares them. A type that saw nobody in the data is left out of
# the capture table (capture_table()); a value outside OrganisationType (never expected)
# counts as "other", so nobody seen by an organisation ends up on no list at all.
SOURCE_TYPES = list(OrganisationType)


def source_type(organisation_type: str) -> str:
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


def scope_for(*, user: User | AnonymousUser, membership: Membership | None) -> Scope:
    """What the member counts over (``insight.view`` in the access policy): everything for
    an analyst, the own municipality for a municipality's administrator, the own
    organisation's signals for any other administrator."""
    who = admitted_as("insight.view", membership)
    if who is None or membership is None:
        raise PermissionDenied
    if who.role == Role.ANALYST:
        return Scope(None, "national")
    org = membership.organisation
    if org.type == OrganisationType.MUNICIPALITY:
        return Scope(None, org.municipality.name, municipality=org.municipality_id)
    return Scope(org.pk, org.name)


class Base:
    """Every counted signal of a scope with its person, before the period and
    municipality filters: read and clustered once, filtered as often as needed (the
    dashboard's period and its comparison period).

    From the snapshot (:func:`base`) the columns are loaded only when first used: a visit
    whose tables were counted before (zicht.insight.tables) reads none of them; one that
    counts them does so over the columns (:meth:`columns`) and builds row dicts only for
    the code paths that need rows (:attr:`rows`)."""

    def __init__(
        self,
        rows: list[dict] | None = None,
        person_of: dict | None = None,
        *,
        built_at: dt.datetime | None = None,
        stale: bool = False,
        token: str = "",
        organisation_id: int | None = None,
        load: Callable[[str], snapshot.Snapshot] | None = None,
    ) -> None:
        self._rows, self._person_of, self._load = rows, person_of, load
        self._columns: snapshot.Snapshot | None = None
        self.organisation_id = organisation_id  # the scope's, which names its snapshot
        # When the rows were counted, and whether newer data are being counted meanwhile
        # (zicht.insight.snapshot): the dashboard then says so.
        self.built_at, self.stale = built_at, stale
        self.token = token  # the snapshot the rows come from ("" for rows read otherwise)

    def columns(self) -> snapshot.Snapshot | None:
        """The snapshot's columns, or None for rows read otherwise (hand-made, from
        scratch): those are counted row by row."""
        if self._columns is None and self._rows is None and self._load is not None:
            # The snapshot chosen may have been replaced meanwhile: its token goes with
            # the columns, so what is counted from them is kept under the right key.
            self._columns = self._load(self.token)
            self.token = self._columns.token
        return self._columns

    @property
    def rows(self) -> list[dict]:
        if self._rows is None:
            found = self.columns()
            self._rows = found.rows() if found is not None else []
        return self._rows

    @property
    def person_of(self) -> dict:
        if self._person_of is None:
            found = self.columns()
            self._person_of = found.person_of() if found is not None else {}
        return self._person_of


class Dataset:
    """The non-identifying facts of the signals in view, with the person of each signal.

    The referrals and registered possible victims behind them are read once per dataset
    (``referrals()``, ``victim_files()``), not once per breakdown: the dashboard's number
    of queries stays the same however many tables and signals it shows. A dataset of
    :func:`dataset` filters its base's rows only when they are first used."""

    def __init__(
        self,
        signals: list[dict] | None = None,
        person_of: dict | None = None,
        base: Base | None = None,
        key: tuple | None = None,
        *,
        where: Callable[[list[dict]], list[dict]] | None = None,
        select: Callable[[snapshot.Snapshot], np.ndarray] | None = None,
    ) -> None:
        self._signals, self._person_of = signals, person_of
        # The same filter over the snapshot's columns: the row numbers it keeps.
        self._select = select
        self.base = base  # every signal of the scope, for another period's dataset
        # (period, municipality) when the rows are a snapshot's: with the snapshot's
        # token, the same key means the same rows, so what is computed from them can be
        # kept (tables.tables_for).
        self._key = key
        self._where = where  # the filter of base.rows that gives ``signals``
        self._memo: dict = {}

    def selection(self) -> tuple[snapshot.Snapshot, np.ndarray] | None:
        """(snapshot, numbers of the rows in view) when the base is a snapshot's columns:
        the breakdowns are then counted over the columns. None for rows given or read
        otherwise, which are counted row by row."""
        if "selection" not in self._memo:
            found = None
            if self._signals is None and self._select is not None and self.base is not None:
                columns = self.base.columns()
                if columns is not None:
                    found = (columns, self._select(columns))
            self._memo["selection"] = found
        return self._memo["selection"]

    @property
    def signals(self) -> list[dict]:
        """The rows in view as dicts: built from the columns only for the code paths that
        need rows (the estimate, the public release), not for the dashboard's tables."""
        if self._signals is None:
            selection = self.selection()
            if selection is not None:
                self._signals = selection[0].rows(selection[1])
            else:
                rows = self.base.rows if self.base is not None else []
                self._signals = self._where(rows) if self._where else []
        return self._signals

    def size(self) -> int:
        """How many signals are in view."""
        selection = self.selection()
        return len(selection[1]) if selection is not None else len(self.signals)

    @property
    def person_of(self) -> dict:
        if self._person_of is None:
            self._person_of = self.base.person_of if self.base is not None else {}
        return self._person_of

    @property
    def key(self) -> tuple | None:
        """(snapshot token, *selection), or None for rows read otherwise. The token is read
        when asked: loading the rows can move it to a newer snapshot."""
        if self._key is None or self.base is None or not self.base.token:
            return None
        return (self.base.token, *self._key)

    def persons(self) -> set:
        if "persons" not in self._memo:
            self._memo["persons"] = set(self.person_list())
        return self._memo["persons"]

    def person_list(self) -> list:
        """The person of every signal, in the order of ``signals``."""
        if "person_list" not in self._memo and (selection := self.selection()) is not None:
            self._memo["person_list"] = selection[0].persons[selection[1]].tolist()
        if "person_list" not in self._memo:
            self._memo["person_list"] = list(
                map(self.person_of.__getitem__, map(itemgetter("id"), self.signals))
            )
        return self._memo["person_list"]

    def column(self, key: str) -> list:
        """Per signal, its category in a single-valued breakdown (month, municipality,
        source, age) or its list of categories in a multi-valued one (form, indicator
        group). Snapshot rows carry them (zicht.insight.snapshot), so this is one pass in
        C over the rows; hand-made rows get them from categories()."""
        memo = ("column", key)
        if memo not in self._memo and (selection := self.selection()) is not None:
            self._memo[memo] = selection[0].column(_FIELD_OF[key], selection[1])
        if memo not in self._memo:
            field_name = _FIELD_OF[key]
            if self.signals and field_name in self.signals[0]:
                values = list(map(itemgetter(field_name), self.signals))
            elif key in _SINGLE:
                values = [categories(s, key)[0] for s in self.signals]
            else:
                values = [categories(s, key) for s in self.signals]
            self._memo[memo] = values
        return self._memo[memo]

    def by_id(self) -> dict:
        """Rows by signal id, in the snapshot's form (``snapshot.signal_key``): the ids of
        referrals and files are looked up in the same form."""
        if "by_id" not in self._memo and (selection := self.selection()) is not None:
            self._memo["by_id"] = SelectedRows(*selection)
        if "by_id" not in self._memo:
            self._memo["by_id"] = {signal_key(s["id"]): s for s in self.signals}
        return self._memo["by_id"]

    def referrals(self) -> list[tuple]:
        """(signal id, kind) of every referral made from a signal (all scopes: callers
        keep those of signals in this dataset)."""
        if "referrals" not in self._memo:
            self._memo["referrals"] = [
                (signal_key(sid), kind)
                for sid, kind in coordination_selectors.referrals_for_statistics()
            ]
        return self._memo["referrals"]

    def coordination_key(self) -> str:
        """A fingerprint of the referrals and registered possible victims read for this
        dataset: part of the key under which its tables are kept. A digest, the same in
        every process (``hash()`` of text is not), since the tables are shared."""
        text = repr(
            (
                sorted(map(repr, self.referrals())),
                sorted((repr(f), tuple(map(repr, ids))) for f, ids in self.victim_files().items()),
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def victim_files(self) -> dict:
        if "victims" not in self._memo:
            self._memo["victims"] = {
                file_id: [signal_key(s) for s in signal_ids]
                for file_id, signal_ids in (
                    coordination_selectors.possible_victims_for_statistics().items()
                )
            }
        return self._memo["victims"]


class SelectedRows(Mapping):
    """The rows in view by signal id, looked up in the snapshot's columns: a row dict is
    built only for the ids asked for (referrals, coordination files: a few), not for
    every signal in view."""

    def __init__(self, columns: snapshot.Snapshot, selected: np.ndarray) -> None:
        self._columns = columns
        self._in_view = np.zeros(len(columns), dtype=bool)
        self._in_view[selected] = True

    def _position(self, signal_id: object) -> int | None:
        i = self._columns.index().get(signal_id)
        return i if i is not None and self._in_view[i] else None

    def __getitem__(self, signal_id: object) -> dict:
        i = self._position(signal_id)
        if i is None:
            raise KeyError(signal_id)
        return self._columns.row(i)

    def __contains__(self, signal_id: object) -> bool:
        return self._position(signal_id) is not None

    def __iter__(self) -> Iterator[object]:
        return (self._columns.ids[i] for i in np.flatnonzero(self._in_view).tolist())

    def __len__(self) -> int:
        return int(self._in_view.sum())


def base(*, scope: Scope) -> Base:
    """Every counted signal of the scope with its person, as kept in the snapshot of the
    scope's data version (zicht.insight.snapshot): read and clustered once per change of
    the data, not once per visit, and loaded only when a table needs counting."""
    head = snapshot.head(scope.organisation_id)

    def load(token: str) -> snapshot.Snapshot:
        return snapshot.loaded(scope.organisation_id, token)

    return Base(
        built_at=head.built_at,
        stale=head.stale,
        token=head.token,
        organisation_id=scope.organisation_id,
        load=load,
    )


def base_from_scratch(*, scope: Scope) -> Base:
    """The same as :func:`base`, read and clustered now through the ORM: what the snapshot
    must equal (tests/insight/test_snapshot.py)."""
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
    :func:`base` already read for this scope. The rows are filtered when first used."""
    within = within or base(scope=scope)
    municipality = scope.municipality or municipality

    def where(rows: list[dict]) -> list[dict]:
        if date_from:
            rows = [r for r in rows if r["contact_date"] >= date_from]
        if date_to:
            rows = [r for r in rows if r["contact_date"] <= date_to]
        if municipality:
            rows = [r for r in rows if r["municipality_id"] == municipality]
        return rows

    def select(columns: snapshot.Snapshot) -> np.ndarray:
        keep = np.ones(len(columns), dtype=bool)
        if date_from or date_to:
            days = columns.day_numbers()
            if date_from:
                keep &= days >= date_from.toordinal()
            if date_to:
                keep &= days <= date_to.toordinal()
        if municipality:
            codes = [
                i for i, v in enumerate(columns.values["municipality_id"]) if v == municipality
            ]
            keep &= np.isin(columns.codes["municipality_id"], codes)
        return np.flatnonzero(keep)

    return Dataset(base=within, key=(date_from, date_to, municipality), where=where, select=select)


# The field a snapshot row (zicht.insight.snapshot.DERIVED) already carries for a
# breakdown, and whether it holds one category (wrapped in a list) or a list of them.
_CARRIED = {
    "month": ("month", False),
    "age": ("age_group", False),
    "indicator_group": ("indicator_groups", True),
    "municipality": ("municipality_label", False),
    "form": ("form_list", True),
}


def _month_of(s: dict) -> list[str]:
    return [f"{s['contact_date'].year:04d}-{s['contact_date'].month:02d}"]


def _municipality_of(s: dict) -> list[str]:
    return [s["municipality__name"] or "?"]


def _source_of(s: dict) -> list[str]:
    return [s["organisation__type"]]


def _forms_of(s: dict) -> list[str]:
    return list(s["forms"] or ["?"])


def _age_of(s: dict) -> list[str]:
    return [age_group(s["age_at_contact"])]


def _indicator_groups_of(s: dict) -> list[str]:
    return sorted({c.split(".")[0] for c in s["indicator_codes"] or []})


# How a hand-made row (one not from the snapshot) gets its categories per breakdown.
_COMPUTE = {
    "month": _month_of,
    "municipality": _municipality_of,
    "source": _source_of,
    "form": _forms_of,
    "age": _age_of,
    "indicator_group": _indicator_groups_of,
}


def categories(s: dict, key: str) -> list[str]:
    """The categories of one signal row in a breakdown. Rows from the snapshot carry them
    already (shared lists: not to be changed); hand-made rows get them computed."""
    carried = _CARRIED.get(key)
    if carried is not None and carried[0] in s:
        field, is_list = carried
        return s[field] if is_list else [s[field]]
    compute = _COMPUTE.get(key)
    if compute is None:
        raise ValueError(key)
    return compute(s)


# The breakdowns with one category per signal, and the row field each breakdown reads
# from a snapshot row (zicht.insight.snapshot.DERIVED).
_SINGLE = ("month", "municipality", "source", "age")
_FIELD_OF = {
    "month": "month",
    "municipality": "municipality_label",
    "source": "organisation__type",
    "age": "age_group",
    "form": "form_list",
    "indicator_group": "indicator_groups",
}


def counts_by(data: Dataset, key: str) -> dict[str, int]:
    """Signals per value of ``key`` (month, municipality, source, form, age, indicator group).
    Counted in C (Counter over a column): at 100,000 signals a loop per signal here was
    most of a dashboard visit."""
    if key not in _FIELD_OF:
        raise ValueError(key)
    if (selection := data.selection()) is not None:
        return _ordered(_counted(*selection, key), key)
    column = data.column(key)
    counter = Counter(column if key in _SINGLE else chain.from_iterable(column))
    return _ordered(counter, key)


def _counted(columns: snapshot.Snapshot, selected: np.ndarray, key: str) -> Counter:
    """Signals per category, counted over the columns: one bincount over the codes of the
    rows in view, then per distinct value (a category, or a list of them) its count."""
    field_name = _FIELD_OF[key]
    values = columns.values[field_name]
    n = np.bincount(columns.codes[field_name][selected], minlength=len(values))
    counter: Counter = Counter()
    for code in np.flatnonzero(n).tolist():
        for category in [values[code]] if key in _SINGLE else values[code]:
            counter[category] += int(n[code])
    return counter


def _persons_counted(columns: snapshot.Snapshot, selected: np.ndarray, key: str) -> Counter:
    """Distinct persons per category, over the columns: the distinct (value, person)
    pairs in view (one np.unique), then per category the distinct persons of the values
    that hold it."""
    field_name = _FIELD_OF[key]
    values = columns.values[field_name]
    persons = columns.persons[selected]
    span = int(persons.max()) + 1 if len(persons) else 1
    pairs = np.unique(columns.codes[field_name][selected].astype(np.int64) * span + persons)
    codes, who = pairs // span, pairs % span
    counter: Counter = Counter()
    if key in _SINGLE:
        n = np.bincount(codes, minlength=len(values))
        for code in np.flatnonzero(n).tolist():
            counter[values[code]] += int(n[code])
        return counter
    holding: dict = defaultdict(list)  # category -> codes of the values that hold it
    for code in np.unique(codes).tolist():
        for category in values[code]:
            holding[category].append(code)
    seen = np.zeros(span, dtype=bool)
    for category, found in holding.items():
        # Distinct persons by marking them (no sort): one pass per category.
        seen[:] = False
        seen[who[np.isin(codes, found)]] = True
        counter[category] = int(np.count_nonzero(seen))
    return counter


def persons_by(data: Dataset, key: str) -> dict[str, int]:
    """Distinct young people (through the person index) per value of ``key``. A person can
    fall in more than one category (two months, two sources), so these do not add up."""
    if key not in _FIELD_OF:
        raise ValueError(key)
    if (selection := data.selection()) is not None:
        return _ordered(_persons_counted(*selection, key), key)
    column, persons = data.column(key), data.person_list()
    if key in _SINGLE:
        pairs = set(zip(column, persons, strict=True))
    else:
        pairs = {(c, p) for found, p in zip(column, persons, strict=True) for c in found}
    return _ordered(Counter(map(itemgetter(0), pairs)), key)


def suspected_persons(data: Dataset) -> set:
    """Young people also known as suspects (the victim-offender overlap): at least one of
    their signals in view records that they are (also) a suspect, arrested or prosecuted.
    A fact about the person, so it holds for every source that saw them."""
    if (selection := data.selection()) is not None:
        columns, selected = selection
        flagged = np.array(
            [v != JusticeStatus.NONE for v in columns.values["justice_status"]], dtype=bool
        )
        codes = columns.codes["justice_status"][selected]
        return set(columns.persons[selected][flagged[codes]].tolist())
    return {
        p
        for s, p in zip(data.signals, data.person_list(), strict=True)
        if s["justice_status"] != JusticeStatus.NONE
    }


def suspects_by_source(data: Dataset) -> tuple[dict, dict]:
    """(young people per kind of source, of whom also known as suspects per kind of source);
    a young person seen by two kinds of source counts in both rows."""
    suspected = suspected_persons(data)
    seen: dict = defaultdict(set)
    for source, person in set(zip(data.column("source"), data.person_list(), strict=True)):
        seen[source].add(person)
    persons = _ordered({k: len(v) for k, v in seen.items()}, "source")
    return persons, {k: len(seen[k] & suspected) for k in persons}


def person_sources(data: Dataset) -> dict:
    """person -> set of source types that saw them (computed once per dataset)."""
    if "person_sources" not in data._memo:
        seen: dict = defaultdict(set)
        pairs = set(zip(data.column("source"), data.person_list(), strict=True))
        types = {source: source_type(source) for source, _person in pairs}
        for source, person in pairs:
            seen[person].add(types[source])
        data._memo["person_sources"] = seen
    return data._memo["person_sources"]


def overlap(data: Dataset) -> dict[tuple[str, ...], int]:
    """How many persons each combination of source types saw (UpSet input)."""
    if "overlap" not in data._memo and (selection := data.selection()) is not None:
        data._memo["overlap"] = _overlap_counted(*selection)
    if "overlap" not in data._memo:
        # Counted per distinct set of sources (a handful), not per person.
        by_set = Counter(map(frozenset, person_sources(data).values()))
        combos: Counter = Counter()
        for sources, n in by_set.items():
            combos[tuple(t for t in SOURCE_TYPES if t in sources)] += n
        data._memo["overlap"] = dict(combos.most_common())
    return dict(data._memo["overlap"])


def _overlap_counted(columns: snapshot.Snapshot, selected: np.ndarray) -> dict:
    """:func:`overlap` over the columns: the source types that saw each person as the bits
    of one integer (``bitwise_or`` per signal), then the persons per distinct set of bits
    (a handful) - no Python set per person."""
    bit = np.array(
        [
            1 << SOURCE_TYPES.index(OrganisationType(source_type(v)))
            for v in columns.values["organisation__type"]
        ],
        dtype=np.int64,
    )
    persons = columns.persons[selected]
    masks = np.zeros(int(persons.max()) + 1 if len(persons) else 0, dtype=np.int64)
    np.bitwise_or.at(masks, persons, bit[columns.codes["organisation__type"][selected]])
    sets, counts = np.unique(masks[masks != 0], return_counts=True)
    combos: Counter = Counter()
    for found, n in zip(sets.tolist(), counts.tolist(), strict=True):
        combos[tuple(t for i, t in enumerate(SOURCE_TYPES) if found >> i & 1)] += n
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


def public_release_list() -> QuerySet[PublicRelease]:
    """The published releases, newest first: public, so no user is needed."""
    return PublicRelease.objects.all()


def public_release_get(*, year: int) -> PublicRelease | None:
    return PublicRelease.objects.filter(year=year).first()
