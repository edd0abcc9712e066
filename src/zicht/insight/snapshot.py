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
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import uuid
from dataclasses import dataclass

import numpy as np
from django.db import connections
from django.db.models import Count, Max
from django.utils import timezone

from zicht.core import ages
from zicht.insight.models import CountedTables, CountSnapshot
from zicht.insight.persons import clusters
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
        rows: list[tuple],
        persons: list[int],
        token: str = "",
    ) -> None:
        self.version, self.built_at, self.token = version, built_at, token
        self.ids = [r[0] for r in rows]
        self.codes: dict[str, np.ndarray] = {}
        self.values: dict[str, list] = {}
        for position, name in enumerate(KEYS[1:], start=1):
            found: dict = {}
            values: list = []
            codes = []
            for r in rows:
                value = r[position]
                key = _hashable(value)
                code = found.get(key)
                if code is None:
                    code = found[key] = len(values)
                    values.append(value)
                codes.append(code)
            self.codes[name] = np.array(codes, dtype=np.int32)
            self.values[name] = values
        self.persons = np.array(persons, dtype=np.int64)
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

    def column(self, name: str, selected: np.ndarray) -> list:
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


def _reader():
    """Converters from the database's raw values (SQLite: text; PostgreSQL: Python
    objects) to the snapshot's, memoised: dates and category lists repeat a lot."""
    dates: dict = {}
    lists: dict = {}

    def date(value):
        if value is None or isinstance(value, dt.date):
            return value
        found = dates.get(value)
        if found is None:
            found = dates[value] = dt.date.fromisoformat(value)
        return found

    def listed(value):
        if value is None:
            return None
        text = value if isinstance(value, str) else json.dumps(value)
        found = lists.get(text)
        if found is None:
            found = lists[text] = json.loads(text)
        return found

    return date, listed


def build(organisation_id: int | None) -> Snapshot:
    """Read the signals of the scope raw (no ORM conversion per row) and cluster them."""
    version = data_version(organisation_id)  # before the read: a change meanwhile rebuilds
    qs = intake_selectors.signals_for_statistics(organisation_id=organisation_id).values_list(
        *FIELDS
    )
    sql, params = qs.query.sql_with_params()
    date, listed = _reader()
    groups: dict = {}
    months: dict = {}
    age_groups: dict = {}
    form_lists: dict = {}
    rows = []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        for raw in cursor.fetchall():
            (
                sid,
                contact,
                mun,
                mun_name,
                org,
                org_type,
                age,
                forms,
                codes,
                status,
                nbh,
                justice,
            ) = raw
            if status == "withdrawn":  # turned out unjustified: not counted
                continue
            contact = date(contact)
            codes = listed(codes)
            key = tuple(codes or ())
            found_groups = groups.get(key)
            if found_groups is None:
                found_groups = groups[key] = sorted({c.split(".")[0] for c in key})
            month = months.get(contact and (contact.year, contact.month))
            if month is None and contact is not None:
                month = months[(contact.year, contact.month)] = (
                    f"{contact.year:04d}-{contact.month:02d}"
                )
            if age not in age_groups:
                age_groups[age] = ages.age_group(age)
            forms = listed(forms)
            form_list = form_lists.get(tuple(forms or ()))
            if form_list is None:
                form_list = form_lists[tuple(forms or ())] = list(forms or ["?"])
            rows.append(
                (
                    signal_key(sid) if not isinstance(sid, str) else sid.replace("-", ""),
                    contact,
                    mun,
                    mun_name,
                    org,
                    org_type,
                    age,
                    forms,
                    codes,
                    status,
                    nbh,
                    justice,
                    month,
                    age_groups[age],
                    found_groups,
                    mun_name or "?",
                    form_list,
                )
            )
    pairs = ((signal_key(a), signal_key(b)) for a, b in linkage_selectors.confirmed_pairs())
    person_of = clusters([r[0] for r in rows], pairs)
    number: dict = {}
    persons = [number.setdefault(person_of[r[0]], len(number)) for r in rows]
    return Snapshot(version, timezone.now(), rows, persons, uuid.uuid4().hex)


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


def rebuild(organisation_id: int | None) -> Snapshot:
    snapshot = build(organisation_id)
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
        built = rebuild(organisation_id)
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
