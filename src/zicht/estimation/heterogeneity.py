"""Log-linear models for catchability that varies between people and is shared across lists.

Heterogeneity - some people are easier to find than others on *every* list - cannot be seen
in a single overlap, but it leaves a mark on the table as a whole: people on many lists are
more common than the two-list terms predict. Darroch, Fienberg, Glonek & Junker (1993) showed
that a Rasch model for the probability that person ``i`` is on list ``j``,
``logit p_ij = alpha_i + beta_j`` with the person effects ``alpha_i`` drawn from any
distribution, gives expected pattern counts that follow a *quasi-symmetric* log-linear model.
Rivest & Levesque (2001) and Rivest & Baillargeon (2007, the R package Rcapture) approximate
the mixing by one extra column in the design, a convex function ``f`` of the number of lists
``c(z) = sum_j z_j`` a pattern is on:

.. math:: \\log \\mu(z) = \\theta_0 + \\sum_j \\theta_j z_j
          + \\sum_{(i,j) \\in M} \\theta_{ij} z_i z_j + \\eta f(c(z)),

with ``f(0) = 0`` so that the unobserved cell still has mean ``exp(theta_0)`` and the estimate
of the total is ``observed + exp(theta_0)``. The forms (Rcapture's names):

* **Darroch**: :math:`f(c) = c^2/2`, Darroch et al.'s quasi-symmetric model. Since
  :math:`c^2/2 = c/2 + \\sum_{i<j} z_i z_j`, it is the model in which every pair of lists has
  the same interaction :math:`\\eta`.
* **Poisson** (``theta`` = 2): :math:`f(c) = \\theta^c - 1`, exact when the capture
  probabilities are small and the person effects are Poisson-type (Rivest & Baillargeon
  2007).
* **Gamma** (``theta`` = 3.5): :math:`f(c) = -\\log(1 + c/\\theta)`, a gamma-mixture
  approximation that allows large heterogeneity (larger estimates).

``Mth`` models keep a separate main effect per list; ``Mh`` models give every list the same
catchability (one column ``c(z)`` instead of the ``K`` list columns). Two-list terms may be
added to either, as in Rivest (2011). Heterogeneity means :math:`\\eta \\ge 0`; a negative
estimate has no mixture behind it, so the model is refitted with :math:`\\eta = 0` (it becomes
``Mt`` or ``M0`` plus the pairs), with a warning - as Rcapture does for Chao's models.

Standard error of the estimate, as Rcapture: :math:`\\sqrt{\\hat n_0 + \\hat n_0^2
\\widehat{\\operatorname{var}}(\\hat\\theta_0)}` with :math:`\\hat n_0 = e^{\\hat\\theta_0}`.

References
----------
Darroch, J. N., Fienberg, S. E., Glonek, G. F. V. and Junker, B. W. (1993). A three-sample
multiple-recapture approach to census population estimation with heterogeneous catchability.
*J. Amer. Statist. Assoc.* 88, 1137-1148.

Rivest, L.-P. and Levesque, T. (2001). Improved log-linear model estimators of abundance in
capture-recapture experiments. *Canadian J. Statist.* 29, 555-572.

Baillargeon, S. and Rivest, L.-P. (2007). Rcapture: loglinear models for capture-recapture in
R. *J. Statist. Software* 19(5).

Rivest, L.-P. (2011). A lower bound model for multiple record systems estimation with
heterogeneous catchability. *Int. J. Biostatistics* 7(1), article 23.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .design import full_design, pair_list, patterns
from .existence import ModelCheck, lp_slack
from .fit import PoissonFit, fit_poisson

__all__ = [
    "HETEROGENEITY_METHODS",
    "HeterogeneityFit",
    "fit_heterogeneity",
    "heterogeneity_column",
    "heterogeneity_design",
]

# method id -> (catchability, form)
HETEROGENEITY_METHODS: dict[str, tuple[str, str]] = {
    "mh-poisson": ("Mh", "poisson"),
    "mh-darroch": ("Mh", "darroch"),
    "mh-gamma": ("Mh", "gamma"),
    "mth-poisson": ("Mth", "poisson"),
    "mth-darroch": ("Mth", "darroch"),
    "mth-gamma": ("Mth", "gamma"),
}
DEFAULT_THETA = {"poisson": 2.0, "gamma": 3.5, "darroch": None}


def heterogeneity_column(c: np.ndarray, form: str, theta: float | None = None) -> np.ndarray:
    """The column :math:`f(c)` for the number of lists ``c`` (see the module docstring)."""
    c = np.asarray(c, dtype=np.float64)
    if form == "darroch":
        return c**2 / 2.0
    given = DEFAULT_THETA.get(form) if theta is None else theta
    t = math.nan if given is None else float(given)  # an unknown form is refused below
    if form == "poisson":
        if not t > 1:
            raise ValueError(f"the Poisson form needs theta > 1, got {t}")
        return t**c - 1.0
    if form == "gamma":
        if not t > 0:
            raise ValueError(f"the gamma form needs theta > 0, got {t}")
        return -np.log1p(c / t)
    raise ValueError(f"unknown heterogeneity form {form!r}; choose poisson, darroch or gamma")


def model_name(catchability: str, form: str, theta: float | None = None) -> str:
    """Rcapture's name of the model, e.g. ``"Mth Darroch"``, ``"Mh Gamma3.5"``."""
    if form == "darroch":
        return f"{catchability} Darroch"
    theta = DEFAULT_THETA[form] if theta is None else float(theta)
    return f"{catchability} {form.capitalize()}{theta:g}"


def heterogeneity_design(
    k: int,
    catchability: str,
    form: str | None,
    theta: float | None = None,
    pairs: tuple[int, ...] = (),
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Design over the ``2**k - 1`` observable cells and its column kinds.

    Columns: intercept; the ``k`` list effects (``Mth``) or the number of lists ``c``
    (``Mh``); the two-list terms in ``pairs``; and ``f(c)`` when ``form`` is given. The second
    value names the kind of each column: ``"intercept"``, ``"list"``, ``"count"``, ``"pair"``,
    ``"eta"``.
    """
    z = patterns(k)
    c = z.sum(axis=1)
    cols = [np.ones(len(c))]
    kinds = ["intercept"]
    if catchability == "Mth":
        cols += [z[:, j] for j in range(k)]
        kinds += ["list"] * k
    elif catchability == "Mh":
        cols.append(c)
        kinds.append("count")
    else:
        raise ValueError(f"catchability must be 'Mh' or 'Mth', got {catchability!r}")
    pair_cols = full_design(k)[:, k + 1 :]
    for p in sorted(pairs):
        cols.append(pair_cols[:, p])
        kinds.append("pair")
    if form is not None:
        cols.append(heterogeneity_column(c, form, theta))
        kinds.append("eta")
    return np.column_stack(cols), tuple(kinds)


def check_design(x: np.ndarray, counts: np.ndarray) -> ModelCheck:
    """Identifiability (full column rank) and existence of the MLE (Fienberg & Rinaldo 2012)
    for a Poisson log-linear model with design ``x`` on all observable cells."""
    identifiable = x.shape[0] >= x.shape[1] and np.linalg.matrix_rank(x) == x.shape[1]
    support = np.asarray(counts) > 0
    exists = lp_slack(x, support, bool(identifiable)) > 1e-9
    return ModelCheck(identifiable=bool(identifiable), exists=bool(exists))


def _fit_checked(x: np.ndarray, counts: np.ndarray) -> tuple[PoissonFit, ModelCheck]:
    """``fit_poisson`` with ``check_design``'s verdict, where a singular information matrix
    at the fitted values also counts as "not identifiable".

    Why: the linear-programming check can pass a table whose fitted means vanish in the
    cells that carry a parameter (found by Hypothesis on sparse strata); inverting the
    information then raised ``LinAlgError`` out of the recommended estimate, which must
    decline with a reason instead. The returned fit is all NaN and not converged."""
    check = check_design(x, counts)
    try:
        return fit_poisson(x, counts), check
    except np.linalg.LinAlgError:
        nan = np.full(x.shape[1], np.nan)
        failed = PoissonFit(
            beta=nan,
            cov=np.full((x.shape[1], x.shape[1]), np.nan),
            mu=np.full(len(counts), np.nan),
            y=np.asarray(counts, dtype=np.float64),
            converged=False,
            n_iter=0,
        )
        return failed, ModelCheck(identifiable=False, exists=check.exists)


@dataclass(frozen=True)
class HeterogeneityFit:
    """A fitted heterogeneity model (see the module docstring).

    Attributes
    ----------
    name : str
        Rcapture's name, e.g. ``"Mth Darroch"``.
    catchability, form : str
        ``"Mh"``/``"Mth"`` and ``"poisson"``/``"darroch"``/``"gamma"``.
    theta : float or None
        Parameter of the Poisson and gamma forms.
    pairs : tuple of int
        Two-list terms in the model.
    fit : PoissonFit
        The Poisson fit over all ``2**K - 1`` observable cells.
    kinds : tuple of str
        Kind of each fitted column (see :func:`heterogeneity_design`).
    eta_at_zero : bool
        The unconstrained estimate of :math:`\\eta` was negative and the model was refitted
        with :math:`\\eta = 0`.
    eta_unconstrained : float
        The unconstrained estimate of :math:`\\eta`.
    check : ModelCheck
        Existence and identifiability of the fitted design.
    """

    name: str
    catchability: str
    form: str
    theta: float | None
    pairs: tuple[int, ...]
    fit: PoissonFit
    kinds: tuple[str, ...]
    observed: int
    eta_at_zero: bool
    eta_unconstrained: float
    check: ModelCheck

    @property
    def hidden(self) -> float:
        """:math:`\\hat n_0 = e^{\\hat\\theta_0}`."""
        return float(np.exp(self.fit.beta[0]))

    @property
    def estimate(self) -> float:
        return self.observed + self.hidden

    @property
    def se_log_hidden(self) -> float:
        return float(np.sqrt(self.fit.cov[0, 0]))

    @property
    def stderr(self) -> float:
        """Rcapture's standard error :math:`\\sqrt{\\hat n_0 + \\hat n_0^2 \\operatorname{var}
        (\\hat\\theta_0)}`."""
        n0 = self.hidden
        return math.sqrt(n0 + n0**2 * float(self.fit.cov[0, 0]))

    @property
    def eta(self) -> float:
        """The heterogeneity parameter (0 when constrained)."""
        return 0.0 if self.eta_at_zero else float(self.fit.beta[-1])

    @property
    def n_params(self) -> int:
        return len(self.kinds)

    @property
    def aic(self) -> float:
        return -2.0 * self.fit.loglik + 2.0 * self.n_params

    @property
    def bic(self) -> float:
        return -2.0 * self.fit.loglik + math.log(max(self.observed, 1)) * self.n_params

    @property
    def df_resid(self) -> int:
        return len(self.fit.y) - self.n_params

    def param_names(self, list_names: tuple[str, ...]) -> tuple[str, ...]:
        """Names of the fitted parameters: ``(Intercept)``, the lists or ``c``, ``A:B``, ``eta``."""
        k = len(list_names)
        pair_names = [f"{list_names[i]}:{list_names[j]}" for i, j in pair_list(k)]
        out = ["(Intercept)"]
        out += list(list_names) if self.catchability == "Mth" else ["c"]
        out += [pair_names[p] for p in sorted(self.pairs)]
        if "eta" in self.kinds:
            out.append("eta")
        return tuple(out)


def fit_heterogeneity(
    k: int,
    counts: np.ndarray,
    method: str = "mth-darroch",
    *,
    theta: float | None = None,
    pairs: tuple[int, ...] = (),
) -> HeterogeneityFit:
    """Fit an ``Mh`` or ``Mth`` heterogeneity model by Poisson maximum likelihood.

    Parameters
    ----------
    k : int
        Number of lists (at least 3: with two lists the heterogeneity column is a linear
        combination of the others).
    counts : ndarray
        Counts of the ``2**k - 1`` observable cells (zeros included).
    method : str
        One of :data:`HETEROGENEITY_METHODS`: ``"mh-poisson"``, ``"mh-darroch"``,
        ``"mh-gamma"``, ``"mth-poisson"``, ``"mth-darroch"``, ``"mth-gamma"``.
    theta : float, optional
        Parameter of the Poisson (default 2) or gamma (default 3.5) form.
    pairs : tuple of int
        Two-list terms to add (indices into :func:`design.pair_list`).

    Returns
    -------
    HeterogeneityFit
        Check ``fit.check.ok`` before using the estimate: a model whose MLE does not exist or
        is not identifiable is returned with that check (and a fit that is not meaningful).
    """
    if method not in HETEROGENEITY_METHODS:
        raise ValueError(
            f"unknown heterogeneity model {method!r}; choose one of "
            + ", ".join(HETEROGENEITY_METHODS)
        )
    if k < 3:
        raise ValueError("heterogeneity models need at least three lists")
    catchability, form = HETEROGENEITY_METHODS[method]
    if form != "darroch" and theta is None:
        theta = DEFAULT_THETA[form]
    counts = np.asarray(counts, dtype=np.float64)
    pairs = tuple(sorted(int(p) for p in pairs))
    x, kinds = heterogeneity_design(k, catchability, form, theta, pairs)
    fit, check = _fit_checked(x, counts)
    eta_hat = float(fit.beta[-1])
    at_zero = False
    if check.ok and eta_hat < 0:
        x, kinds = heterogeneity_design(k, catchability, None, theta, pairs)
        fit, check = _fit_checked(x, counts)
        at_zero = True
    return HeterogeneityFit(
        name=model_name(catchability, form, theta),
        catchability=catchability,
        form=form,
        theta=theta,
        pairs=pairs,
        fit=fit,
        kinds=kinds,
        observed=int(round(counts.sum())),
        eta_at_zero=at_zero,
        eta_unconstrained=eta_hat,
        check=check,
    )
