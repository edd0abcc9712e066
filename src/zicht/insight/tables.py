"""The published tables of the dashboard: labelled, suppressed, ready for screen and export."""

from __future__ import annotations

import hashlib
import pickle
from collections import Counter
from copy import copy
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zicht.accounts import selectors as account_selectors
from zicht.accounts.constants import OrganisationType
from zicht.coordination.constants import CareType, MeasureKind
from zicht.coordination.indicators import (
    care_referral_success,
    measures_taken,
    screening_indicators,
)
from zicht.core.suppression import SECONDARY, Published, suppress
from zicht.insight import selectors
from zicht.insight.models import CountedTables
from zicht.insight.numbers import number, signed
from zicht.insight.snapshot import cache_key
from zicht.intake import selectors as intake_selectors
from zicht.intake.constants import ExploitationForm

TABLE_KINDS = ("month", "municipality", "source", "form", "age", "indicator_group", "overlap")
# These breakdowns each divide the same signals into disjoint cells, so they share one
# grand total: if one of them must hide it, all of them hide it (see tables_for()).
PARTITIONS = ("month", "municipality", "source", "age")
# In these breakdowns one signal can count in several rows (two forms, three indicator
# groups): their rows add up to more than the number of signals.
MULTI_COUNT = ("form", "indicator_group")
NOT_SHOWN = "—"


def _same(value, *_how):
    """The value as it is (the exports): no formatting."""
    return value


def change(current, previous) -> tuple[object, object]:
    """The change from ``previous`` to ``current`` (two published counts): absolute and in
    per cent of ``previous``. Only when both counts are shown: a change computed from a
    hidden count would reveal it. No percentage from zero."""
    if not (isinstance(current, int) and isinstance(previous, int)):
        return NOT_SHOWN, NOT_SHOWN
    diff = current - previous
    return diff, (round(100 * diff / previous, 1) if previous else NOT_SHOWN)


@dataclass
class Table:
    kind: str
    title: str
    label_header: str
    published: Published
    compare: Table | None = None
    persons: Published | None = None
    referrals: Published | None = None
    victims: Published | None = None
    # Multi-count breakdowns: the published number of distinct signals behind the rows.
    distinct: object = None
    chart: str = ""
    chart_note: str = ""
    # The overlap table: the sources each row's combination is made of, by row label.
    members: dict | None = None

    @property
    def shown(self) -> bool:
        """Whether the dashboard shows this table: an empty one gets no section at all."""
        return bool(self.rows() or (self.compare and self.compare.rows()))

    @property
    def multi_count(self) -> bool:
        return self.kind in MULTI_COUNT

    def count_header(self) -> str:
        return str(_("Signals") if self.extra_columns() else _("Count"))

    def headers(self) -> list[str]:
        """Column headers of the table on screen and in the exports; with a comparison
        period, its count and the change (absolute, per cent) follow the current count."""
        compared = (
            [
                str(_("Compared period")),
                str(pgettext("comparison of two periods", "Change")),
                str(_("Change (%)")),
            ]
            if self.compare
            else []
        )
        return [
            self.label_header,
            self.count_header(),
            *compared,
            *[h for h, _c in self.extra_columns()],
        ]

    def body_rows(self, *, number=_same, signed=_same) -> list[list]:
        """The rows as published; ``number`` and ``signed`` format counts and changes
        (the page formats for the reader, the exports keep plain numbers)."""
        extra = self.extra_columns()
        if not self.compare:
            return [
                [label, number(value), *[number(col.cells.get(label, 0)) for _h, col in extra]]
                for label, value in self.rows()
            ]
        before = self.compare.published.cells
        labels = [*self.published.cells, *[k for k in before if k not in self.published.cells]]
        rows = []
        for label in labels:
            now, then = self.published.cells.get(label, 0), before.get(label, 0)
            diff, pct = change(now, then)
            rows.append(
                [
                    label,
                    number(now),
                    number(then),
                    signed(diff),
                    signed(pct, 1) if pct != NOT_SHOWN else pct,
                    *[number(col.cells.get(label, 0)) for _h, col in extra],
                ]
            )
        return rows

    def display_rows(self) -> list[list]:
        """The rows for the page: numbers in the reader's format."""
        return self.body_rows(number=number, signed=signed)

    def display_total(self) -> list:
        return self.total_row(number=number, signed=signed)

    def total_row(self, *, number=_same, signed=_same) -> list:
        label = str(_("Sum of rows") if self.multi_count else _("Total"))
        extra = [number(c.total) for _h, c in self.extra_columns()]
        if not self.compare:
            return [label, number(self.published.total), *extra]
        now, then = self.published.total, self.compare.published.total
        diff, pct = change(now, then)
        return [
            label,
            number(now),
            number(then),
            signed(diff),
            signed(pct, 1) if pct != NOT_SHOWN else pct,
            *extra,
        ]

    def extra_columns(self) -> list[tuple[str, Published]]:
        """(header, published column) beside the signal counts, in display order."""
        columns = [
            (str(_("Young people")), self.persons),
            (str(_("Referrals")), self.referrals),
            (str(_("Registered possible victims")), self.victims),
        ]
        return [(header, col) for header, col in columns if col is not None]

    def wide_rows(self) -> list[list]:
        extra = self.extra_columns()
        return [
            [label, value, *[col.cells.get(label, 0) for _h, col in extra]]
            for label, value in self.rows()
        ]

    def rows(self) -> list[tuple[str, object]]:
        return list(self.published.cells.items())


def source_label(key) -> str:
    """The name of a kind of source (organisation type) as shown to the user."""
    return _label("source", key)


def _label(kind: str, key) -> str:
    if kind == "source":
        return str(OrganisationType(key).label) if key in OrganisationType.values else str(key)
    if kind == "form":
        return str(ExploitationForm(key).label) if key in ExploitationForm.values else _("unknown")
    if kind == "overlap":
        return " + ".join(str(OrganisationType(t).label) for t in key)
    if kind == "indicator_group":
        return intake_selectors.indicator_group_labels().get(key, str(key))
    return str(key)


def _municipality_names() -> dict[str, str]:
    return {m.code: m.name for m in account_selectors.municipality_list()}


def screening_rows(
    *, membership, by: str = "organisation_type", date_from=None, date_to=None
) -> list[dict]:
    """Screening within the deadline per kind of source (or per municipality of the young
    person, ``by="municipality"``); shares only from 10 decisions up."""
    names = _municipality_names() if by == "municipality" else {}
    rows = []
    for ind in screening_indicators(
        membership=membership, by=by, date_from=date_from, date_to=date_to
    ):
        enough = ind.screened >= 10
        if by == "municipality":
            group = str(_("unknown")) if ind.group == "unknown" else names.get(ind.group, ind.group)
        else:
            group = _label("source", ind.group)
        rows.append(
            {
                "group": group,
                "screened": ind.screened if enough or ind.screened == 0 else "<10",
                "share": f"{ind.share_within_deadline:.0%}"
                if enough and ind.share_within_deadline is not None
                else "—",
                # One decimal always (a median of an even count can be a half day).
                "median": round(float(ind.median_working_days), 1)
                if enough and ind.median_working_days is not None
                else "—",
            }
        )
    if by == "municipality":
        rows.sort(key=lambda r: (r["group"] == str(_("unknown")), r["group"]))
    return rows


@dataclass
class CoordinationTable:
    """A published table of the coordination centre's management indicators (analysts
    only): the same rows on screen and in the CSV and Excel exports."""

    kind: str
    heading: str
    caption: str
    headers: list[str]
    rows: list[list]
    total: list | None = None
    note: str = ""

    def export_rows(self) -> list[list]:
        return [self.headers, *self.rows, *([self.total] if self.total else [])]


COORDINATION_KINDS = ("screening", "screening_municipality", "measures", "care")


def suppress_rows(columns: dict[str, dict]) -> dict[str, Published]:
    """Suppress count columns over the same rows that bound each other (placed <= decided
    <= requested): a row hidden in one column is hidden in all of them, otherwise a shown
    count would bound a hidden one. When one column must hide its total, all do."""
    hide: set = set()
    while True:
        published = {name: suppress(counts, hide=hide) for name, counts in columns.items()}
        hidden = {
            label
            for p in published.values()
            for label, value in p.cells.items()
            if not isinstance(value, int)
        }
        if hidden <= hide:
            break
        hide |= hidden
    if any(p.total == SECONDARY for p in published.values()):
        published = {name: replace(p, total=SECONDARY) for name, p in published.items()}
    return published


def _share(part, whole) -> str:
    """A share of two published counts, only when both are shown."""
    if isinstance(part, int) and isinstance(whole, int) and whole > 0:
        return f"{part / whole:.0%}"
    return "—"


def _screening_table(kind: str, *, membership, by: str, **period) -> CoordinationTable:
    if by == "municipality":
        heading = _("Screening within the deadline per municipality")
        caption = _("Screening decisions per municipality of the young person")
        header = _("Municipality")
    else:
        heading = _("Screening within the deadline")
        caption = _("Screening decisions per kind of referring source")
        header = _("Source")
    return CoordinationTable(
        kind,
        str(heading),
        str(caption),
        [
            str(h)
            for h in (header, _("Decisions"), _("Within the deadline"), _("Median working days"))
        ],
        [
            [r["group"], r["screened"], r["share"], r["median"]]
            for r in screening_rows(membership=membership, by=by, **period)
        ],
    )


def measures_table(*, membership, date_from=None, date_to=None) -> CoordinationTable:
    """Measures taken (accepted, in place or ended) per kind of measure, in files opened in
    the period. A file has one measure of each kind at most and one municipality, so the
    selector's rows per municipality add up to the number of files per kind."""
    counts: Counter = Counter()
    for kinds in measures_taken(
        membership=membership, by="municipality", date_from=date_from, date_to=date_to
    ).values():
        counts.update(kinds)
    rows: list[list] = []
    total: list | None = None
    if sum(counts.values()):
        order = [*MeasureKind.values, *sorted(set(counts) - set(MeasureKind.values))]
        published = suppress(
            {
                str(MeasureKind(k).label) if k in MeasureKind.values else k: counts.get(k, 0)
                for k in order
            }
        )
        rows = [[label, value] for label, value in published.cells.items()]
        total = [str(_("Total")), published.total]
    return CoordinationTable(
        "measures",
        str(_("Measures taken")),
        str(_("Measures taken per kind of measure")),
        [str(_("Measure")), str(_("Files"))],
        rows,
        total,
        str(
            _(
                "Measures accepted, in place or ended, in coordination files opened in the "
                "period; a file counts once per kind of measure."
            )
        ),
    )


def care_table(*, membership, date_from=None, date_to=None) -> CoordinationTable:
    """Care referrals per type of care: requested, decided by the provider (accepted or
    refused), placed, and the success rate (placed among decided)."""
    raw = care_referral_success(
        membership=membership, by="care_type", date_from=date_from, date_to=date_to
    )
    order = [*[k for k in CareType.values if k in raw], *sorted(set(raw) - set(CareType.values))]
    labels = {k: str(CareType(k).label) if k in CareType.values else k for k in order}
    published = suppress_rows(
        {
            "requested": {labels[k]: raw[k]["requested"] for k in order},
            "decided": {labels[k]: raw[k]["accepted"] + raw[k]["refused"] for k in order},
            "placed": {labels[k]: raw[k]["placed"] for k in order},
        }
    )
    requested, decided, placed = (published[c] for c in ("requested", "decided", "placed"))
    rows = [
        [
            label,
            requested.cells[label],
            decided.cells[label],
            placed.cells[label],
            _share(placed.cells[label], decided.cells[label]),
        ]
        for label in labels.values()
    ]
    total = (
        [
            str(_("Total")),
            requested.total,
            decided.total,
            placed.total,
            _share(placed.total, decided.total),
        ]
        if rows
        else None
    )
    return CoordinationTable(
        "care",
        str(_("Care referral success")),
        str(_("Care referrals per type of care")),
        [
            str(h)
            for h in (
                _("Type of care"),
                _("Requested"),
                _("Decided by the provider"),
                _("Placed"),
                _("Success rate"),
            )
        ],
        rows,
        total,
        str(
            _(
                "Care referrals in coordination files opened in the period. Success rate: "
                "placed among the referrals the provider accepted or refused, shown only when "
                "both counts are shown."
            )
        ),
    )


def suspects_table(data: selectors.Dataset) -> CoordinationTable:
    return _kept(data, "suspects", lambda: _suspects_table(data))


def _suspects_table(data: selectors.Dataset) -> CoordinationTable:
    """The victim-offender overlap: distinct young people per kind of source and how many of
    them are also known as suspects (arrested, prosecuted), with the share.

    Three columns are suppressed together over the same rows (young people, suspects, and
    the others, which are published by difference): a row hidden in one is hidden in all,
    and the totals (distinct young people overall, not the sum of the rows) likewise."""
    persons, suspects = selectors.suspects_by_source(data)
    n_persons, n_suspects = len(data.persons()), len(selectors.suspected_persons(data))
    labels = {k: source_label(k) for k in persons}
    columns = {
        "persons": ({labels[k]: v for k, v in persons.items()}, n_persons),
        "suspects": ({labels[k]: v for k, v in suspects.items()}, n_suspects),
        "others": ({labels[k]: persons[k] - suspects[k] for k in persons}, n_persons - n_suspects),
    }
    hide: set = set()
    while True:
        published = {
            name: suppress(counts, total=total, hide=hide)
            for name, (counts, total) in columns.items()
        }
        hidden = {
            label
            for p in published.values()
            for label, value in p.cells.items()
            if not isinstance(value, int)
        }
        if hidden <= hide:
            break
        hide |= hidden
    if any(not isinstance(p.total, int) for p in published.values()):
        published = {
            name: replace(p, total=p.total if p.total == 0 else SECONDARY)
            for name, p in published.items()
        }
    who, also = published["persons"], published["suspects"]
    rows = [
        [label, who.cells[label], also.cells[label], _share(also.cells[label], who.cells[label])]
        for label in labels.values()
    ]
    total = (
        [str(_("All young people")), who.total, also.total, _share(also.total, who.total)]
        if rows
        else None
    )
    return CoordinationTable(
        "suspects",
        str(_("Young people also known as suspects")),
        str(_("Young people also known as suspects per kind of source")),
        [str(h) for h in (_("Source"), _("Young people"), _("Also known as suspects"), _("Share"))],
        rows,
        total,
        str(
            _(
                "The victim-offender overlap: young people with at least one signal in view "
                "recording that they are (also) a suspect, arrested or prosecuted for the acts "
                "seen. One young person seen by two kinds of source counts in both rows; the "
                "last row counts each young person once."
            )
        ),
    )


def coordination_table(kind: str, *, membership, date_from=None, date_to=None):
    """One table of the coordination centre's management indicators (analysts only)."""
    period = {"date_from": date_from, "date_to": date_to}
    if kind == "screening":
        return _screening_table(kind, membership=membership, by="organisation_type", **period)
    if kind == "screening_municipality":
        return _screening_table(kind, membership=membership, by="municipality", **period)
    if kind == "measures":
        return measures_table(membership=membership, **period)
    if kind == "care":
        return care_table(membership=membership, **period)
    raise ValueError(kind)


def coordination_tables(*, membership, date_from=None, date_to=None) -> dict:
    """Every table of the management indicators, in display order."""
    return {
        kind: coordination_table(kind, membership=membership, date_from=date_from, date_to=date_to)
        for kind in COORDINATION_KINDS
    }


def table(data: selectors.Dataset, kind: str) -> Table:
    titles = {
        "month": (_("Signals per month"), _("Month")),
        "municipality": (_("Signals per municipality"), _("Municipality")),
        "source": (_("Signals per kind of source"), _("Source")),
        "form": (_("Signals per suspected form of exploitation"), _("Form")),
        "age": (_("Signals per age group"), _("Age group")),
        "indicator_group": (_("Signals per indicator group"), _("Indicator group")),
        "overlap": (_("Persons per combination of sources"), _("Seen by")),
    }
    if kind not in titles:
        raise ValueError(kind)
    raw = selectors.overlap(data) if kind == "overlap" else selectors.counts_by(data, kind)
    labelled = {_label(kind, k): v for k, v in raw.items()}
    title, header = titles[kind]
    if kind == "overlap":
        members = {
            _label("overlap", key): tuple(str(OrganisationType(t).label) for t in key)
            for key in raw
        }
        return Table(kind, str(title), str(header), suppress(labelled), members=members)

    def column(counts: dict, total: int) -> Published:
        return suppress({_label(kind, k): v for k, v in counts.items()}, total=total)

    distinct = None
    if kind in MULTI_COUNT:
        counted = sum(1 for found in data.column(kind) if found)
        # Published like a cell of the table "signals with / without a category", so the
        # signals without one (the difference with the total) stay protected too.
        distinct = suppress({"with": counted, "without": data.size() - counted}).cells["with"]
    return Table(
        kind,
        str(title),
        str(header),
        suppress(labelled),
        distinct=distinct,
        persons=column(selectors.persons_by(data, kind), len(data.persons())),
        referrals=column(selectors.referrals_by(data, kind), selectors.referral_total(data)),
        victims=column(
            selectors.possible_victims_by(data, kind), len(selectors.possible_victims(data))
        ),
    )


def overlap_combinations(overlap_table: Table):
    """The published overlap rows with the sources each combination is made of, in the
    table's order, for the UpSet chart: ``(sets, [(source labels, published value)])``.
    Read from the table (kept with it), so drawing needs no rows."""
    members = overlap_table.members or {}
    rows = [(members[label], value) for label, value in overlap_table.rows() if label in members]
    used = {source for combination, _value in rows for source in combination}
    sets = [
        str(OrganisationType(t).label)
        for t in selectors.SOURCE_TYPES
        if str(OrganisationType(t).label) in used
    ]
    return sets, rows


def persons_total(data: selectors.Dataset) -> int:
    """Distinct young people in the dataset (before suppression), kept like the tables."""
    return _kept(data, "persons", lambda: len(data.persons()))


# Tables already computed in this process, by the dataset's key (snapshot token, period,
# municipality), the language and the referrals and files counted in: the same selection
# of the same data gives the same tables, so a later visit reuses them. Bounded; emptied
# when full. Behind it the shared store (model CountedTables): what one process (or the
# worker, warm()) counted, every other process reads instead of loading the rows.
_KEPT: dict = {}
KEPT_MAX = 64
# Counted tables kept per snapshot in the shared store; the oldest go beyond this.
SHARED_MAX = 200


def _shared_key(key: tuple) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()


def _kept(data: selectors.Dataset, name: str, build):
    """``build()`` for this dataset, or what it gave before: in this process (``_KEPT``),
    or in any process (the shared store). Datasets not counted from a snapshot (no key)
    are always built."""
    if data.key is None:
        return build()

    def key_now() -> tuple:
        # The referrals and files are read on every visit (a few rows; not in the
        # snapshot): a new referral or file changes the key, so its counts are never stale.
        return (name, translation.get_language(), *data.key, data.coordination_key())

    key = key_now()
    if key in _KEPT:
        return _KEPT[key]
    found = _shared_get(key)
    if found is None:
        found = build()
        # Building loads the rows, which may come from a newer snapshot than the one the
        # visit started with (zicht.insight.selectors.Base): kept under that one's key.
        key = key_now()
        _shared_put(key, data.base, found)
    if len(_KEPT) >= KEPT_MAX:
        _KEPT.clear()
    _KEPT[key] = found
    return found


def _shared_get(key: tuple):
    payload = (
        CountedTables.objects.filter(key=_shared_key(key)).values_list("payload", flat=True).first()
    )
    return None if payload is None else pickle.loads(bytes(payload))  # noqa: S301 - ours


def _shared_put(key: tuple, base: selectors.Base, value) -> None:
    """Keep ``value`` for every process. Two processes counting the same selection at
    once both write it; the second write is ignored."""
    scope = cache_key(base.organisation_id)
    try:
        with transaction.atomic():
            CountedTables.objects.create(
                key=_shared_key(key),
                snapshot_key=scope,
                token=base.token,
                counted_at=timezone.now(),
                payload=pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
            )
    except IntegrityError:
        return
    mine = CountedTables.objects.filter(snapshot_key=scope)
    old = mine.order_by("-counted_at").values_list("pk", flat=True)[SHARED_MAX:]
    if old:
        mine.filter(pk__in=list(old)).delete()


def warm(organisation_id: int | None) -> None:
    """Count what the unfiltered dashboard of the scope shows, in every language, into
    the shared store: run by the worker after it rebuilt the snapshot, so the first visit
    after a change of the data reads counted tables instead of loading the rows."""
    data = selectors.dataset(scope=selectors.Scope(organisation_id, ""))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            tables_for(data)
            suspects_table(data)
            persons_total(data)


def tables_for(data: selectors.Dataset) -> dict[str, Table]:
    """Every table of one dataset, with the grand total hidden everywhere as soon as one
    partition table has to hide it - otherwise another breakdown of the same signals would
    publish the total and let two exports be differenced. Kept per dataset key; each
    caller gets its own copies (the dashboard sets a comparison and a chart on them)."""
    return {kind: copy(t) for kind, t in _kept(data, "tables", lambda: _tables(data)).items()}


def _tables(data: selectors.Dataset) -> dict[str, Table]:
    tables = {kind: table(data, kind) for kind in TABLE_KINDS}
    if any(tables[k].published.total == SECONDARY for k in PARTITIONS):
        for kind in PARTITIONS:
            t = tables[kind]
            t.published = replace(t.published, total=SECONDARY)
    return tables
