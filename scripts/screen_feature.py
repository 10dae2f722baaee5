"""Screen a candidate join feature before building it: does it tell held-out joins better than the shipped model?

Usage: python scripts/screen_feature.py FILE.jsonl [FILE.jsonl ...] [--feature NAME ...] [--c-reg C] [--cached]

Why: a join feature costs a column in the Python rows and in _evidence.c (or a vector column), a refit of every
weight and a check of every set against the ship rules, and a refit alone moves sets by their spread
(benchmarks/STORIES.md). This screen needs none of that. For each labelled set it takes the teacher-forced
decisions (``calibrate_stories.teacher_forced``: each article against the stories the clusterer scores, gold
stories as the state), the shipped model's logit of each and the candidate's value; then, leaving each set out,
it fits a logistic stack on the others — ``[logit]`` against ``[logit, candidate, candidate x follow-up,
follow-up]`` (the follow-up columns: the candidate may speak only beyond the window) — and prints the held-out
set's log-loss under both. A candidate that lowers no held-out log-loss adds nothing the model lacks; one that
lowers most is worth building. Screened so far (session 20, issue #15): the title's cosine to the core's titles,
the core's same-language words the article carries: neither lowered a held-out log-loss beyond 0.001.

A candidate is a function of a ``Decision`` (the article's index, the candidate story's members so far in
arrival order, the data set) returning a float; add one to ``CANDIDATES``.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from sklearn.metrics import log_loss, roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bagging
from calibrate_stories import C_REG, FOLLOWUP_DAYS, WINDOW_DAYS, Dataset, _duplicates

from storyline.clustering import FEATURES, StoryClusterer, StoryParams
from storyline.clustering.item import item_keys

_FOLLOWUP_GAP, _FOLLOWUP_COS = FEATURES.index("followup_gap"), FEATURES.index("followup_cos")


@dataclass
class SetContext:
    """What candidates may read of one data set: each article's keys, and its title's vector (encoded once)."""

    data: Dataset
    core_size: int
    _titles: np.ndarray | None = None
    word_df: Counter = field(default_factory=Counter)  # same-language word keys over the articles seen so far
    seen: int = 0

    def keys(self, index: int):
        """The article's keys: those its preparation made (``story_item``), else made here."""
        item = self.data.items[index]
        return item.keys if item.keys is not None else item_keys(item.title, item.text, item.lang)

    def title_vectors(self) -> np.ndarray:
        if self._titles is None:
            from storyline.embed import get_encoder

            self._titles = get_encoder("use").encode([it.title for it in self.data.items]).astype(np.float64)
        return self._titles


@dataclass(frozen=True)
class Decision:
    """One teacher-forced decision: the article ``index`` against a story whose members so far are ``members``."""

    index: int
    members: tuple[int, ...]
    context: SetContext


def title_core_cos(d: Decision) -> float:
    """Cosine of the article's title to the mean title of the story's core: what happened, told in a line."""
    titles = d.context.title_vectors()
    core = titles[list(d.members[: d.context.core_size])].mean(axis=0)
    norm = float(np.linalg.norm(core))
    return float(core @ titles[d.index]) / norm if norm else 0.0


def core_words(d: Decision) -> float:
    """IDF-weighted share of the core's same-language words that the article carries (0.0: no core member in its
    language): the story's own account of what happened, found again in the article."""
    ctx, lang = d.context, d.context.data.items[d.index].lang
    counts: Counter[str] = Counter()
    for j in d.members[: ctx.core_size]:
        if ctx.data.items[j].lang == lang:
            counts.update(ctx.keys(j).words)
    if not counts:
        return 0.0
    mine = ctx.keys(d.index).words
    idf = {k: math.log((ctx.seen + 1) / (ctx.word_df[k] + 1)) + 1 for k in counts}
    total = sum(idf[k] * v for k, v in counts.items())
    return sum(idf[k] * v for k, v in counts.items() if k in mine) / total


CANDIDATES: dict[str, Callable[[Decision], float]] = {"title_core_cos": title_core_cos, "core_words": core_words}


def screen_rows(params: StoryParams, data: Dataset, candidate: Callable[[Decision], float]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The teacher-forced decisions of ``data`` (as ``calibrate_stories.teacher_forced``): the shipped logit, the
    label, the candidate's value and the follow-up flag of each."""
    context = SetContext(data, params.core_size)
    clusterer = StoryClusterer(params)
    members: dict[str, list[int]] = defaultdict(list)
    weights = np.array(params.weights)
    logits, labels, values, followups = [], [], [], []
    for index, (item, label, original) in enumerate(zip(data.items, data.gold, _duplicates(data), strict=True)):
        gold_id = f"g:{label}"
        if original is None:
            for story_id, x in clusterer.evidence(item):
                logits.append(float(x @ weights) + params.bias)
                labels.append(story_id == gold_id)
                values.append(candidate(Decision(index, tuple(members[story_id]), context)))
                followups.append(x[_FOLLOWUP_GAP] > 0 or x[_FOLLOWUP_COS] != 0)
        clusterer.add_to(item, gold_id)
        members[gold_id].append(index)
        context.word_df.update(context.keys(index).words)
        context.seen += 1
    return np.array(logits), np.array(labels, dtype=int), np.array(values), np.array(followups, dtype=float)


def held_out_losses(sets: dict[str, tuple[np.ndarray, np.ndarray]],
                    c_reg: float) -> dict[str, tuple[float, float] | None]:
    """For each set: the held-out log-loss of a stack fitted on the other sets on column 0 alone (the logit) and on
    every column (each set weighing alike, as the calibration does); None where the other sets' decisions are all
    joins or all new stories (nothing to fit).

    >>> rng = np.random.default_rng(0)
    >>> def make(n):
    ...     z = rng.normal(size=(n, 2)); y = (z[:, 0] + 2 * z[:, 1] + rng.logistic(size=n) > 0).astype(int)
    ...     return z, y
    >>> losses = held_out_losses({"a": make(400), "b": make(400), "c": make(400)}, 1.0)
    >>> all(full < base for base, full in losses.values())  # the second column informs: every held-out set gains
    True
    """
    out = {}
    for held, (x_held, y_held) in sets.items():
        train = [pair for name, pair in sets.items() if name != held]
        if len({int(v) for _, y in train for v in np.unique(y)}) < 2:
            out[held] = None
            continue
        losses = []
        for columns in ([0], list(range(x_held.shape[1]))):
            weights, bias = bagging.logistic([(x[:, columns], y) for x, y in train], c_reg)
            p = 1.0 / (1.0 + np.exp(-(x_held[:, columns] @ np.array(weights) + bias)))
            losses.append(float(log_loss(y_held, p, labels=[0, 1])))
        out[held] = (losses[0], losses[1])
    return out


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    """The probability that a random positive outscores a random negative (ties count half); NaN for one class."""
    return float(roc_auc_score(y, score)) if 0 < int(y.sum()) < len(y) else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--feature", action="append", choices=sorted(CANDIDATES), help="candidates to screen (all)")
    ap.add_argument("--c-reg", type=float, default=C_REG, help="the stack's L2 strength (inverse)")
    ap.add_argument("--cached", action="store_true",
                    help="when no preparation matches today's code, replay the nearest code's (prepared_cache.py)")
    args = ap.parse_args()
    if len(args.files) < 2:
        ap.error("give at least two labelled files: each is held out in turn")
    shipped = StoryParams.load()
    params = replace(shipped, window_days=WINDOW_DAYS, followup_days=FOLLOWUP_DAYS)
    datasets = [Dataset(f, cached=args.cached) for f in args.files]
    for name in args.feature or sorted(CANDIDATES):
        print(f"{name}: held-out log-loss, shipped logit -> with the candidate (lower is better)")
        sets = {}
        for data in datasets:
            logit, y, value, followup = screen_rows(params, data, CANDIDATES[name])
            sets[data.name] = (np.c_[logit, value, value * followup, followup], y)
            print(f"  {data.name}: {len(y)} decisions, {int(y.sum())} joins; AUC logit {_auc(y, logit):.3f}, "
                  f"candidate {_auc(y, value):.3f}")
        for held, losses in held_out_losses(sets, args.c_reg).items():
            if losses is None:
                print(f"  held out {held}: the other sets' decisions are all of one kind: nothing to fit")
                continue
            base, full = losses
            print(f"  held out {held}: {base:.4f} -> {full:.4f} ({full - base:+.4f})")


if __name__ == "__main__":
    main()
