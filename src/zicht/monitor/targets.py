"""Progress against a municipality's targets, with the traffic-light rule in words.

The rule (also shown on the page and in docs/monitor.md):

* **Change targets** ("signals from schools +25% on 2025") compare the target year so far
  with the same stretch of the base year (1 January up to the same day), inside the
  municipality's Preventie met Gezag area (the whole municipality while no area is
  defined). Green when the change reached the target; amber when it reached at least half
  of it; red otherwise. No judgement (grey) while the base period has fewer than 10, since
  a percentage of a handful says nothing and would reveal suppressed counts.
* **Share targets** ("screening within 5 working days at least 90%"): green at or above the
  target, amber less than 10 percentage points below, red further below; grey under 10
  screening decisions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from zicht.core.suppression import PRIMARY, K
from zicht.monitor.constants import TARGET_SOURCES, Judgement, TargetIndicator, TargetKind
from zicht.monitor.models import Target
from zicht.monitor.selectors import AREA, Facts, Indicators, Period, Span, facts_for, indicators

AMBER_SHARE_POINTS = 10


def rule_text() -> str:
    return str(
        _(
            "Change targets compare the target year so far with the same stretch of the base "
            "year, inside the area: green when the change reached the target, amber when it "
            "reached at least half of it, red otherwise, grey (no judgement) while the base "
            "period has fewer than 10. Share targets: green at or above the target, amber "
            "less than 10 percentage points below, red further below, grey under 10 decisions."
        )
    )


def _part(codes) -> str:
    return AREA if codes else "total"


def measure(ind: Indicators, indicator: str, codes) -> tuple[int, int] | int:
    """The value a target is about: a count, or (within, decided) for the screening share."""
    part = _part(codes)
    if indicator == TargetIndicator.SCREENING:
        s = ind.screening[part]
        return s.within, s.decided
    if indicator == TargetIndicator.PERSONS:
        return ind.persons_total if part == "total" else ind.persons[AREA]
    source = TARGET_SOURCES[TargetIndicator(indicator)]
    if source is None:
        return sum(ind.signals.values()) if part == "total" else ind.signals[AREA]
    counts = ind.by_source.get(source, {})
    return sum(counts.values()) if part == "total" else counts.get(AREA, 0)


@dataclass
class Progress:
    target: Target
    judgement: str
    current: object  # published value
    baseline: object = ""
    change: str = "—"
    trend: list = field(default_factory=list)  # [(label, value or None, baseline or None)]

    @property
    def judgement_label(self) -> str:
        return str(Judgement(self.judgement).label)

    @property
    def target_text(self) -> str:
        t = self.target
        if t.kind == TargetKind.CHANGE:
            return _("%(v)s%% on %(b)s") % {"v": f"{t.value:+.0f}", "b": t.baseline_year}
        return _("at least %(v)s%%") % {"v": f"{t.value:.0f}"}


def _count(n: int):
    return PRIMARY if 0 < n < K else n


def _span(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """1 January of ``year`` up to today's day of the year (the whole year once past)."""
    if year < today.year:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    end = today if year == today.year else dt.date(year, 1, 1)
    return dt.date(year, 1, 1), end


def progress(
    *,
    target: Target,
    municipality: str,
    codes: set[str],
    today: dt.date,
    facts: Facts | None = None,
) -> Progress:
    """Where one target stands; ``facts`` must cover the target year and its base year."""
    if facts is None:
        facts = facts_for(
            municipality=municipality, years=[target.year, target.baseline_year or target.year]
        )
    start, end = _span(target.year, today)
    current_period = _custom(start, end)
    cur = measure(
        indicators(municipality=municipality, codes=codes, period=current_period, facts=facts),
        target.indicator,
        codes,
    )
    trend = []
    for q in (1, 2, 3, 4):
        period = Period(target.year, q)
        if period.date_from > today:
            value = None
        else:
            value = measure(
                indicators(municipality=municipality, codes=codes, period=period, facts=facts),
                target.indicator,
                codes,
            )
        base = None
        if target.baseline_year:
            base = measure(
                indicators(
                    municipality=municipality,
                    codes=codes,
                    period=Period(target.baseline_year, q),
                    facts=facts,
                ),
                target.indicator,
                codes,
            )
        trend.append((f"Q{q}", _plot(value), _plot(base)))
    if target.kind == TargetKind.SHARE:
        within, decided = cur
        if decided < K:
            return Progress(target, Judgement.GREY, _count(decided), trend=trend)
        share = 100 * within / decided
        goal = float(target.value)
        judgement = (
            Judgement.GREEN
            if share >= goal
            else Judgement.AMBER
            if share >= goal - AMBER_SHARE_POINTS
            else Judgement.RED
        )
        return Progress(target, judgement, f"{share:.0f}%", trend=trend)
    base_start = start.replace(year=target.baseline_year)
    base_end = _same_day(end, target.baseline_year)
    base = measure(
        indicators(
            municipality=municipality,
            codes=codes,
            period=_custom(base_start, base_end),
            facts=facts,
        ),
        target.indicator,
        codes,
    )
    if base < K:
        return Progress(target, Judgement.GREY, _count(cur), _count(base), trend=trend)
    change = 100 * (cur - base) / base
    goal = float(target.value)
    ratio = change / goal if goal else (1 if change >= 0 else -1)
    judgement = (
        Judgement.GREEN if ratio >= 1 else Judgement.AMBER if ratio >= 0.5 else Judgement.RED
    )
    return Progress(target, judgement, _count(cur), _count(base), f"{change:+.0f}%", trend)


def _plot(value):
    """A trend point only where the published figure is a number: a share from 10
    decisions, a count of 0 or from 10 (a plotted 1-9 would undo the suppression)."""
    if value is None:
        return None
    if isinstance(value, tuple):
        within, decided = value
        return round(100 * within / decided) if decided >= K else None
    return value if value == 0 or value >= K else None


def _same_day(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return dt.date(year, 2, 28)


def _custom(start: dt.date, end: dt.date) -> Span:
    return Span(start, end)
