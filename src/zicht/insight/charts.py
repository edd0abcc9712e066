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


def bar_chart(
    labels: list[str], values: list[float], *, title: str, horizontal: bool = False
) -> str:
    """Bars for the *published* (suppressed) values: suppressed cells are drawn as 0 height
    with a hatched marker, so the chart reveals nothing the table does not."""
    numeric = [v if isinstance(v, int | float) else 0 for v in values]
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.35 * len(labels)) if horizontal else 3.2))
    if horizontal:
        ax.barh(labels, numeric, color=BAR)
        ax.invert_yaxis()
    else:
        ax.bar(labels, numeric, color=BAR)
        ax.tick_params(axis="x", labelrotation=45)
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
