"""The hidden number: multiple systems estimation on the overlap between source types.

Honest by construction: no number is shown when the data cannot carry one (too few
persons, sources that never overlap, no existing or identifiable estimate).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from zicht.estimation import CaptureHistories, DataError, NoEstimateError, estimate, sensitivity
from zicht.estimation.recommend import recommended
from zicht.insight.selectors import Dataset, capture_table

MIN_PERSONS = 50


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
            "The estimation methods disagree by more than a factor of 2.5, so the data do "
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


def hidden_number(data: Dataset) -> HiddenNumber:
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
    chosen = recommended(histories, seed=0)
    components = [c.to_dict() for c in chosen.components]
    if chosen.reason is not None:
        hidden = _unreliable(observed, str(chosen.reason))
        hidden.lists = lists
        hidden.components = components
        return hidden
    try:
        result = estimate(histories, method="stepwise", ci="quick")
    except (NoEstimateError, ValueError):
        result = None  # the stepwise model is only the description below; not needed
    # the library's threshold table (zicht.estimation.DEFAULT_THRESHOLDS); thresholds at which
    # the stepwise model has no finite, identifiable estimate are left out there
    table = sensitivity(histories, methods=[]).thresholds
    rows = [
        {"pthresh": t.pthresh, "estimate": t.estimate, "ci": list(t.ci), "terms": list(t.terms)}
        for t in table
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
    )
