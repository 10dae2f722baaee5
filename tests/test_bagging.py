"""The join model's logistic fit and its article resamples (scripts/bagging.py)."""

from __future__ import annotations

import numpy as np
import pytest

from builders import script_module


def _set(rng: np.random.Generator, articles: int, shift: float = 0.0):
    """A set of teacher-forced-like rows: each article 1–4 candidate rows, one feature that separates the labels."""
    groups = np.repeat(np.arange(articles), rng.integers(1, 5, articles))
    x = rng.normal(size=(len(groups), 2))
    y = (x[:, 0] + shift + rng.logistic(size=len(groups)) > 0).astype(int)
    return x, y, groups


def test_a_resample_draws_whole_articles_as_many_as_there_are():
    bag = script_module("bagging")
    groups = np.array([0, 0, 1, 2, 2, 2, 3])
    for seed in range(20):
        rows = bag.resample(groups, np.random.default_rng(seed))
        drawn = groups[rows]
        # every drawn article brings all its rows, once per draw
        counts = {a: int(np.sum(drawn == a)) for a in set(drawn.tolist())}
        assert all(counts[a] % int(np.sum(groups == a)) == 0 for a in counts)
        assert sum(counts[a] // int(np.sum(groups == a)) for a in counts) == 4
    assert bag.resample(np.zeros(0, dtype=int), np.random.default_rng(0)).size == 0


def test_each_set_weighs_alike_whatever_its_rows():
    """Each set's rows share one weight (the penalty's scale is the rows' total, as calibrate_stories always had):
    with a negligible penalty, a set's rows counted twice change nothing, a set counted twice does."""
    bag = script_module("bagging")
    rng = np.random.default_rng(3)
    small, large = _set(rng, 40), _set(rng, 300, shift=1.0)
    once = bag.logistic([small[:2], large[:2]], 1e4)
    twice = bag.logistic([small[:2], (np.vstack([large[0]] * 2), np.concatenate([large[1]] * 2))], 1e4)
    assert once[0] == pytest.approx(twice[0], abs=1e-3) and once[1] == pytest.approx(twice[1], abs=1e-3)
    assert abs(once[1] - bag.logistic([small[:2], small[:2], large[:2]], 1e4)[1]) > 0.05


def test_bagged_weights_are_the_resample_fits_mean_and_repeatable():
    bag = script_module("bagging")
    rng = np.random.default_rng(4)
    sets = [_set(rng, 60), _set(rng, 120, shift=-0.5)]
    fits = bag.resample_fits(sets, 0.3, 5)
    assert len({f for f in fits}) == 5  # each resample differs
    weights, bias = bag.bagged(sets, 0.3, 5)
    assert weights == pytest.approx(np.mean([w for w, _ in fits], axis=0), abs=1e-4)
    assert bias == pytest.approx(np.mean([b for _, b in fits]), abs=1e-4)
    assert bag.bagged(sets, 0.3, 5) == (weights, bias)  # one fixed stream of draws
    plain = bag.logistic([s[:2] for s in sets], 0.3)
    assert weights[0] == pytest.approx(plain[0][0], rel=0.15)  # near the plain fit, not another model


def test_the_spread_line():
    bag = script_module("bagging")
    assert bag.spread([0.5]) == "0.500 ± 0.000 (0.500–0.500)"
    assert bag.spread([0.87, 0.88, 0.89]) == "0.880 ± 0.010 (0.870–0.890)"
