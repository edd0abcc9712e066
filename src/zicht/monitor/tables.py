"""The published monitor: every figure suppressed as on the insight pages, each with its
definition in words, ready for the page, the printable report, CSV/XLSX and the command.

Suppression (``zicht.core.suppression``): counts 1-9 are ``<10``; secondary
suppression (``x``) so that no hidden count follows from a published total. The table of
signals per kind of source is two-way (kind of source × part of the municipality, with
totals both ways), so it is suppressed in both directions until every row and every column
is safe on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from zicht.accounts.constants import OrganisationType
from zicht.core.suppression import PRIMARY, SECONDARY, K, suppress
from zicht.insight.estimates import reason_text
from zicht.monitor.selectors import PARTS, Indicators
from zicht.monitor.services import estimate_cached

TOTAL = "total"
COLUMNS = (*PARTS, TOTAL)


def column_labels() -> list[str]:
    return [
        str(_("In the area")),
        str(_("Elsewhere in the municipality")),
        str(_("Neighbourhood not recorded")),
        str(_("Municipality")),
    ]


@dataclass
class Row:
    label: str
    values: dict  # column -> published value (int, "<10", "x", share text or "—")
    definition: str = ""

    def cells(self) -> list:
        return [self.values.get(c, "") for c in COLUMNS]


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    note: str = ""


def _publish(n: int, hidden: bool):
    if 0 < n < K:
        return PRIMARY
    return SECONDARY if hidden else n


def suppress_grid(grid: dict[str, dict[str, int]]) -> dict[str, dict]:
    """Suppress a two-way table of additive counts ``{row: {part: n}}`` with its row totals,
    column totals and grand total: every row (with its total) and every column (with its
    total) passes insight's one-way rule, repeated until nothing more must be hidden.
    Returns ``{row or "total": {part or "total": published}}``."""
    rows = list(grid)
    m = _with_totals(grid)
    hide: set[tuple[str, str]] = set()
    while True:
        rows_changed = _hide_in_rows(m, hide)
        columns_changed = _hide_in_columns(m, rows, hide)
        if not (rows_changed or columns_changed):
            break
    return {r: {c: _publish(m[r][c], (r, c) in hide) for c in COLUMNS} for r in m}


def _with_totals(grid: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """The grid with a total per row and a total row (the column totals)."""
    rows = list(grid)
    m = {r: {**{p: grid[r].get(p, 0) for p in PARTS}} for r in rows}
    for r in rows:
        m[r][TOTAL] = sum(m[r][p] for p in PARTS)
    m[TOTAL] = {c: sum(m[r][c] for r in rows) for c in COLUMNS}
    return m


def _hide_in_rows(m: dict[str, dict[str, int]], hide: set[tuple[str, str]]) -> bool:
    """Apply the one-way rule to every row (the total row too), given what is already
    hidden; add what must be hidden now to ``hide``. True when something was added."""
    changed = False
    for r in m:
        hidden = {p for p in PARTS if (r, p) in hide}
        pub = suppress({p: m[r][p] for p in PARTS}, hide=hidden)
        new = {(r, p) for p, v in pub.cells.items() if v == SECONDARY}
        if pub.total == SECONDARY:
            new.add((r, TOTAL))
        if not new <= hide:
            hide |= new
            changed = True
    return changed


def _hide_in_columns(
    m: dict[str, dict[str, int]], rows: list[str], hide: set[tuple[str, str]]
) -> bool:
    """Apply the one-way rule to every column over the rows, with the total row as its
    total; add what must be hidden now to ``hide``. True when something was added."""
    changed = False
    for c in COLUMNS:
        hidden = {r for r in rows if (r, c) in hide}
        pub = suppress({r: m[r][c] for r in rows}, hide=hidden)
        new = {(r, c) for r, v in pub.cells.items() if v == SECONDARY}
        if pub.total == SECONDARY:
            new.add((TOTAL, c))
        if not new <= hide:
            hide |= new
            changed = True
    return changed


def _row(label: str, counts: dict, total: int, definition: str, *, additive: bool) -> Row:
    """One indicator across the parts with its municipal total. The total is always
    passed, so a total of 1-9 is ``<10`` too (insight publishes an additive total as it
    is); ``additive`` documents whether the parts add up to it."""
    if additive:
        assert total == sum(counts.get(p, 0) for p in PARTS)
    pub = suppress({p: counts.get(p, 0) for p in PARTS}, total=total)
    values = dict(pub.cells)
    values[TOTAL] = pub.total
    return Row(label, values, definition)


def source_label(key: str) -> str:
    return str(OrganisationType(key).label) if key in OrganisationType.values else key


def sources_section(ind: Indicators) -> Section:
    grid = suppress_grid({k: v for k, v in ind.by_source.items()} or {"": {}})
    rows = [Row(source_label(k), grid[k]) for k in ind.by_source]
    rows.append(Row(str(_("All signals")), grid[TOTAL]))
    return Section(
        "sources",
        str(_("Signals per kind of source")),
        rows,
        str(
            _(
                "Signals recorded with a date of contact in the period, about young people "
                "living in the municipality, per kind of organisation that recorded them: are "
                "schools, youth work and care, and health care signalling, not only the police? "
                "Withdrawn signals are not counted."
            )
        ),
    )


def _share(s) -> str:
    return f"{s.within / s.decided:.0%}" if s.decided >= K else "—"


def _median(s) -> str:
    return f"{s.median:.1f}".replace(".", ",") if s.decided >= K and s.median is not None else "—"


def _hide_small_complement(row: Row, persons: dict, suspects: dict) -> None:
    """Young people also known as suspects are published next to all young people, so
    their difference (those not known as suspects) is published too: where it is 1-9, the
    suspect count is hidden (``x``)."""
    for c in COLUMNS:
        if 0 < persons[c] - suspects[c] < K and isinstance(row.values.get(c), int):
            row.values[c] = SECONDARY


def overlap_share(suspects: Row, persons: Row) -> Row:
    """The victim-offender overlap as a share: young people also known as suspects out of
    the distinct young people, per column. Shown only where both counts are published as
    numbers of 10 or more (the suspect count is already hidden where those not known as
    suspects number 1-9): a share over a hidden count would give the count back."""
    values = {}
    for c in COLUMNS:
        n, d = suspects.values.get(c), persons.values.get(c)
        ok = isinstance(n, int) and isinstance(d, int) and n >= K and d >= K
        values[c] = f"{n / d:.0%}" if ok else "—"
    return Row(
        str(_("Share also known as suspects")),
        values,
        str(
            _(
                "Young people also known as suspects divided by distinct young people; "
                "shown where both are published and 10 or more."
            )
        ),
    )


def indicators_section(ind: Indicators) -> Section:
    grid = suppress_grid(ind.by_source or {"": {}})
    signals = Row(
        str(_("Signals")),
        grid[TOTAL],
        str(_("Signals with a date of contact in the period (withdrawn ones not counted).")),
    )
    decided = {p: ind.screening[p].decided for p in PARTS}
    persons = _row(
        str(_("Distinct young people")),
        ind.persons,
        ind.persons_total,
        str(
            _(
                "Young people behind those signals, counted once through the person "
                "index; one young person can be counted in two columns."
            )
        ),
        additive=False,
    )
    suspects = _row(
        str(_("Young people also known as suspects")),
        ind.suspects,
        ind.suspects_total,
        str(
            _(
                "Of those young people, the ones with at least one signal in the period "
                "recording that they are (also) a suspect, arrested or prosecuted for the "
                "acts seen: the victim-offender overlap."
            )
        ),
        additive=False,
    )
    _hide_small_complement(
        suspects,
        ind.persons | {TOTAL: ind.persons_total},
        ind.suspects | {TOTAL: ind.suspects_total},
    )
    rows = [
        signals,
        persons,
        suspects,
        overlap_share(suspects, persons),
        _row(
            str(_("Referrals")),
            ind.referrals,
            sum(ind.referrals.values()),
            str(_("Referrals to the coordination centre made from these signals.")),
            additive=True,
        ),
        _row(
            str(_("Registered possible victims")),
            ind.victims,
            ind.victims_total,
            str(
                _(
                    "Coordination files with a referral of these signals that were screened "
                    "as possible victim."
                )
            ),
            additive=False,
        ),
        _row(
            str(_("Screening decisions")),
            decided,
            ind.screening[TOTAL].decided,
            str(_("Files of these signals with a screening decision.")),
            additive=False,
        ),
        Row(
            str(_("Screened within 5 working days")),
            {c: _share(ind.screening[c]) for c in COLUMNS},
            str(
                _(
                    "Share of the screening decisions taken by the deadline (5 working days, "
                    "Dutch public holidays excluded); shown from 10 decisions up."
                )
            ),
        ),
        Row(
            str(_("Median working days to screening")),
            {c: _median(ind.screening[c]) for c in COLUMNS},
            str(_("Half of the decisions took at most this many working days; from 10 up.")),
        ),
        _row(
            str(_("Measures taken")),
            ind.measures,
            ind.measures[TOTAL],
            str(
                _(
                    "Protection measures accepted, in place or ended in those files; a file "
                    "counts once per kind of measure."
                )
            ),
            additive=False,
        ),
        _row(
            str(_("Care placed")),
            ind.care_placed,
            ind.care_placed[TOTAL],
            str(_("Care referrals from those files that led to a placement.")),
            additive=False,
        ),
    ]
    return Section(
        "indicators",
        str(_("Figures of the period")),
        rows,
    )


@dataclass
class Estimate:
    label: str
    reliable: bool
    observed: object
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    hidden: float | None = None
    reason: str = ""


def estimate(result: dict, label: str) -> Estimate:
    """An estimate as shown: the number seen suppressed like any count."""
    observed = PRIMARY if 0 < result["observed"] < K else result["observed"]
    if not result["reliable"]:
        return Estimate(label, False, observed, reason=reason_text(result))
    return Estimate(
        label,
        True,
        observed,
        estimate=result["estimate"],
        low=result["ci"][0],
        high=result["ci"][1],
        hidden=result["hidden"],
    )


def estimates(ind: Indicators, *, municipality: str, codes: set[str], period) -> list[Estimate]:
    """The hidden number in the area and in the whole municipality (insight's estimate,
    declined where it declines), cached for a day by monitor.services.estimate_cached()."""
    dates = (str(period.date_from), str(period.date_to))
    area = estimate_cached(
        key_parts=("area", municipality, tuple(sorted(codes)), *dates),
        rows=ind.area_rows,
        person_of=ind.person_of,
    )
    whole = estimate_cached(
        key_parts=("municipality", municipality, *dates), rows=ind.rows, person_of=ind.person_of
    )
    return [
        estimate(area, str(_("In the area"))),
        estimate(whole, str(_("Municipality"))),
    ]


def estimate_rows(items: list[Estimate]) -> list[Row]:
    """The estimates as report rows (a model output, not a count: not suppressed; the
    number seen is, as everywhere)."""
    out = []
    for e in items:
        if e.reliable:
            text = _(
                "%(n)s (95%% interval %(a)s–%(b)s); seen %(seen)s, out of sight about %(h)s"
            ) % {
                "n": round(e.estimate),
                "a": round(e.low),
                "b": round(e.high),
                "seen": e.observed,
                "h": round(e.hidden),
            }
        else:
            text = _("no reliable estimate: %(reason)s") % {"reason": e.reason}
        out.append(Row(e.label, {TOTAL: str(text)}))
    return out
