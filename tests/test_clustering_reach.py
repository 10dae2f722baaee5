"""The bound on what key evidence can add to a candidate's logit (clustering.reach)."""

import math

import numpy as np
import pytest

from storyline.clustering import FEATURES, StoryParams
from storyline.clustering.reach import KEYED, MISSING_RANGE, logit_floor, reachable


def test_the_keyed_columns_are_the_key_comparisons():
    assert [FEATURES[i] for i in KEYED] == ["words", "names", "missing_core", "missing_core_headline", "own_names"]


@pytest.mark.parametrize("probability", [0.05, 0.4, 0.6, 0.99])
def test_the_floor_is_just_below_the_logit_of_the_probability(probability):
    floor = logit_floor(probability)
    assert 1.0 / (1.0 + math.exp(-floor)) < probability <= 1.0 / (1.0 + math.exp(-(floor + 1e-5)))


def test_no_probability_above_one_is_reachable_and_every_one_from_zero_is():
    assert logit_floor(1.01) == math.inf and logit_floor(0.0) == -math.inf
    assert 1.0 / (1.0 + math.exp(-logit_floor(1.0))) < 1.0  # 1.0 itself: only where a float logistic rounds up


def test_a_candidate_is_reachable_when_its_best_keyed_evidence_reaches_the_floor():
    weights = np.asarray(StoryParams.load().weights, dtype=np.float64)
    rng = np.random.default_rng(5)
    for _ in range(500):
        same, core, headline, identities = bool(rng.integers(2)), bool(rng.integers(2)), float(rng.integers(2)), 3
        known = float(rng.normal(scale=6.0))
        # any keyed evidence within its range adds at most what the bound allows
        words = float(rng.random()) if same else 0.0
        missing = float(rng.uniform(*MISSING_RANGE)) if core else MISSING_RANGE[0]
        own = math.log1p(int(rng.integers(identities + 1)))
        logit = (known + weights[2] * words + weights[4] * rng.random() + (weights[13] + weights[15] * headline)
                 * missing + weights[16] * own)
        if logit >= 0.0:
            assert reachable(np.array([known]), weights, [same], [core], headline, identities, 0.0) == [True]
