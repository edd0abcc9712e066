"""Two-list estimators: Lincoln-Petersen and Chapman.

With ``n1`` and ``n2`` cases on the two lists and ``m`` on both:

* Lincoln-Petersen: :math:`\\hat N = n_1 n_2 / m`, with variance
  :math:`n_1 n_2 (n_1 - m)(n_2 - m) / m^3` (undefined when ``m = 0``);
* Chapman: :math:`\\hat N = (n_1 + 1)(n_2 + 1)/(m + 1) - 1`, with variance
  :math:`(n_1+1)(n_2+1)(n_1-m)(n_2-m) / ((m+1)^2 (m+2))` (Seber 1970).

The intervals are :math:`\\hat N \\pm z_{1-\\alpha/2}\\sqrt{\\hat V}`, with the lower end not
below the number observed. The Lincoln-Petersen estimate equals the main-effects log-linear
estimate for two lists.

References
----------
Chapman, D. G. (1951). Some properties of the hypergeometric distribution with applications to
zoological sample censuses. *Univ. California Publ. Statist.* 1, 131-160.

Seber, G. A. F. (1970). The effects of trap response on tag recapture estimates.
*Biometrics* 26, 13-22.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._special import ndtri

__all__ = ["TwoListEstimate", "chapman", "lincoln_petersen"]


@dataclass(frozen=True)
class TwoListEstimate:
    """A two-list estimate with its variance and normal interval."""

    estimate: float
    variance: float
    ci: tuple[float, float]
    n1: int
    n2: int
    m: int
    observed: int


def _counts(n1: int, n2: int, m: int) -> None:
    if min(n1, n2, m) < 0 or m > min(n1, n2):
        raise ValueError(f"inconsistent two-list counts n1={n1}, n2={n2}, m={m}")


def _interval(est: float, var: float, observed: int, level: float) -> tuple[float, float]:
    z = ndtri(0.5 + level / 2.0)
    half = z * math.sqrt(var)
    return (max(float(observed), est - half), est + half)


def lincoln_petersen(n1: int, n2: int, m: int, level: float = 0.95) -> TwoListEstimate:
    """Lincoln-Petersen estimate ``n1 n2 / m`` (raises ``ValueError`` when ``m == 0``)."""
    _counts(n1, n2, m)
    if m == 0:
        raise ValueError("the Lincoln-Petersen estimate is infinite: the two lists do not overlap")
    est = n1 * n2 / m
    var = n1 * n2 * (n1 - m) * (n2 - m) / m**3
    observed = n1 + n2 - m
    return TwoListEstimate(est, var, _interval(est, var, observed, level), n1, n2, m, observed)


def chapman(n1: int, n2: int, m: int, level: float = 0.95) -> TwoListEstimate:
    """Chapman's nearly unbiased estimate ``(n1+1)(n2+1)/(m+1) - 1``."""
    _counts(n1, n2, m)
    est = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    observed = n1 + n2 - m
    return TwoListEstimate(est, var, _interval(est, var, observed, level), n1, n2, m, observed)
