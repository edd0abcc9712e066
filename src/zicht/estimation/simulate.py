"""Capture histories of simulated populations with a known size, for coverage studies.

Each of the ``N`` people has a catchability multiplier :math:`c_i` and each list ``j`` a base
probability :math:`p_j`. Person ``i`` is on list ``j`` with probability

.. math:: \\pi_{ij} = \\min(0.95,\\; c_i\\, p_j\\, d_{ij}),

where :math:`d_{ij}` carries dependence between lists: with a *referral* from list ``a`` to
list ``b`` (positive dependence), :math:`d_{ib} = r > 1` when ``i`` is on ``a``; with
*avoidance* (negative dependence), :math:`d_{ib} = r < 1`. Lists are drawn in order, so a
referral's source list must come before its target.

Heterogeneous catchability (Otis et al. 1978, model Mh):

* ``"two-class"``: a fraction ``frac`` of the people has multiplier ``ratio`` and the rest 1,
  rescaled so that the mean multiplier is 1;
* ``"lognormal"``: :math:`c_i = \\exp(\\sigma Z_i - \\sigma^2/2)`, :math:`Z_i \\sim N(0, 1)`
  (mean 1).

References
----------
Otis, D. L., Burnham, K. P., White, G. C. and Anderson, D. R. (1978). Statistical inference
from capture data on closed animal populations. *Wildlife Monographs* 62.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .data import CaptureHistories

__all__ = ["Population", "simulate_histories"]


@dataclass(frozen=True)
class Population:
    """A simulated population: size, list probabilities, heterogeneity and dependence.

    ``heterogeneity`` is ``None``, ``("two-class", frac, ratio)`` or ``("lognormal", sigma)``;
    ``dependence`` is a sequence of ``(source, target, factor)`` with ``source < target``.
    """

    n: int
    p: tuple[float, ...]
    heterogeneity: tuple = ()
    dependence: tuple[tuple[int, int, float], ...] = field(default=())

    @property
    def k(self) -> int:
        return len(self.p)


def _multipliers(pop: Population, rng: np.random.Generator) -> np.ndarray:
    het = pop.heterogeneity
    if not het:
        return np.ones(pop.n)
    if het[0] == "two-class":
        _, frac, ratio = het
        easy = rng.random(pop.n) < frac
        c = np.where(easy, float(ratio), 1.0)
        return c / (frac * ratio + (1.0 - frac))
    if het[0] == "lognormal":
        sigma = float(het[1])
        return np.exp(sigma * rng.standard_normal(pop.n) - sigma**2 / 2.0)
    raise ValueError(f"unknown heterogeneity {het[0]!r}")


def simulate_histories(
    pop: Population, seed: int | None = None, list_names: Sequence[str] | None = None
) -> CaptureHistories:
    """Draw one set of capture histories from ``pop`` (the people on no list are dropped)."""
    rng = np.random.default_rng(seed)
    c = _multipliers(pop, rng)
    z = np.zeros((pop.n, pop.k), dtype=np.int64)
    for j, pj in enumerate(pop.p):
        prob = c * pj
        for source, target, factor in pop.dependence:
            if target == j:
                if source >= target:
                    raise ValueError("a dependence's source list must come before its target")
                prob = np.where(z[:, source] == 1, prob * factor, prob)
        z[:, j] = rng.random(pop.n) < np.minimum(prob, 0.95)
    codes = z @ (2 ** np.arange(pop.k))
    counts = np.bincount(codes, minlength=2**pop.k)[1:]
    names = tuple(list_names) if list_names else tuple(chr(ord("A") + j) for j in range(pop.k))
    return CaptureHistories(names, counts)
