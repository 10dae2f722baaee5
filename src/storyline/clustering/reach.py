"""Which candidate stories no key evidence could make joinable: their key comparisons are skipped.

The key comparisons (word and name overlaps, the core's missing names, own names) are the costly part
of scoring a candidate. Each has a known range, so the vector and time evidence alone bound the best
logit a candidate could reach; one that stays below the decision's floor even at that best cannot be
joined or merged, whatever its keys say. Exact: the decision is the one full evidence gives.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

# the evidence columns (clustering.params.FEATURES) filled only for the candidates that can still be joined
WORDS, NAMES, MISSING, MISSING_HEADLINE, OWN_NAMES = 2, 4, 13, 15, 16
KEYED = (WORDS, NAMES, MISSING, MISSING_HEADLINE, OWN_NAMES)
MISSING_RANGE = (-math.log(1.02), -math.log(1.02 - 1.0))  # -log(1.02 - share of the core's names missing)
_SLACK = 1e-6  # logits are summed in another order than the bound's: far more than their rounding


def logit_floor(probability: float) -> float:
    """The least logit whose join probability (a logistic) can reach ``probability``, less a slack.

    >>> round(logit_floor(0.5), 6), logit_floor(0.0), logit_floor(1.01)
    (-1e-06, -inf, inf)
    """
    if probability <= 0.0:
        return -math.inf
    if probability > 1.0:
        return math.inf
    if probability == 1.0:  # a float logistic rounds to 1.0 from a logit of about 37 on
        return 30.0
    return math.log(probability / (1.0 - probability)) - _SLACK


def reachable(known: np.ndarray, weights: np.ndarray, same: Sequence[bool], has_core: Sequence[bool],
              headline: float, identities: int, floor: float) -> list[bool]:
    """For each candidate, whether its logit could reach ``floor``: ``known`` is its logit with the keyed
    columns at 0, to which each keyed feature adds at most its weight times the best end of its range
    (words only against a story in the article's language; the missing share only against a core that
    names someone; own names at most the article's rare names).

    >>> w = np.zeros(20); w[[2, 4, 13, 15, 16]] = [7.5, 3.6, -0.8, 1.0, 1.0]
    >>> reachable(np.array([-12.0, -3.0]), w, [True, False], [True, True], 0.0, 0, 0.0)
    [False, True]
    """
    words, names = max(0.0, float(weights[WORDS])), max(0.0, float(weights[NAMES]))
    missing = float(weights[MISSING]) + float(weights[MISSING_HEADLINE]) * headline
    low, high = MISSING_RANGE
    with_core = max(missing * low, missing * high)
    own = max(0.0, float(weights[OWN_NAMES]) * math.log1p(identities))
    return [
        logit + (words if is_same else 0.0) + names + (with_core if core else missing * low) + own >= floor
        for logit, is_same, core in zip(known.tolist(), same, has_core, strict=True)
    ]
