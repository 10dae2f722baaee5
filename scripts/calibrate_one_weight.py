"""Fit one join feature's weight with every other weight of a calibrated model held; write it into the params.

Usage: python scripts/calibrate_one_weight.py FEATURE FILE.jsonl [FILE.jsonl ...] [--keep PARAMS.json]
       [--c-reg C] [--cached] [--write]

Why: a feature added to a calibrated model can be fitted with the rest (`calibrate_stories.py`), but a refit of
all weights moves every set by its own spread (sessions 14-16: up to 0.008 on Wikinews and Giveme5W1H between
refits of nearly the same features), which hides what the feature itself does and can push a set below its
target for no reason of the feature's. Here the shipped weights and bias are held and only FEATURE's weight is
fitted on the same teacher-forced decisions as `calibrate_stories.fit_join_model` (each data set weighing alike,
the same L2 strength; rows decided by the undated model left out, as its weights do not read this one). A
feature that is zero for most articles (``headline_bodies``: headline-only articles only) then changes only the
decisions it speaks to. The leave-one-dataset-out figures of the full procedure are `calibrate_stories.py
--keep` with the parameters this writes.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from calibrate_stories import C_REG, FOLLOWUP_DAYS, WINDOW_DAYS, Dataset, score, teacher_forced

from storyline.clustering import FEATURES, StoryParams, params_file
from storyline.clustering.undated import TIME_UNKNOWN


def one_weight(offset: np.ndarray, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray, c_reg: float) -> float:
    """The weight ``b`` minimising ``c_reg * sum(w * logloss(y, offset + b * x)) + b**2 / 2`` (sklearn's L2
    logistic objective, one coefficient, the rest of the logit held in ``offset``), by Newton's method."""
    b = 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(offset + b * x, -500.0, 500.0)))
        grad = c_reg * float(np.sum(sample_weight * (p - y) * x)) + b
        hess = c_reg * float(np.sum(sample_weight * p * (1.0 - p) * x * x)) + 1.0
        step = grad / hess
        b -= step
        if abs(step) < 1e-12:
            break
    return b


def fit_one(kept: StoryParams, feature: str, data: list[Dataset], c_reg: float) -> StoryParams:
    """``kept`` with ``feature``'s weight fitted on ``data`` (the other weights and the bias held)."""
    j = FEATURES.index(feature)
    params = replace(kept, window_days=WINDOW_DAYS, followup_days=FOLLOWUP_DAYS, merge_threshold=1.01)
    held = np.asarray(kept.weights)
    held[j] = 0.0
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    total = 0  # every set's decisions, dated or not: the scale fit_join_model gives its sample weights
    for d in data:
        x, y = teacher_forced(params, d)
        total += len(y)
        dated = x[:, TIME_UNKNOWN] == 0.0
        share = np.full(int(dated.sum()), 1.0 / len(y))  # each set weighs alike, as fit_join_model
        parts.append((x[dated] @ held + kept.bias, x[dated, j], y[dated], share))
    offset, column, labels, weights = (np.concatenate(part) for part in zip(*parts, strict=True))
    weight = one_weight(offset, column, labels, weights * total / len(data), c_reg)
    new = list(kept.weights)
    new[j] = round(weight, 4)
    return replace(kept, weights=tuple(new))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("feature", choices=FEATURES)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--keep", type=Path, help="the parameters to hold (default: the shipped file)")
    ap.add_argument("--c-reg", type=float, default=C_REG, help="the L2 strength (inverse), as calibrate_stories.py")
    ap.add_argument("--cached", action="store_true",
                    help="when no preparation matches today's code, replay the nearest code's (prepared_cache.py)")
    ap.add_argument("--write", action="store_true", help="write the result to params/stories.json")
    args = ap.parse_args()
    kept = StoryParams.load(None if args.keep is None else str(args.keep))
    data = [Dataset(f, cached=args.cached) for f in args.files]
    final = fit_one(kept, args.feature, data, args.c_reg)
    j = FEATURES.index(args.feature)
    print(f"{args.feature}: weight {kept.weights[j]} -> {final.weights[j]} (C {args.c_reg})")
    for d in data:
        before, after = score(kept, d), score(final, d)
        print(f"  {d.name}: F1 {before['F1']:.4f} -> {after['F1']:.4f} (P {after['P']:.3f} R {after['R']:.3f}, "
              f"largest {after['largest']})")
    if args.write:
        import json

        out = Path(__file__).resolve().parents[1] / "src" / "storyline" / "params" / params_file("use")
        out.write_text(json.dumps(final.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
