"""What the clusterer does when an article or a story has no time: the one home for "no date".

Without a time on either side the clusterer has no evidence of *when*:

- **no window**: an undated article meets every held story (the ``shortlist`` nearest by centroid), and an
  undated story (no dated core member, so no event time) is in reach of every article;
- **no follow-ups**: the follow-up route beyond the window needs both times, so it is never taken;
- **no closing**: only a newer dated article moves the clock, so undated articles close nothing and an
  all-undated stream holds every story (up to ``max_active``, then the least recently joined go);
- the time evidence is set to constants: ``log_gap`` at ``log1p(unknown_gap_days)``, ``time_unknown`` 1,
  ``headline_gap`` that times ``headline_only``, ``followup_gap`` and ``followup_cos`` 0.

The dated model was fitted almost only on dated decisions, where the window has already removed most
look-alike events of other days; with every story in reach, topic evidence (a shooting is a shooting)
then joins different events of one kind. So the join probability of a candidate whose time is unknown
comes from its own logistic weights (``StoryParams.undated_weights`` and ``undated_bias``, fitted by
``scripts/calibrate_undated.py`` on the labelled sets with their dates removed); its own threshold
(``undated_threshold``) is folded into its bias (``folded_bias``), so the one join threshold (and the
merge threshold) serves both. Without undated weights (an older parameter file) the dated weights
decide, as before. A dated article meeting a dated story is never affected.
"""

from __future__ import annotations

import math

import numpy as np

TIME_UNKNOWN = 6  # the column of "time_unknown" in FEATURES: 1.0 where the article or the story has no time


def folded_bias(undated_bias: float, undated_threshold: float, threshold: float) -> float:
    """The undated bias that makes ``probability >= threshold`` mean ``undated probability >= undated_threshold``.

    >>> round(folded_bias(-2.0, 0.5, 0.4), 4)  # a lower shared threshold: the bias moves down by logit(0.4)
    -2.4055
    >>> folded_bias(-2.0, 0.3, 1.0)  # a join threshold of 1 (never join) stays out of reach
    -2.0
    """
    if undated_threshold == threshold or not (0.0 < threshold < 1.0 and 0.0 < undated_threshold < 1.0):
        return undated_bias  # the same threshold: exactly the fitted bias; one of "never" (>= 1) or "always": as is

    def logit(p: float) -> float:
        return math.log(p / (1.0 - p))

    return undated_bias + logit(threshold) - logit(undated_threshold)


def join_logits(x: np.ndarray, weights: np.ndarray, bias: float,
                undated: np.ndarray | None, undated_bias: float) -> np.ndarray:
    """The join logit of each evidence row: the dated model's, and where the time is unknown the undated
    model's when there is one.

    >>> x = np.zeros((2, 7)); x[:, 0] = 1.0; x[1, TIME_UNKNOWN] = 1.0  # the second row: no time
    >>> w = np.zeros(7); w[0] = 1.0
    >>> join_logits(x, w, 0.0, None, 0.0).tolist()
    [1.0, 1.0]
    >>> join_logits(x, w, 0.0, -w, 0.5).tolist()
    [1.0, -0.5]
    """
    logits = x @ weights + bias
    if undated is not None and np.count_nonzero(x[:, TIME_UNKNOWN]):  # a dated row's 0.0: most articles stop here
        unknown = x[:, TIME_UNKNOWN] > 0.0
        logits[unknown] = x[unknown] @ undated + undated_bias
    return logits
