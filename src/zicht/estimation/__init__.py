"""Multiple systems estimation (MSE): how many people are missed by every list?

Pure Python on numpy/scipy (numba for the inner Newton loop and the LCMCR sampler); no
Django. Bayesian estimators: :func:`lcmcr` (latent classes) and :func:`dga` (graph averaging).

>>> from zicht.estimation import CaptureHistories, estimate
>>> h = CaptureHistories.from_csv("UKdat_5.csv")          # doctest: +SKIP
>>> r = estimate(h, method="stepwise", ci="quick")         # doctest: +SKIP
>>> r.estimate, r.ci, r.model_terms                        # doctest: +SKIP
>>> print(r.summary())                                     # doctest: +SKIP

References
----------
Chan, L., Silverman, B. W. and Vincent, K. (2019). Multiple systems estimation for sparse
capture data: inferential challenges when there are nonoverlapping lists. arXiv:1902.05156.
"""

from .api import (
    CI_METHODS,
    METHODS,
    NoEstimateError,
    estimate,
    fit_all_models,
    parse_terms,
)

# The Bayesian estimators are plain modules (a few milliseconds to import; the numba sampler
# is compiled or loaded from cache only on the first call of lcmcr). They are imported here
# rather than through a lazy module __getattr__, because a lazy attribute named like its
# submodule (zicht.estimation.lcmcr) is shadowed by the module once that is imported.
from .bayes import BayesianEstimate  # noqa: E402
from .bootstrap import BootstrapInfo
from .data import CaptureHistories, DataError, DataWarning, read_strata_csv
from .dga import dga  # noqa: E402
from .existence import ModelCheck, check_model
from .heterogeneity import HETEROGENEITY_METHODS, fit_heterogeneity
from .lcmcr import lcmcr  # noqa: E402
from .recommend import REASON_TEXT, Reason, RecommendedResult, recommended
from .results import BaseResult, DeclinedResult, EstimateResult, Summary
from .selection import DEFAULT_THRESHOLDS, AllModels
from .sensitivity import REGISTRY, AveragedResult, Sensitivity, register, sensitivity
from .strata import RecommendedStrataResult, StrataResult, estimate_strata, recommended_strata
from .twolist import TwoListEstimate, chapman, lincoln_petersen

__all__ = [
    "CI_METHODS",
    "DEFAULT_THRESHOLDS",
    "HETEROGENEITY_METHODS",
    "METHODS",
    "REASON_TEXT",
    "REGISTRY",
    "AllModels",
    "AveragedResult",
    "BaseResult",
    "BayesianEstimate",
    "BootstrapInfo",
    "CaptureHistories",
    "DataError",
    "DataWarning",
    "DeclinedResult",
    "EstimateResult",
    "ModelCheck",
    "NoEstimateError",
    "Reason",
    "RecommendedResult",
    "RecommendedStrataResult",
    "Sensitivity",
    "StrataResult",
    "Summary",
    "TwoListEstimate",
    "chapman",
    "check_model",
    "dga",
    "estimate",
    "estimate_strata",
    "fit_all_models",
    "fit_heterogeneity",
    "lcmcr",
    "lincoln_petersen",
    "parse_terms",
    "read_strata_csv",
    "recommended",
    "recommended_strata",
    "register",
    "sensitivity",
]
