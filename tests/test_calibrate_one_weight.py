"""One feature's weight fitted with the rest of a calibrated model held (scripts/calibrate_one_weight.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from builders import script_module
from storyline.clustering import FEATURES, StoryParams

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo-corpus.jsonl"


def _objective(b: float, offset, x, y, w, c_reg: float) -> float:
    z = offset + b * x
    return c_reg * float(np.sum(w * (np.logaddexp(0.0, z) - y * z))) + b * b / 2.0


def test_with_no_offset_the_weight_is_sklearn_s_one_coefficient_fit():
    rng = np.random.default_rng(1)
    x = rng.normal(size=400)
    y = (x + rng.normal(size=400) > 0.3).astype(float)
    w = rng.uniform(0.5, 2.0, size=400)
    cal = script_module("calibrate_one_weight")
    ours = cal.one_weight(np.zeros(400), x, y, w, 0.3)
    model = LogisticRegression(C=0.3, fit_intercept=False, tol=1e-10, max_iter=1000).fit(x[:, None], y, sample_weight=w)
    assert ours == pytest.approx(float(model.coef_[0][0]), abs=1e-5)


def test_with_an_offset_the_weight_minimises_the_penalised_loss():
    rng = np.random.default_rng(2)
    offset, x = rng.normal(size=300) * 2.0, rng.uniform(0.0, 1.0, size=300)
    y = (offset + 1.5 * x + rng.logistic(size=300) > 0).astype(float)
    w = np.ones(300)
    cal = script_module("calibrate_one_weight")
    b = cal.one_weight(offset, x, y, w, 0.3)
    at = _objective(b, offset, x, y, w, 0.3)
    assert at < _objective(b - 0.01, offset, x, y, w, 0.3) and at < _objective(b + 0.01, offset, x, y, w, 0.3)
    assert b > 0.3  # the held part does not explain the feature's effect: it gets a weight of its own


def test_only_the_named_weight_moves(tmp_path):
    cal = script_module("calibrate_one_weight")
    sys.modules["prepared_cache"].CACHE = tmp_path  # the prepared database, here a temporary folder
    kept = StoryParams.load()
    data = sys.modules["calibrate_stories"].Dataset(DEMO)
    fitted = cal.fit_one(kept, "headline_bodies", [data], 0.3)
    j = FEATURES.index("headline_bodies")
    assert [w for i, w in enumerate(fitted.weights) if i != j] == [w for i, w in enumerate(kept.weights) if i != j]
    assert fitted.bias == kept.bias and fitted.threshold == kept.threshold
    assert fitted.undated_weights == kept.undated_weights
