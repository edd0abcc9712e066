"""The hidden number: multiple systems estimation on the overlap between source types.

Honest by construction: no number is shown when the data cannot carry one (too few
persons, sources that never overlap, no existing or identifiable estimate).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from zicht.estimation import CaptureHistories, DataError, NoEstimateError, estimate, sensitivity
from zicht.estimation.recommend import recommended
from zicht.insight.selectors import Dataset, capture_table

MIN_PERSONS = 50

# The methods of the forest plot ("How sure the number is", issue 14), in the order drawn:
# the three the recommended estimate combines plus best-BIC, BIC averaging and decomposable
# graph averaging. All are computed in the background refresh, never per request.
FOREST_METHODS = ("stepwise", "best-bic", "average-aic", "average-bic", "lcmcr", "dga")
# dga averages over every decomposable graph: on more sources it takes tens of seconds or
# more per estimate, so above this many it is left out with a note in its row.
DGA_MAX_LISTS = 5


@dataclass
class HiddenNumber:
    observed: int
    reliable: bool
    reason: str = ""  # in the language active when computed; show reason_text() instead
    reason_code: str = ""
    reason_detail: str = ""
    estimate: float | None = None
    ci: tuple[float, float] | None = None
    hidden: float | None = None
    model_terms: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    sensitivity: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The methods the recommended estimate combined: [{method, estimate, ci, used, note}].
    components: list[dict] = field(default_factory=list)
    # The forest plot: one row per method of FOREST_METHODS,
    # {method, status ("ok", "declined", "skipped", "not available"), estimate, ci, note}.
    methods: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _reasons() -> dict:
    return {
        "too_few": lambda _detail: (
            _("Too few persons (fewer than %(n)s) for an estimate.") % {"n": MIN_PERSONS}
        ),
        "one_source": lambda _detail: _("At least two kinds of source are needed."),
        "no_overlap": lambda _detail: _("The sources never overlap, so nothing can be estimated."),
        "no_estimate": lambda detail: (
            _("No estimate exists for these data: %(why)s") % {"why": detail}
            if detail
            else _("None of the methods gave an estimate for these data.")
        ),
        # Declines of the library's recommended estimate (zicht.estimation.recommend.Reason).
        "two_lists": lambda _detail: _(
            "With only two kinds of source, differences in how visible young people are "
            "cannot be checked, so no number is given."
        ),
        "methods_disagree": lambda _detail: _(
            "The estimation methods disagree by more than a factor of 3, so the data do "
            "not support one number."
        ),
        "not_converged": lambda _detail: _(
            "The latent-class method did not settle on an answer and no other method gave one."
        ),
        "unbounded": lambda _detail: _(
            "The interval has no upper limit: the data cannot rule out a very large hidden group."
        ),
    }


def reason_text(result: dict) -> str:
    """Why there is no estimate, in the reader's language (a cached result was computed
    in whatever language the request or the nightly task had)."""
    reason = _reasons().get(result.get("reason_code", ""))
    return str(reason(result.get("reason_detail", ""))) if reason else result.get("reason", "")


def _unreliable(observed: int, code: str, detail: str = "") -> HiddenNumber:
    hidden = HiddenNumber(observed, False, reason_code=code, reason_detail=detail)
    hidden.reason = reason_text(hidden.to_dict())
    return hidden


def hidden_number(data: Dataset, *, detail: bool = True) -> HiddenNumber:
    """The recommended estimate of ``data``, or a reasoned decline. ``detail`` adds the
    forest-plot rows and the threshold table (one more library call); the per-period
    estimates leave them out."""
    lists, table = capture_table(data)
    observed = sum(table.values())
    if observed < MIN_PERSONS:
        return _unreliable(observed, "too_few")
    if len(lists) < 2:
        return _unreliable(observed, "one_source")
    overlaps = sum(n for pattern, n in table.items() if sum(pattern) >= 2)
    if overlaps == 0:
        return _unreliable(observed, "no_overlap")
    try:
        histories = CaptureHistories.from_patterns(list(table), list(table.values()), lists)
    except (DataError, ValueError) as exc:
        return _unreliable(observed, "no_estimate", str(exc))
    # The headline is the library's recommended estimate (docs/estimation.md): the median
    # of stepwise, model averaging and a latent-class model, with the envelope of their
    # intervals, or a reasoned decline when they disagree. Seeded, so a refresh of the
    # same data gives the same number.
    try:
        chosen = recommended(histories, seed=0)
    except (np.linalg.LinAlgError, ArithmeticError, ValueError) as exc:
        # A model the library could not fit on these data (a singular information
        # matrix on a small municipality's half-year, seen at 30,000 signals): a reasoned
        # decline, not a crash of the whole background refresh.
        return _unreliable(observed, "no_estimate", str(exc))
    components = [c.to_dict() for c in chosen.components]
    if not detail:
        if chosen.reason is not None:
            return _unreliable(observed, str(chosen.reason))
        return HiddenNumber(
            observed=observed,
            reliable=True,
            estimate=float(chosen.estimate),
            ci=(float(chosen.ci[0]), float(chosen.ci[1])),
            hidden=float(chosen.estimate - observed),
            lists=lists,
        )
    # The threshold table and the methods the recommended estimate did not already fit,
    # in one library call (zicht.estimation.DEFAULT_THRESHOLDS); thresholds at which the
    # stepwise model has no finite, identifiable estimate are left out there.
    extra = [m for m in FOREST_METHODS if m not in {c["method"] for c in components}]
    if len(lists) > DGA_MAX_LISTS:
        extra.remove("dga")
    table = sensitivity(histories, methods=extra, seed=0)
    methods = _forest_rows(components, table, len(lists))
    if chosen.reason is not None:
        hidden = _unreliable(observed, str(chosen.reason))
        hidden.lists = lists
        hidden.components = components
        hidden.methods = methods  # most telling when the methods disagree
        return hidden
    try:
        result = estimate(histories, method="stepwise", ci="quick")
    except (NoEstimateError, ValueError):
        result = None  # the stepwise model is only the description below; not needed
    rows = [
        {"pthresh": t.pthresh, "estimate": t.estimate, "ci": list(t.ci), "terms": list(t.terms)}
        for t in table.thresholds
    ]
    return HiddenNumber(
        observed=observed,
        reliable=True,
        estimate=float(chosen.estimate),
        ci=(float(chosen.ci[0]), float(chosen.ci[1])),
        hidden=float(chosen.estimate - observed),
        model_terms=list(result.model_terms) if result is not None else [],
        lists=lists,
        sensitivity=rows,
        warnings=[str(w) for w in chosen.warnings],
        components=components,
        methods=methods,
    )


def _forest_rows(components: list[dict], table, n_lists: int) -> list[dict]:
    """One row per method of FOREST_METHODS: the recommended estimate's own components
    (so the plot shows exactly what it combined) and the library's sensitivity rows for the
    others. dga above DGA_MAX_LISTS sources is a "skipped" row, not a silent gap."""
    by_method = {c["method"]: c for c in components}
    for row in table.methods:
        d = row.to_dict()
        by_method[d["method"]] = {
            "method": d["method"],
            "estimate": d["estimate"],
            "ci": d["ci"],
            "note": d["note"],
            "status": d["status"],
        }
    rows = []
    for method in FOREST_METHODS:
        found = by_method.get(method)
        if found is None:
            if method == "dga" and n_lists > DGA_MAX_LISTS:
                rows.append(
                    {
                        "method": method,
                        "status": "skipped",
                        "estimate": None,
                        "ci": None,
                        "note": "dga_lists",
                    }
                )
            continue
        status = found.get("status") or ("ok" if found.get("estimate") is not None else "declined")
        values = [found.get("estimate"), *(found.get("ci") or [None, None])]
        ok = status == "ok" and all(isinstance(v, int | float) and math.isfinite(v) for v in values)
        rows.append(
            {
                "method": method,
                "status": status if ok or status != "ok" else "unbounded",
                "estimate": found["estimate"] if ok else None,
                "ci": list(found["ci"]) if ok else None,
                "note": found.get("note", ""),
            }
        )
    return rows


def half_years(first: dt.date, last: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """``(label, start, end)`` of every half-year from the one holding ``first`` to the one
    holding ``last``; the label is "2025-H1"."""
    periods = []
    year, half = first.year, 1 if first.month <= 6 else 2
    while (year, half) <= (last.year, 1 if last.month <= 6 else 2):
        start = dt.date(year, 1 if half == 1 else 7, 1)
        end = dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)
        periods.append((f"{year}-H{half}", start, end))
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return periods


def period_numbers(data: Dataset, *, span: tuple[dt.date, dt.date] | None = None) -> list[dict]:
    """The hidden number per half-year by contact date, each the recommended estimate of
    the signals of that half-year alone (declined, with its reason code, where the data
    of a half-year cannot carry a number). Computed in the background refresh of the
    national estimate: a few model fits, too slow for a request. ``span`` (first and last
    contact date) sets the half-years, so several municipalities share the same ones."""
    dates = [s["contact_date"] for s in data.signals if s.get("contact_date")]
    if not dates:
        return []
    first, last = span or (min(dates), max(dates))
    rows = []
    for label, start, end in half_years(first, last):
        part = Dataset(
            [
                s
                for s in data.signals
                if s.get("contact_date") and start <= s["contact_date"] <= end
            ],
            data.person_of,
            data.base,
        )
        number = hidden_number(part, detail=False)
        rows.append(
            {
                "period": label,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "observed": number.observed,
                "reliable": number.reliable,
                "reason_code": number.reason_code,
                "estimate": number.estimate,
                "ci": list(number.ci) if number.ci else None,
            }
        )
    return rows


def municipal_period_numbers(data: Dataset) -> list[dict]:
    """The hidden number per municipality (where the young person lives) and half-year,
    over the same half-years as the national series. A municipality with fewer than
    MIN_PERSONS young people over the whole period gets no series at all (reason
    "too_few", no model fitted); within a series every half-year that cannot carry a
    number is declined with its reason, as nationally. Signals without a municipality
    are left out. Background only, like period_numbers()."""
    dates = [s["contact_date"] for s in data.signals if s.get("contact_date")]
    if not dates:
        return []
    span = (min(dates), max(dates))
    by_municipality: dict = {}
    for s in data.signals:
        if s.get("municipality_id"):
            key = (s["municipality_id"], s.get("municipality__name") or s["municipality_id"])
            by_municipality.setdefault(key, []).append(s)
    rows = []
    for (code, name), signals in sorted(by_municipality.items(), key=lambda kv: kv[0][1]):
        part = Dataset(signals, data.person_of, data.base)
        observed = len(part.persons())
        row = {"municipality": code, "name": name, "observed": observed}
        if observed < MIN_PERSONS:
            rows.append({**row, "reliable": False, "reason_code": "too_few", "periods": []})
        else:
            periods = period_numbers(part, span=span)
            reliable = any(p["reliable"] for p in periods)
            rows.append({**row, "reliable": reliable, "reason_code": "", "periods": periods})
    return rows
