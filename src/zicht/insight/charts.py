"""Server-rendered SVG charts (matplotlib, Agg backend); a data table sits beside each."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BAR = "#0b5d6b"


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _numeric(values) -> list[float]:
    return [v if isinstance(v, int | float) else 0 for v in values]


def _published(value) -> str:
    return f"{value:,}".replace(",", "\u2009") if isinstance(value, int) else str(value)


def bar_chart(
    labels: list[str], values: list[float], *, title: str, horizontal: bool = False
) -> str:
    """Bars for the *published* (suppressed) values: a suppressed cell is drawn with no
    height and labelled as the table labels it ("<10"), so the chart reveals nothing the
    table does not."""
    numeric = _numeric(values)
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.35 * len(labels)) if horizontal else 3.2))
    if horizontal:
        bars = ax.barh(labels, numeric, color=BAR)
        ax.invert_yaxis()
    else:
        bars = ax.bar(labels, numeric, color=BAR)
        ax.tick_params(axis="x", labelrotation=45)
    ax.bar_label(bars, labels=[_published(v) for v in values], padding=2, fontsize=8)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def estimate_chart(
    observed: int, estimate: float, low: float, high: float, *, labels: tuple[str, str]
) -> str:
    fig, ax = plt.subplots(figsize=(7, 1.8))
    ax.barh([labels[0]], [observed], color=BAR)
    ax.barh(
        [labels[1]],
        [estimate],
        color="#8fb8bf",
        xerr=[[estimate - low], [high - estimate]],
        capsize=6,
    )
    ax.invert_yaxis()
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def upset_chart(
    combinations: list[tuple[str, ...]],
    values: list,
    *,
    sets: list[str],
    title: str,
    ylabel: str,
) -> str:
    """An UpSet chart: one bar per combination of sources (persons seen by exactly that
    combination, as published, so "<10" stays "<10"), and under it a dot matrix whose
    filled, joined dots say which sources the combination is made of. Unlike a Venn
    diagram it stays readable with seven sources."""
    numeric = _numeric(values)
    width = max(5.0, 0.45 * len(combinations) + 2.5)
    fig, (top, matrix) = plt.subplots(
        2,
        1,
        sharex=True,
        figsize=(width, 2.8 + 0.32 * len(sets)),
        gridspec_kw={"height_ratios": [3, max(1.0, 0.3 * len(sets))], "hspace": 0.05},
    )
    xs = list(range(len(combinations)))
    bars = top.bar(xs, numeric, color=BAR)
    top.bar_label(bars, labels=[_published(v) for v in values], padding=2, fontsize=8)
    top.set_title(title)
    top.set_ylabel(ylabel)
    top.spines[["top", "right", "bottom"]].set_visible(False)
    top.tick_params(axis="x", bottom=False)
    for x, combination in enumerate(combinations):
        rows = [sets.index(s) for s in combination if s in sets]
        matrix.scatter(
            [x] * len(sets),
            range(len(sets)),
            s=36,
            color=[BAR if i in rows else "#d5dcde" for i in range(len(sets))],
            zorder=2,
        )
        if len(rows) > 1:
            matrix.plot([x, x], [min(rows), max(rows)], color=BAR, linewidth=2, zorder=1)
    matrix.set_yticks(range(len(sets)), sets)
    matrix.set_ylim(len(sets) - 0.5, -0.5)
    matrix.set_xticks([])
    matrix.spines[["top", "right", "bottom", "left"]].set_visible(False)
    matrix.tick_params(axis="y", left=False)
    return _svg(fig)
