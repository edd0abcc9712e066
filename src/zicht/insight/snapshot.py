"""The counted signals of a scope with their person, kept between requests.

Reading every signal through the ORM (a UUID and two JSON lists converted per row) and
clustering the matches into persons took about 6 seconds of CPU per dashboard visit at
100,000 signals (benchmarks/RESULTS.md, "Insight dashboard"). The result only changes
when a signal or a match does, so it is built once and kept (model ``CountSnapshot``) under a
*data version*: a cheap fingerprint of the signals (how many, the newest change) and the
matches (``linkage.selectors.confirmed_pairs_version``). A visit whose version matches
reuses it; a changed version rebuilds it in the background and meanwhile shows the
previous figures, saying when they were counted (the same way the estimate is kept).
With no snapshot at all (a fresh installation) the request builds it itself.

The rows hold the same facts as ``intake.selectors.signals_for_statistics`` (withdrawn
signals left out), plus the categories every breakdown needs (month, age group,
indicator groups), computed once here instead of once per breakdown. Signal ids are kept
as 32-character hex strings and persons as small integers: both hash fast. They are
stored as columns (:class:`Snapshot`): a selection nobody counted yet is counted with
numpy over them, at 100,000 signals in about 0.5 s CPU instead of 2.1-2.3 s for rows.

:func:`build` makes the columns straight from the cursor, a chunk at a time: codes looked
up in C, each distinct value converted once (a date, a JSON list, a category), the match
pairs read raw and clustered over whole arrays. Python runs per distinct value, not per
signal, and the cycle collector is off meanwhile: 0.8 s CPU at 100,000 signals instead
of 2.2-3.5 s, so even the first visit of a fresh installation, which builds the
snapshot itself, stays under 2 s.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import pickle
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
from django.db import connections
from django.db.models import Count, Max
from django.utils import timezone

from zicht.core import ages
from zicht.insight.models import CountedTables, CountSnapshot
from zicht.intake import selectors as intake_selectors
from zicht.linkage import selectors as linkage_selectors

# Bump when the stored rows change shape: older snapshots are then rebuilt, not misread.
FORMAT = 2  # 2: columns of codes (numpy) instead of one tuple per signal
FIELDS = intake_selectors.STATISTICS_FIELDS
# The category of each single-valued breakdown and the category list of each
# multi-valued one, as selectors.categories() gives them: computed once per signal here
# and shared between identical values (so they cost the snapshot next to nothing).
DERIVED = ("month", "age_group", "indicator_groups", "municipality_label", "form_list")
KEYS = (*FIELDS, *DERIVED)


def signal_key(value) -> object:
    """The form a signal id takes in the snapshot: a UUID as its 32 hex digits (how SQLite
    stores it), anything else (a test's own ids) as it is."""
    return value.hex if isinstance(value, uuid.UUID) else value


class Snapshot:
    """The counted signals of a scope as columns: per field of KEYS one array of codes
    (small integers) into the list of that field's distinct values, the signal ids as a
    list and the person of each signal as an array.

    Kept this way so that loading it is a few array copies (not 100,000 tuples unpickled)
    and a selection (period, municipality) is a boolean mask over the code arrays: the
    dashboard counts it with numpy (zicht.insight.selectors) and builds row dicts only
    where a code path truly needs rows (:meth:`rows`, :meth:`row`)."""

    def __init__(
        self,
        version: tuple,
        built_at: dt.datetime,
        ids: list,
        codes: dict[str, np.ndarray],
        values: dict[str, list],
        persons: np.ndarray,
        token: str = "",
    ) -> None:
        self.version, self.built_at, self.token = version, built_at, token
        self.ids = ids
        self.codes = codes
        self.values = values
        self.persons = persons
        self._memo: dict = {}

    def __len__(self) -> int:
        return len(self.ids)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_memo"] = {}  # what a process derived stays in that process
        return state

    def table(self, name: str) -> np.ndarray:
        """The distinct values of a field as an object array (indexed by code)."""
        memo = ("table", name)
        if memo not in self._memo:
            values = self.values[name]
            table = np.empty(len(values), dtype=object)
            for i, value in enumerate(values):
                table[i] = value  # one by one: a list value stays one element
            self._memo[memo] = table
        return self._memo[memo]

    def column(self, name: str, selected: np.ndarray | slice) -> list:
        """The value of a field for each selected row (shared values: not to be changed)."""
        return self.table(name)[self.codes[name][selected]].tolist()

    def row(self, i: int) -> dict:
        """Row ``i`` as the dict ``selectors.Base`` holds."""
        return {
            "id": self.ids[i],
            **{name: self.values[name][self.codes[name][i]] for name in KEYS[1:]},
        }

    def rows(self, selected: np.ndarray | None = None) -> list[dict]:
        """The rows (all, or the ``selected`` row numbers) as dicts: for the code paths
        that need rows (the estimate, the public release); the dashboard's tables are
        counted from the columns."""
        chosen = slice(None) if selected is None else selected
        ids = self.ids if selected is None else [self.ids[i] for i in selected.tolist()]
        columns = [ids, *(self.column(name, chosen) for name in KEYS[1:])]
        return [dict(zip(KEYS, r, strict=True)) for r in zip(*columns, strict=True)]

    def day_numbers(self) -> np.ndarray:
        """The contact date of each row as its proleptic ordinal (0 when unknown), for
        period filters as array comparisons."""
        if "days" not in self._memo:
            table = np.array(
                [d.toordinal() if d is not None else 0 for d in self.values["contact_date"]],
                dtype=np.int64,
            )
            self._memo["days"] = table[self.codes["contact_date"]]
        return self._memo["days"]

    def index(self) -> dict:
        """Signal id -> row number, built once per process when first needed (a referral
        or coordination file looked up)."""
        if "index" not in self._memo:
            self._memo["index"] = {sid: i for i, sid in enumerate(self.ids)}
        return self._memo["index"]

    def person_of(self) -> dict:
        return dict(zip(self.ids, self.persons.tolist(), strict=True))


def _hashable(value):
    """A dictionary key for a field value: lists (forms, codes, categories) as tuples."""
    return tuple(value) if isinstance(value, list) else value


def cache_key(organisation_id: int | None) -> str:
    return f"insight:snapshot:{'all' if organisation_id is None else organisation_id}"


def data_version(organisation_id: int | None) -> tuple:
    """The fingerprint of what a snapshot of this scope counts: changes whenever a signal
    is recorded, changed or deleted, or a match is found, decided, ended or deleted."""
    # The selector's own model, filtered as the selector filters, without its joins: the
    # count then reads the signal table alone (0.2 s less at 100,000 signals).
    signal_model = intake_selectors.signals_for_statistics().model
    plain = signal_model.objects.order_by()
    if organisation_id is not None:
        plain = plain.filter(organisation_id=organisation_id)
    signals = plain.aggregate(n=Count("id"), last=Max("updated_at"))
    return (
        FORMAT,
        signals["n"],
        str(signals["last"]),
        linkage_selectors.confirmed_pairs_version(),
    )


# Rows read from the database per round trip: the codes of a chunk are appended as one
# array, so memory holds one chunk of raw rows, not 100,000 of them.
CHUNK = 20_000


class _Coder:
    """The codes of one column in order of first appearance, as :class:`Snapshot` keeps
    them: the raw values of a chunk are looked up in C (``dict.fromkeys`` for the new
    ones, ``map`` for the codes), so no Python runs per row."""

    def __init__(self) -> None:
        self.found: dict = {}
        self.parts: list[np.ndarray] = []

    def add(self, raw: tuple) -> None:
        found = self.found
        for value in dict.fromkeys(raw):  # the distinct values, in order of appearance
            found.setdefault(value, len(found))
        self.parts.append(np.fromiter(map(found.__getitem__, raw), np.int32, len(raw)))

    def codes(self) -> np.ndarray:
        return np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=np.int32)


def _recode(codes: np.ndarray, converted: list) -> tuple[np.ndarray, list]:
    """The codes and distinct values of a column whose distinct raw values (code ``i`` the
    ``i``-th) became ``converted``. Two raw values that became equal values (two
    spellings of one list) share a code, as in a column coded from the converted values
    directly; the order of first appearance stays that of the rows."""
    found: dict = {}
    values: list = []
    remap = np.empty(len(converted), dtype=np.int32)
    for i, value in enumerate(converted):
        key = _hashable(value)
        code = found.get(key)
        if code is None:
            code = found[key] = len(values)
            values.append(value)
        remap[i] = code
    return remap[codes], values


def _dates(raw: list) -> list:
    """SQLite's driver may give dates as text, PostgreSQL's as dates."""
    return [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in raw]


def _lists(raw: list) -> list:
    """SQLite gives a JSON list as text (then all of them are decoded in one call: a call
    per list was most of this step), PostgreSQL already decoded."""
    if raw and all(isinstance(v, str) for v in raw):
        return json.loads("[" + ",".join(raw) + "]")
    return [json.loads(v) if isinstance(v, str) else v for v in raw]


def _month(contact: dt.date | None) -> str | None:
    return None if contact is None else f"{contact.year:04d}-{contact.month:02d}"


_GROUP: dict[str, str] = {}  # indicator code -> its group, for every process


def _groups(codes: list | None) -> list[str]:
    """The indicator groups of a list of codes (a group per code looked up, not split:
    35,000 distinct lists at 100,000 signals repeat a few dozen codes)."""
    if not codes:
        return []
    try:
        return sorted(set(map(_GROUP.__getitem__, codes)))
    except KeyError:
        _GROUP.update((c, c.split(".")[0]) for c in codes)
        return sorted(set(map(_GROUP.__getitem__, codes)))


def _label(name: str | None) -> str:
    return name or "?"


def _form_list(forms: list | None) -> list:
    return list(forms or ["?"])


# How the distinct raw values of a read field become the snapshot's (others as read).
_CONVERT: dict[str, Callable[[list], list]] = {
    "contact_date": _dates,
    "forms": _lists,
    "indicator_codes": _lists,
}
# Each derived column (DERIVED): the field it comes from and how, per distinct value.
_DERIVE: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "month": ("contact_date", _month),
    "age_group": ("age_at_contact", ages.age_group),
    "indicator_groups": ("indicator_codes", _groups),
    "municipality_label": ("municipality__name", _label),
    "form_list": ("forms", _form_list),
}


def _read(organisation_id: int | None) -> tuple[list, dict[str, np.ndarray], dict[str, list]]:
    """The counted signals of the scope, raw from the cursor (no ORM conversion, no row
    dict, no Python per row): the ids and, per field, its codes and distinct values."""
    qs = (
        intake_selectors.signals_for_statistics(organisation_id=organisation_id)
        # Withdrawn signals turned out to be unjustified: they are not counted.
        .exclude(status="withdrawn")
        .values_list(*FIELDS)
    )
    sql, params = qs.query.sql_with_params()
    ids: list = []
    coders = {name: _Coder() for name in FIELDS[1:]}
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(CHUNK):
            columns = zip(*chunk, strict=True)
            ids += next(columns)
            for coder, raw in zip(coders.values(), columns, strict=True):
                coder.add(raw)
    codes: dict[str, np.ndarray] = {}
    values: dict[str, list] = {}
    for name, coder in coders.items():
        distinct = list(coder.found)
        convert = _CONVERT.get(name)
        codes[name], values[name] = _recode(
            coder.codes(), convert(distinct) if convert else distinct
        )
    for name, (source, derive) in _DERIVE.items():
        codes[name], values[name] = _recode(codes[source], [derive(v) for v in values[source]])
    return _hex(ids), codes, values


def _hex(ids: list) -> list:
    """Signal ids as 32 hex digits: SQLite stores them so, PostgreSQL gives UUIDs."""
    if ids and not isinstance(ids[0], str):
        return [signal_key(sid) for sid in ids]
    if ids and "-" in ids[0]:
        return [sid.replace("-", "") for sid in ids]
    return ids


def _components(size: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The smallest row number in the cluster of each row, the rows joined by the pairs
    (``a[i]``, ``b[i]``): union-find over whole arrays. Each round hooks the larger label
    of every pair still apart onto the smaller, then follows the labels to their roots;
    labels only decrease, so it ends when every pair agrees (a few rounds)."""
    labels = np.arange(size, dtype=np.int64)
    while True:
        la, lb = labels[a], labels[b]
        apart = la != lb
        if not apart.any():
            return labels
        a, b, la, lb = a[apart], b[apart], la[apart], lb[apart]
        np.minimum.at(labels, np.maximum(la, lb), np.minimum(la, lb))
        while True:
            followed = labels[labels]
            if np.array_equal(followed, labels):
                break
            labels = followed


def _persons(ids: list) -> np.ndarray:
    """The person of each row as a small integer, numbered in order of first appearance
    (as zicht.insight.persons.clusters over the confirmed pairs, then numbered). The
    pairs are read raw, as the signals are: their ids become row numbers in C."""
    index = dict(zip(ids, range(len(ids)), strict=True))
    qs = linkage_selectors.confirmed_pairs_query()
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        pairs = cursor.fetchall()
    ends = []
    for side in zip(*pairs, strict=True) if pairs else ((), ()):
        keys = side if not side or isinstance(side[0], str) else [signal_key(v) for v in side]
        ends.append(np.fromiter(map(index.get, keys, repeat(-1)), np.int64, len(keys)))
    a, b = ends
    inside = (a >= 0) & (b >= 0)  # a pair outside the scope joins nobody in it
    labels = _components(len(ids), a[inside], b[inside])
    # A cluster's label is its first row, so numbering the labels in order numbers the
    # persons in order of first appearance.
    return np.unique(labels, return_inverse=True)[1].astype(np.int64).reshape(-1)


def build(organisation_id: int | None, version: tuple | None = None) -> Snapshot:
    """Read the signals of the scope raw (no ORM conversion per row) and cluster them.
    ``version``: the data version just read by the caller (else read here)."""
    # Read before the signals: a change meanwhile makes the next visit rebuild.
    version = version or data_version(organisation_id)
    with _no_cycle_collection():
        ids, codes, values = _read(organisation_id)
        persons = _persons(ids)
    return Snapshot(version, timezone.now(), ids, codes, values, persons, uuid.uuid4().hex)


@contextmanager
def _no_cycle_collection():
    """Without Python's cycle collector: the read allocates some 200,000 tuples and
    lists (none in a reference cycle), which made it scan every object of the process
    again and again - a third of the build's time at 100,000 signals. Switched back on
    afterwards, as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _stored(organisation_id: int | None):
    return CountSnapshot.objects.filter(key=cache_key(organisation_id))


def kept(organisation_id: int | None) -> Snapshot | None:
    """The stored snapshot of the scope, unpickled, or None."""
    payload = _stored(organisation_id).values_list("payload", flat=True).first()
    if payload is None:
        return None
    found = pickle.loads(bytes(payload))  # noqa: S301 - written by rebuild() only
    return found if isinstance(found, Snapshot) and found.version[0] == FORMAT else None


def stored_head(organisation_id: int | None) -> tuple[str, str] | None:
    """(version, token) of the stored snapshot, read without its rows."""
    return _stored(organisation_id).values_list("version", "token").first()


def rebuild(organisation_id: int | None, version: tuple | None = None) -> Snapshot:
    snapshot = build(organisation_id, version)
    CountSnapshot.objects.update_or_create(
        key=cache_key(organisation_id),
        defaults={
            "version": repr(snapshot.version),
            "token": snapshot.token,
            "built_at": snapshot.built_at,
            "payload": pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL),
        },
    )
    # Tables counted from the snapshot replaced are never read again (their key holds
    # its token): dropped here, so the table of counted tables stays small.
    CountedTables.objects.filter(snapshot_key=cache_key(organisation_id)).exclude(
        token=snapshot.token
    ).delete()
    _LOADED[organisation_id] = snapshot
    return snapshot


@dataclass(frozen=True)
class Head:
    """What a visit needs to know of the snapshot before it reads any row: which one it
    is (``token``: tables counted from it are kept under it), when it was counted and
    whether newer data are being counted meanwhile."""

    token: str
    built_at: dt.datetime
    stale: bool


def _head_row(organisation_id: int | None):
    return _stored(organisation_id).values_list("version", "token", "built_at").first()


def head(organisation_id: int | None) -> Head:
    """The snapshot a visit counts from, chosen without loading its rows (the dashboard
    then reads counted tables, zicht.insight.tables): two small queries when the kept
    snapshot is current. A changed data version queues a rebuild and gives the previous
    snapshot as stale (with an immediate task backend the rebuild is done by then and
    given instead); a missing snapshot, or one of an older format, is built now."""
    version = data_version(organisation_id)
    row = _head_row(organisation_id)
    if row is None or not row[0].startswith(f"({FORMAT},"):
        built = rebuild(organisation_id, version)
        return Head(built.token, built.built_at, False)
    if row[0] == repr(version):
        return Head(row[1], row[2], False)
    from zicht.insight.tasks import refresh_snapshot_task  # noqa: PLC0415 - tasks imports services, which import this (cycle)

    refresh_snapshot_task.enqueue(organisation_id)
    again = _head_row(organisation_id)  # with an immediate task backend: rebuilt by now
    if again is not None and again[0] == repr(version):
        return Head(again[1], again[2], False)
    return Head(row[1], row[2], True)


# The snapshot each process last loaded, per scope: a visit that needs rows of the same
# snapshot again skips loading it. One entry per scope.
_LOADED: dict = {}


def loaded(organisation_id: int | None, token: str) -> Snapshot:
    """The stored snapshot, loaded once per process: what a visit loads only when a table
    it shows was not counted yet. Normally the snapshot of ``token`` (the one :func:`head`
    chose); when the worker replaced it meanwhile, the one stored now - the caller then
    keeps what it counts under the new token."""
    mine = _LOADED.get(organisation_id)
    if mine is None or mine.token != token:
        mine = kept(organisation_id)
        if mine is None:  # deleted meanwhile (never in normal operation): count again
            mine = rebuild(organisation_id)
    _LOADED[organisation_id] = mine
    return mine
