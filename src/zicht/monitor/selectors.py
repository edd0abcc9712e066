"""Reads of the monitor, always given the requesting membership.

A signal is placed by the facts it already holds: its municipality (of the young person)
and, where the professional recorded it, its CBS buurt code. Inside the area when that
buurt, or the wijk it lies in, belongs to the area; elsewhere in the municipality when a
buurt outside the area was recorded; "neighbourhood not recorded" otherwise. Counts only:
no function here returns a signal, a file or a person.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import PermissionDenied

from zicht.accounts import selectors as account_selectors
from zicht.coordination import selectors as coordination_selectors
from zicht.insight.persons import clusters
from zicht.intake import selectors as intake_selectors
from zicht.intake.constants import JusticeStatus
from zicht.linkage import selectors as linkage_selectors
from zicht.monitor import permissions
from zicht.monitor.constants import PARTICIPANTS_2022
from zicht.monitor.models import Area, Neighbourhood, Population, Target

if TYPE_CHECKING:  # pragma: no cover
    from zicht.accounts.types import Membership

AREA, ELSEWHERE, UNKNOWN = "area", "elsewhere", "unknown"


class DateRange(Protocol):
    """A period with first and last day (:class:`Period`, or any span of days)."""

    @property
    def date_from(self) -> dt.date: ...

    @property
    def date_to(self) -> dt.date: ...


PARTS = (AREA, ELSEWHERE, UNKNOWN)


@dataclass(frozen=True)
class Period:
    """A calendar year or one of its quarters."""

    year: int
    quarter: int | None = None

    @property
    def date_from(self) -> dt.date:
        return dt.date(self.year, 3 * (self.quarter - 1) + 1 if self.quarter else 1, 1)

    @property
    def date_to(self) -> dt.date:
        if not self.quarter or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}" if self.quarter else str(self.year)


# --- access -----------------------------------------------------------------------------


def municipality_for(*, membership: Membership | None, requested: str | None = None) -> str:
    """The municipality this member sees: an administrator of a municipality their own
    (whatever was asked), an analyst the one asked for (Rotterdam when none was asked)."""
    own = permissions.own_municipality(membership)
    if own is not None:
        if requested and requested != own:
            raise PermissionDenied
        return own
    if permissions.is_analyst(membership):
        codes = {m.code for m in account_selectors.municipality_list()}
        code = requested or "GM0599"
        if code not in codes:
            raise PermissionDenied
        return code
    raise PermissionDenied


def municipality_name(code: str) -> str:
    return next((m.name for m in account_selectors.municipality_list() if m.code == code), code)


def areas_of(*, membership: Membership | None, municipality: str) -> list[Area]:
    if not permissions.may_view(membership, municipality):
        raise PermissionDenied
    return list(Area.objects.filter(municipality_id=municipality))


def neighbourhoods_of(municipality: str) -> list[Neighbourhood]:
    """The imported wijken and buurten of a municipality (reference data, public)."""
    return list(Neighbourhood.objects.filter(municipality_id=municipality))


def targets_of(*, membership: Membership | None, municipality: str) -> list[Target]:
    if not permissions.may_view(membership, municipality):
        raise PermissionDenied
    return list(Target.objects.filter(municipality_id=municipality))


def population(municipality: str, year: int) -> int | None:
    """Young people aged 8-27 in that year, or the latest earlier year imported."""
    row = (
        Population.objects.filter(municipality_id=municipality, year__lte=year)
        .order_by("-year")
        .first()
    )
    return row.young_people if row else None


def participants() -> list[str]:
    """Municipalities in the programme: the fifteen that started, and every municipality
    that defined an area since."""
    with_area = set(Area.objects.values_list("municipality_id", flat=True))
    known = {m.code: m.name for m in account_selectors.municipality_list()}
    codes = (set(PARTICIPANTS_2022) | with_area) & set(known)
    return sorted(codes, key=lambda c: known[c])


# --- placing signals --------------------------------------------------------------------


def area_codes(areas: Area | Iterable[Area] | None) -> set[str]:
    """The codes of one area or of several together (the municipality's whole programme
    area)."""
    if areas is None:
        return set()
    if isinstance(areas, Area):
        areas = [areas]
    return {c for a in areas for c in a.codes}


def part_of(neighbourhood_code: str, codes: set[str]) -> str:
    """Where a signal lies relative to an area (see the module docstring)."""
    if not neighbourhood_code:
        return UNKNOWN
    wijk = "WK" + neighbourhood_code[2:8]
    return AREA if neighbourhood_code in codes or wijk in codes else ELSEWHERE


def signals_in(municipality: str | None, period: DateRange) -> list[dict[str, Any]]:
    """Counted signals (withdrawn ones were unjustified) of young people living in the
    municipality (every municipality when None), with contact in the period (anything with
    ``date_from`` and ``date_to``)."""
    qs = (
        intake_selectors.signals_for_statistics()
        .filter(contact_date__gte=period.date_from, contact_date__lte=period.date_to)
        .exclude(status="withdrawn")
    )
    if municipality is not None:
        qs = qs.filter(municipality_id=municipality)
    return list(qs)


@dataclass
class Facts:
    """What the indicators of one municipality read, fetched once for a span of dates and
    then cut per period in memory: a page with targets needs many periods (a trend per
    quarter for two years), and asking the database again for each is what made it slow."""

    rows: list[dict]
    pairs: list
    referrals: list
    files: list[dict]


@dataclass(frozen=True)
class Span:
    date_from: dt.date
    date_to: dt.date


def facts_for(*, municipality: str, years: list[int]) -> Facts:
    """Signals, person-index pairs, referrals and file facts of the municipality for the
    given calendar years."""
    rows = signals_in(municipality, Span(dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)))
    ids = {r["id"] for r in rows}
    return Facts(
        rows=rows,
        # Only pairs touching these signals can join two of them; the national list is
        # long, and every period's clustering would walk all of it.
        pairs=[(a, b) for a, b in linkage_selectors.confirmed_pairs() if a in ids or b in ids],
        referrals=[
            (s, k) for s, k in coordination_selectors.referrals_for_statistics() if s in ids
        ],
        files=coordination_selectors.files_for_statistics(signal_ids=ids),
    )


# --- the indicators ---------------------------------------------------------------------


@dataclass
class Screening:
    decided: int = 0
    within: int = 0
    days: list = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.days) if self.days else None


@dataclass
class Indicators:
    """Raw counts per part (area / elsewhere / unknown) and for the whole municipality.
    Not for display: publish them through monitor.tables (suppression)."""

    signals: dict[str, int]
    by_source: dict[str, dict[str, int]]  # source type -> part -> n
    persons: dict[str, int]
    persons_total: int
    suspects: dict[str, int]  # young people also known as suspects, per part
    suspects_total: int
    referrals: dict[str, int]
    victims: dict[str, int]
    victims_total: int
    screening: dict[str, Screening]
    measures: dict[str, int]
    care_placed: dict[str, int]
    files_total: dict[str, int]
    rows: list[dict]
    area_rows: list[dict]
    person_of: dict


def indicators(
    *, municipality: str, codes: set[str], period: DateRange, facts: Facts | None = None
) -> Indicators:
    """Every indicator of one municipality, its area (``codes``, see area_codes()) and one
    period. ``facts`` (facts_for(), covering the period) saves the database round trips
    when many periods are computed."""
    if facts is None:
        facts = facts_for(
            municipality=municipality, years=[period.date_from.year, period.date_to.year]
        )
    rows = [r for r in facts.rows if period.date_from <= r["contact_date"] <= period.date_to]
    part = {r["id"]: part_of(r["neighbourhood_code"], codes) for r in rows}
    person_of = clusters(list(part), facts.pairs)

    signals: Counter = Counter(part.values())
    by_source, persons = _sources_and_persons(rows, part, person_of)
    # The victim-offender overlap is a fact about the young person: one signal in the
    # period marked suspect, arrested or prosecuted makes them "also known as a suspect"
    # in every column where they are counted.
    suspected = {person_of[r["id"]] for r in rows if r["justice_status"] != JusticeStatus.NONE}
    referrals: Counter = Counter(
        part[signal_id] for signal_id, _kind in facts.referrals if signal_id in part
    )
    files = _file_counts(facts.files, part)
    return Indicators(
        signals={p: signals[p] for p in PARTS},
        by_source={t: {p: c[p] for p in PARTS} for t, c in sorted(by_source.items())},
        persons={p: len(persons[p]) for p in PARTS},
        persons_total=len(set(person_of.values())),
        suspects={p: len(persons[p] & suspected) for p in PARTS},
        suspects_total=len(suspected),
        referrals={p: referrals[p] for p in PARTS},
        victims={p: files.victims[p] for p in PARTS},
        victims_total=files.victims_total,
        screening=files.screening,
        measures={p: files.measures[p] for p in (*PARTS, "total")},
        care_placed={p: files.care[p] for p in (*PARTS, "total")},
        files_total=dict(files.files_total),
        rows=rows,
        area_rows=[r for r in rows if part[r["id"]] == AREA],
        person_of=person_of,
    )


def _sources_and_persons(rows: list[dict], part: dict, person_of: dict) -> tuple[dict, dict]:
    """Signals per kind of source and part, and the distinct young people per part."""
    by_source: dict = defaultdict(Counter)
    persons: dict = defaultdict(set)
    for r in rows:
        by_source[r["organisation__type"]][part[r["id"]]] += 1
        persons[part[r["id"]]].add(person_of[r["id"]])
    return by_source, persons


@dataclass
class _FileCounts:
    """What the coordination files of the period add up to, per part and in total."""

    victims: Counter = field(default_factory=Counter)
    victims_total: int = 0
    screening: dict[str, Screening] = field(
        default_factory=lambda: {p: Screening() for p in (*PARTS, "total")}
    )
    measures: Counter = field(default_factory=Counter)
    care: Counter = field(default_factory=Counter)
    files_total: Counter = field(default_factory=Counter)


def _file_counts(files: list[dict], part: dict) -> _FileCounts:
    """Count the files that hold a signal of the period, in every part their signals lie
    in and once in the total (a file with signals in two parts counts in both)."""
    counts = _FileCounts()
    for f in files:
        parts = {part[s] for s in f["signal_ids"] if s in part}
        if not parts:
            continue
        counts.files_total["total"] += 1
        if f["screening_decision"] == "possible_victim":
            counts.victims_total += 1
        for p in (*parts, "total"):
            if p != "total":
                counts.files_total[p] += 1
                counts.victims[p] += f["screening_decision"] == "possible_victim"
            counts.measures[p] += f["n_measures"]
            counts.care[p] += f["n_placed"]
            if f["screened_on"] is not None:
                _add_screening(counts.screening[p], f)
    return counts


def _add_screening(s: Screening, f: dict) -> None:
    """One screened file: decided, within the deadline or not, and in how many days."""
    s.decided += 1
    s.within += f["screened_on"] <= f["screening_deadline"]
    s.days.append(f["working_days"])


@dataclass
class ProgrammeRow:
    code: str
    name: str
    signals: int
    persons: int
    population: int | None


def programme_counts(*, membership: Membership | None, period: Period) -> list[ProgrammeRow]:
    """Signals and distinct young people per participating municipality in the period,
    with its population aged 8-27. Analysts, and administrators of a municipality (who
    compare their own with the others: aggregates only, suppressed on publication)."""
    if not (permissions.is_analyst(membership) or permissions.own_municipality(membership)):
        raise PermissionDenied
    codes = participants()
    names = {m.code: m.name for m in account_selectors.municipality_list()}
    rows = list(
        intake_selectors.signals_for_statistics()
        .filter(
            contact_date__gte=period.date_from,
            contact_date__lte=period.date_to,
            municipality_id__in=codes,
        )
        .exclude(status="withdrawn")
        .values("id", "municipality_id")
    )
    person_of = clusters([r["id"] for r in rows], linkage_selectors.confirmed_pairs())
    signals: Counter = Counter()
    persons: dict = defaultdict(set)
    for r in rows:
        signals[r["municipality_id"]] += 1
        persons[r["municipality_id"]].add(person_of[r["id"]])
    pops = {
        p.municipality_id: p.young_people
        for p in Population.objects.filter(
            municipality_id__in=codes, year__lte=period.year
        ).order_by("year")
    }
    return [ProgrammeRow(c, names[c], signals[c], len(persons[c]), pops.get(c)) for c in codes]
