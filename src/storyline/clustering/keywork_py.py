"""The clusterer's per-article key work in pure Python: the reference that ``_native.c`` reproduces bit for bit.

Each function works on the plain dicts and sets the clusterer holds (``Counter`` profiles keyed by str, IDF
dicts of floats). ``keywork`` picks these or the compiled ones, once; both must give the same floats, so the
story partitions do not depend on whether a C compiler was at hand (tests/test_clustering_keywork.py).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet

import numpy as np

from storyline.clustering.window import beyond

LOG_TABLE = 4096
_LOG_1P = [math.log(c + 1.0) for c in range(LOG_TABLE)]  # log(count + 1) of the common counts


def common_idf_weights(counts: Mapping[str, int], prior: dict[str, float], keys: Iterable[str], total: float,
                       common: AbstractSet[str], half: float, max_keys: int) -> dict[str, float]:
    """IDF of each key: ``total`` (log of documents + prior documents) minus log(count + pseudo-count + 1). A key
    ``prior`` does not hold yet gets its pseudo-count there (while it holds fewer than ``max_keys``): ``half`` for
    a common key (the key, or its part after the language tag, in ``common``), else 0.0 (``DocFreq``'s rule, here
    rather than a callback per new key).

    >>> prior = {"a": 0.0}
    >>> common_idf_weights({"a": 3}, prior, ["a", "en:b", "c"], 2.0, frozenset({"b"}), 10.0, 10)
    {'a': 0.6137056388801094, 'en:b': -0.39789527279837067, 'c': 2.0}
    >>> prior
    {'a': 0.0, 'en:b': 10.0, 'c': 0.0}
    """
    logs = _LOG_1P
    out = {}
    for key in keys:
        c = counts.get(key, 0)
        p = prior.get(key)
        if p is None:
            p = half if key in common or key.partition(":")[2] in common else 0.0
            if len(prior) < max_keys:
                prior[key] = p
        out[key] = total - (math.log(c + p + 1.0) if p else logs[c] if c < LOG_TABLE else math.log(c + 1.0))
    return out


def count_keys(counts: Counter[str], keys: Iterable[str]) -> None:
    """Add one to the count of each key: ``Counter.update`` of an iterator, never a mapping, so each key
    counts once (the compiled one takes any dict).

    >>> c = Counter({"a": 1}); count_keys(c, ["a", "b"]); c
    Counter({'a': 2, 'b': 1})
    """
    counts.update(iter(keys))


def key_overlap(weights: Mapping[str, float], counts: Mapping[str, int], members: int, total: float) -> float:
    """IDF-weighted share of the article's keys found in a story's ``counts``, each by the share of its
    ``members`` carrying it; ``total`` is ``fsum`` of the weights (0 when either is not positive).

    >>> key_overlap({"x": 1.0, "z": 1.0}, {"x": 2, "y": 1}, 2, 2.0)
    0.5
    """
    if total <= 0 or members <= 0:
        return 0.0
    # a key's count never exceeds the members it is counted over, so each share is at most 1;
    # fsum: exact, so the result does not depend on set iteration order (replay across processes)
    hit = math.fsum([weights[k] * counts[k] for k in weights.keys() & counts.keys()])
    return hit / members / total


def missing_share(weights: Mapping[str, float], total: float, article: Mapping[str, float]) -> float:
    """IDF-weighted share of the core's keys that the article does not carry (0 when the core names nothing).

    >>> missing_share({"n:dayto": 3.0, "n:smith": 1.0}, 4.0, {"n:dayto": 3.0})
    0.25
    """
    if total <= 0:
        return 0.0
    found = math.fsum([weights[key] for key in weights.keys() & article.keys()])
    return max(0.0, total - found) / total


def count_own_names(identity: Iterable[str], story: Mapping[str, int], seen: Mapping[str, int]) -> int:
    """How many of the article's rare names are the story's own: carried by the story, and by at most about
    twice as many articles of the stream (``seen``) as of the story.

    >>> count_own_names(frozenset({"n:a", "n:b", "n:c"}), {"n:a": 2, "n:b": 1}, {"n:a": 5, "n:b": 9})
    1
    """
    return sum(1 for key in identity if key in story and is_own_name(seen.get(key, 0), story[key]))


def is_own_name(seen: int, carried: int) -> bool:
    """Whether a name is a story's own (its people and places, not its topic's): carried by about half or more
    of the ``seen`` articles naming it (``carried`` of them are the story's). The compiled ``count_own_names``
    applies the same rule.

    >>> is_own_name(5, 2), is_own_name(9, 1)
    (True, False)
    """
    return seen <= 2 * carried + 1


def pick_pool(scores: np.ndarray, events: np.ndarray, stamp: float | None, reach: float, size: int,
              threshold: float) -> tuple[int, list[int] | None, list[int] | None]:
    """An article's nearest-story pool from a batch's ``scores`` (float32, one per held row): (how many rows are in
    the window, the ``size`` best of them in row order, their places among the in-window rows), the last two None
    unless more than ``size`` rows are in the window, every in-window score is finite and the worst of the pool
    beats the best left out by more than ``threshold`` (>= 0: the pool is then the one set of the ``size`` best).
    A row is in the window unless its event time (float64 ``events``; NaN: undated) lies more than ``reach``
    seconds from ``stamp`` (None: every row is). Pure selection; the compiled one gives the same answer.

    >>> scores = np.array([0.9, 0.1, 0.8, 0.7], dtype=np.float32)
    >>> pick_pool(scores, np.array([0.0, 0.0, 9.0, 0.0]), 1.0, 2.0, 1, 0.01)
    (3, [0], [0])
    >>> pick_pool(scores, np.zeros(4), None, 2.0, 2, 0.01)[1:], pick_pool(scores, np.zeros(4), None, 2.0, 3, 0.7)
    (([0, 2], [0, 2]), (4, None, None))
    """
    active = len(scores)
    rows = None if stamp is None else (~beyond(events[:active], stamp, reach)).nonzero()[0]
    in_window = scores if rows is None else scores[rows]
    count = len(in_window)
    if count <= size or not np.isfinite(in_window).all():
        return count, None, None
    part = (-in_window).argpartition(size)  # the best `size` first, the best of the rest at `size`
    edge = in_window[part[: size + 1]].tolist()
    if not min(edge[:size]) - edge[size] > threshold:
        return count, None, None
    places = sorted(part[:size].tolist())
    return count, places if rows is None else rows[places].tolist(), places
