"""Charts as SVG, written directly from the numbers they draw: bars, an UpSet chart and
the estimate with its interval. No plotting library runs per request; a chart costs a
few string joins, so the dashboard draws all of them inline in one response.

Each chart is an ``<svg role="img">`` with a ``<title>``, scales to its box (``viewBox``)
and prints; the data table beside it carries the same published figures. Colours and
fonts are presentation attributes, not inline styles, so the page's Content Security
Policy needs no exception. Suppressed cells ("<10", "x") are drawn with no height and
labelled as the table labels them, so a chart never reveals more than its table.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django.utils.html import escape

__all__ = [
    "BAR",
    "MUTED",
    "all_suppressed",
    "bar_chart",
    "estimate_chart",
    "forest_chart",
    "interval_series_chart",
    "sentence_chart",
    "upset_chart",
]

BAR = "#0b5d6b"
LIGHT = "#8fb8bf"
MUTED = "#d5dcde"
INK = "#1f2a2e"
FONT = 'font-family="system-ui, sans-serif"'
CHAR = 6.6  # average width of a character at 11px, for laying out labels

Formatter = Callable[[object], str]


def _numeric(value) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def all_suppressed(values) -> bool:
    """Whether nothing can be drawn: every value hidden ("<10", "x") or zero. Such a chart
    would be an empty axis with overlapping labels; the page shows a sentence instead."""
    return not any(_numeric(v) > 0 for v in values)


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'{FONT} font-size="11" fill="{INK}"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def sentence_chart(title: str, sentence: str) -> str:
    """An image that says in words why there is nothing to draw (for the chart URL; the
    page itself shows the sentence as text)."""
    return _svg(
        560,
        52,
        title,
        [_text(0, 16, title, size=13, extra=' font-weight="600"'), _text(0, 40, sentence)],
    )


def _text(x, y, text, *, anchor="start", size=11, extra="") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"{extra}>'
        f"{escape(text)}</text>"
    )


def bar_chart(
    labels: list[str],
    values: list,
    *,
    title: str,
    horizontal: bool = False,
    number: Formatter = str,
) -> str:
    """Bars for the *published* values, each labelled with its value as ``number`` writes
    it (the reader's thousand separator)."""
    top = max([_numeric(v) for v in values] + [1.0])
    shown = [number(v) for v in values]
    if horizontal:
        label_w = min(220.0, max([len(str(lab)) for lab in labels] + [4]) * CHAR + 8)
        value_w = max([len(s) for s in shown] + [3]) * CHAR + 10
        plot_w = 360.0
        row = 22.0
        width = label_w + plot_w + value_w
        height = 28 + row * len(labels) + 6
        body = [_text(0, 16, title, size=13, extra=' font-weight="600"')]
        for i, (label, value, text) in enumerate(zip(labels, values, shown, strict=True)):
            y = 28 + i * row
            w = plot_w * _numeric(value) / top
            body.append(_text(label_w - 6, y + 15, _clip(str(label), label_w), anchor="end"))
            body.append(
                f'<rect x="{label_w:.1f}" y="{y + 3:.1f}" width="{w:.1f}" height="{row - 6:.1f}" '
                f'fill="{BAR}"/>'
            )
            body.append(_text(label_w + w + 4, y + 15, text))
        return _svg(width, height, title, body)
    col = 34.0
    plot_h = 160.0
    label_h = max([len(str(lab)) for lab in labels] + [4]) * CHAR * 0.72 + 12
    left = label_h - col / 2  # the first label, slanted to the left, stays inside
    width = left + col * len(labels) + 16
    height = 28 + 14 + plot_h + label_h
    base = 28 + 14 + plot_h
    body = [_text(0, 16, title, size=13, extra=' font-weight="600"')]
    for i, (label, value, text) in enumerate(zip(labels, values, shown, strict=True)):
        x = left + i * col
        h = plot_h * _numeric(value) / top
        body.append(
            f'<rect x="{x + 4:.1f}" y="{base - h:.1f}" width="{col - 8:.1f}" height="{h:.1f}" '
            f'fill="{BAR}"/>'
        )
        body.append(_text(x + col / 2, base - h - 4, text, anchor="middle", size=10))
        cx, cy = x + col / 2 + 4, base + 12
        body.append(
            _text(
                cx,
                cy,
                str(label),
                anchor="end",
                size=10,
                extra=f' transform="rotate(-45 {cx:.1f} {cy:.1f})"',
            )
        )
    body.append(
        f'<line x1="{left:.1f}" y1="{base:.1f}" x2="{width - 8:.1f}" y2="{base:.1f}" stroke="{INK}"/>'
    )
    return _svg(width, height, title, body)


def _clip(label: str, room: float) -> str:
    most = int((room - 8) / CHAR)
    return label if len(label) <= most else label[: max(1, most - 1)] + "…"


def estimate_chart(
    observed: float,
    estimate: float,
    low: float,
    high: float,
    *,
    labels: tuple[str, str],
    title: str = "",
    number: Formatter = str,
) -> str:
    """Seen against estimated in total, the estimate with its interval as a whisker."""
    label_w = max(len(labels[0]), len(labels[1])) * CHAR + 12
    plot_w = 380.0
    top = max(high, estimate, observed, 1.0) * 1.05
    width = label_w + plot_w + 20
    height = 28 + 2 * 30 + 24
    body = [_text(0, 16, title, size=13, extra=' font-weight="600"')] if title else []

    def x(v: float) -> float:
        return label_w + plot_w * v / top

    for i, (label, value, colour) in enumerate(
        ((labels[0], observed, BAR), (labels[1], estimate, LIGHT))
    ):
        y = 28 + i * 30
        body.append(_text(label_w - 6, y + 17, label, anchor="end"))
        body.append(
            f'<rect x="{label_w:.1f}" y="{y + 4:.1f}" width="{x(value) - label_w:.1f}" '
            f'height="20" fill="{colour}"/>'
        )
    y = 28 + 30 + 14
    body.append(
        f'<line x1="{x(low):.1f}" y1="{y:.1f}" x2="{x(high):.1f}" y2="{y:.1f}" stroke="{INK}" '
        f'stroke-width="1.5"/>'
    )
    for end in (low, high):
        body.append(
            f'<line x1="{x(end):.1f}" y1="{y - 7:.1f}" x2="{x(end):.1f}" y2="{y + 7:.1f}" '
            f'stroke="{INK}" stroke-width="1.5"/>'
        )
    axis = 28 + 60 + 4
    body.append(
        f'<line x1="{label_w:.1f}" y1="{axis:.1f}" x2="{label_w + plot_w:.1f}" y2="{axis:.1f}" '
        f'stroke="{INK}"/>'
    )
    for v in (0.0, observed, high):
        body.append(_text(x(v), axis + 14, number(round(v)), anchor="middle", size=10))
    return _svg(width, height, title or f"{labels[0]} / {labels[1]}", body)


def upset_chart(
    combinations: list[tuple[str, ...]],
    values: list,
    *,
    sets: list[str],
    title: str,
    ylabel: str,
    number: Formatter = str,
) -> str:
    """An UpSet chart: one bar per combination of sources (persons seen by exactly that
    combination, as published, so "<10" stays "<10"), and under it a dot matrix whose
    filled, joined dots say which sources the combination is made of. Unlike a Venn
    diagram it stays readable with seven sources."""
    label_w = max([len(s) for s in sets] + [len(ylabel)]) * CHAR + 12
    col = 30.0
    plot_h = 150.0
    row = 18.0
    top = max([_numeric(v) for v in values] + [1.0])
    width = label_w + col * len(combinations) + 10
    base = 28 + 14 + plot_h
    height = base + 8 + row * len(sets) + 6
    body = [
        _text(0, 16, title, size=13, extra=' font-weight="600"'),
        _text(label_w - 6, base - plot_h / 2, ylabel, anchor="end"),
    ]
    for i, (combination, value) in enumerate(zip(combinations, values, strict=True)):
        x = label_w + i * col
        h = plot_h * _numeric(value) / top
        body.append(
            f'<rect x="{x + 4:.1f}" y="{base - h:.1f}" width="{col - 8:.1f}" height="{h:.1f}" '
            f'fill="{BAR}"/>'
        )
        body.append(_text(x + col / 2, base - h - 4, number(value), anchor="middle", size=10))
        rows = [sets.index(s) for s in combination if s in sets]
        cx = x + col / 2
        if len(rows) > 1:
            body.append(
                f'<line x1="{cx:.1f}" y1="{base + 8 + row * min(rows) + row / 2:.1f}" '
                f'x2="{cx:.1f}" y2="{base + 8 + row * max(rows) + row / 2:.1f}" '
                f'stroke="{BAR}" stroke-width="2"/>'
            )
        for j in range(len(sets)):
            colour = BAR if j in rows else MUTED
            body.append(
                f'<circle cx="{cx:.1f}" cy="{base + 8 + row * j + row / 2:.1f}" r="5" '
                f'fill="{colour}"/>'
            )
    for j, name in enumerate(sets):
        body.append(_text(label_w - 6, base + 8 + row * j + row / 2 + 4, name, anchor="end"))
    return _svg(width, height, title, body)


def forest_chart(
    rows: list[tuple[str, float | None, float | None, float | None, str]],
    *,
    band: tuple[float, float] | None,
    title: str,
    number: Formatter = str,
) -> str:
    """A forest plot: one row per method, its estimate as a dot and its interval as a line,
    over the recommended interval as a shaded band. ``rows`` are ``(label, estimate, low,
    high, words)``; a method without an estimate has ``None`` numbers and its ``words``
    (why not) are written in the row instead, so a gap is never silent."""
    label_w = min(330.0, max([len(r[0]) for r in rows] + [6]) * CHAR + 12)
    plot_w = 380.0
    row_h = 24.0
    drawn = [v for r in rows if r[1] is not None for v in (r[2], r[3])]
    if band:
        drawn += list(band)
    low = min(drawn) if drawn else 0.0
    high = max(drawn + [1.0])
    pad = (high - low) * 0.05 or 1.0
    low, high = max(0.0, low - pad), high + pad
    top = 28.0
    width = label_w + plot_w + 20
    height = top + row_h * len(rows) + 30

    def x(v: float) -> float:
        return label_w + plot_w * (v - low) / (high - low)

    body = [_text(0, 16, title, size=13, extra=' font-weight="600"')]
    if band:
        body.append(
            f'<rect x="{x(band[0]):.1f}" y="{top:.1f}" width="{x(band[1]) - x(band[0]):.1f}" '
            f'height="{row_h * len(rows):.1f}" fill="{MUTED}"/>'
        )
    for i, (label, estimate, lo, hi, words) in enumerate(rows):
        y = top + i * row_h + row_h / 2
        body.append(_text(label_w - 6, y + 4, _clip(label, label_w), anchor="end"))
        if estimate is None:
            body.append(_text(label_w + 4, y + 4, words, size=10, extra=' font-style="italic"'))
            continue
        body.append(
            f'<line x1="{x(lo):.1f}" y1="{y:.1f}" x2="{x(hi):.1f}" y2="{y:.1f}" '
            f'stroke="{INK}" stroke-width="1.5"/>'
        )
        body.append(f'<circle cx="{x(estimate):.1f}" cy="{y:.1f}" r="4" fill="{BAR}"/>')
    axis = top + row_h * len(rows) + 4
    body.append(
        f'<line x1="{label_w:.1f}" y1="{axis:.1f}" x2="{label_w + plot_w:.1f}" y2="{axis:.1f}" '
        f'stroke="{INK}"/>'
    )
    for v in (low, (low + high) / 2, high):
        body.append(_text(x(v), axis + 14, number(round(v)), anchor="middle", size=10))
    return _svg(width, height, title, body)


def _nice(value: float) -> float:
    """The first round number at or above ``value`` (1, 2, 2.5 or 5 times a power of ten),
    so the scale's ticks read 0, 1.000, 2.000 rather than 0, 1.024, 2.048."""
    power = 10 ** math.floor(math.log10(value)) if value > 0 else 1
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def interval_series_chart(
    points: list[tuple[str, float | None, float | None, float | None]],
    *,
    title: str,
    gap: str,
    number: Formatter = str,
) -> str:
    """One small chart of a series over time (a municipality's half-years): per period
    ``(short label, estimate, low, high)`` a dot with its interval as a vertical line, on
    a scale from 0 of its own. A period without a number (``None``: suppressed or
    declined) is a gap marked ``gap`` under its label, never a dot at zero; why is in the
    data table beside it. Small (about 270 by 185 for five half-years), so several sit
    side by side on a laptop and one per line on a phone."""
    col = 44.0
    left = 46.0
    top = 30.0
    plot_h = 110.0
    width = max(220.0, left + col * len(points) + 10)
    height = top + plot_h + 44
    drawn = [hi for _label, est, _lo, hi in points if est is not None and hi is not None]
    high = _nice(max(drawn + [1.0]))
    base = top + plot_h

    def y(v: float) -> float:
        return base - plot_h * v / high

    body = [_text(0, 16, title, size=13, extra=' font-weight="600"')]
    for v in (0.0, high / 2, high):
        body.append(
            f'<line x1="{left:.1f}" y1="{y(v):.1f}" x2="{width - 6:.1f}" y2="{y(v):.1f}" '
            f'stroke="{MUTED}"/>'
        )
        body.append(_text(left - 4, y(v) + 4, number(round(v)), anchor="end", size=10))
    for i, (label, estimate, low, hi) in enumerate(points):
        cx = left + col * i + col / 2
        body.append(_text(cx, base + 14, label, anchor="middle", size=10))
        if estimate is None or low is None or hi is None:
            body.append(
                _text(cx, base + 28, gap, anchor="middle", size=10, extra=' font-style="italic"')
            )
            continue
        body.append(
            f'<line x1="{cx:.1f}" y1="{y(low):.1f}" x2="{cx:.1f}" y2="{y(hi):.1f}" '
            f'stroke="{INK}" stroke-width="1.5"/>'
        )
        body.append(f'<circle cx="{cx:.1f}" cy="{y(estimate):.1f}" r="4" fill="{BAR}"/>')
    return _svg(width, height, title, body)
