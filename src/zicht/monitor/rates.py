"""Rates per 10,000 young people with exact Poisson intervals, and the small-multiple
chart that shows them side by side without ranking.

The interval of a count n is Garwood's exact 95% interval::

    lower = chi2.ppf(0.025, 2n) / 2,   upper = chi2.ppf(0.975, 2(n + 1)) / 2

divided by the population and multiplied by 10,000 (Garwood 1936, Biometrika 28:437-442;
Ulm 1990, Am J Epidemiol 131:373-375). A count of 1-9 is suppressed, and so is its rate:
with the population published, the rate would give the count back.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from scipy.stats import chi2

from zicht.core.suppression import PRIMARY, K
from zicht.monitor.constants import PER


@dataclass
class Rate:
    count: object  # published count
    rate: float | None = None
    low: float | None = None
    high: float | None = None


def poisson_interval(n: int, level: float = 0.95) -> tuple[float, float]:
    alpha = 1 - level
    low = 0.0 if n == 0 else chi2.ppf(alpha / 2, 2 * n) / 2
    high = chi2.ppf(1 - alpha / 2, 2 * (n + 1)) / 2
    return float(low), float(high)


def rate(n: int, population: int | None) -> Rate:
    if 0 < n < K:
        return Rate(PRIMARY)
    if not population:
        return Rate(n)
    low, high = poisson_interval(n)
    return Rate(n, n / population * PER, low / population * PER, high / population * PER)


def small_multiple(
    r: Rate, *, axis_max: float, reference: float | None, title: str, width: int = 260
) -> str:
    """One panel: the rate as a dot with its interval as a line, on an axis shared by all
    panels, with the programme-wide rate as a dashed line. Presentation attributes only
    (no style), so it can sit inline in a page under the site's CSP."""
    height, pad = 44, 10

    def x(v: float) -> float:
        return pad + (width - 2 * pad) * min(v, axis_max) / axis_max if axis_max else pad

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f'<line x1="{pad}" y1="30" x2="{width - pad}" y2="30" stroke="#888" stroke-width="1"/>',
    ]
    if reference is not None:
        parts.append(
            f'<line x1="{x(reference):.1f}" y1="8" x2="{x(reference):.1f}" y2="38" '
            'stroke="#555" stroke-dasharray="3,3" stroke-width="1"/>'
        )
    if r.rate is not None:
        parts.append(
            f'<line x1="{x(r.low):.1f}" y1="20" x2="{x(r.high):.1f}" y2="20" '
            'stroke="#1f4e79" stroke-width="3"/>'
        )
        parts.append(f'<circle cx="{x(r.rate):.1f}" cy="20" r="5" fill="#1f4e79"/>')
    parts.append("</svg>")
    return "".join(parts)
