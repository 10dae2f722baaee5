"""The nearest-story search for a whole batch: one matrix product of the batch's vectors (or their sketches)
against the held stories' centroids (or sketches), instead of one matrix-vector product per article, used
only where it picks the very stories the per-article product picks.

A matrix product sums in another order than a matrix-vector product, so its scores can differ in the last
bits. Both are within a known bound of the exact dot product (``n`` float32 terms: ``gamma(n)`` times the
sum of the terms' magnitudes, at most ``|sketch| * |query|``), so when the pool's worst score clears the best
score left out by more than twice that bound, both products pick the same pool; otherwise the caller
falls back to the per-article product. Rows a story changed (joined, opened, moved by a closing) since the
batch's product are scored afresh for the articles still to come, one small product when the next article
asks (any float32 product of those rows is within the same bound, so the same rule holds).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from storyline.clustering.item import StoryItem
from storyline.clustering.keywork import pick_pool
from storyline.clustering.window import beyond

_UNIT = 2.0**-24  # float32 unit roundoff
BATCH_MAX = 512  # articles scored in one product (the engine's batches are 64)


def gamma(terms: int) -> float:
    """Higham's bound on the relative error of a float32 sum of ``terms`` products, any summation order."""
    return terms * _UNIT / (1 - terms * _UNIT)


class SketchBatch:
    """The batch's scores against the stories held when it was made (their sketches when ``projection`` is
    given, else their centroids), kept fresh for the articles still to come as rows change."""

    def __init__(self, items: Sequence[StoryItem], rows: np.ndarray, projection: np.ndarray | None,
                 capacity: int, reach: np.ndarray | None = None, projection_norm: float | None = None) -> None:
        """``reach``: which of ``rows`` any of the items can meet (None: all); only those are scored, the others
        are never read (a story's event moves only when it changes, and a changed row is scored afresh).
        ``projection_norm``: the projection's largest singular value if the caller keeps it (an SVD: ~1.7 ms for
        the clusterer's 512 × 64, more than the batch's product), else computed here."""
        # held, so an item's id stays its own while the batch lives; past BATCH_MAX articles (a calibration's
        # whole file) the rest take the per-article path: the scores' memory stays that of a few hundred
        self._items = list(items[:BATCH_MAX])
        self._column = {id(item): j for j, item in enumerate(self._items)}
        self.sketched = projection is not None
        # each article's query as the per-article path computes it (one vector-matrix product each)
        self._queries = np.stack([item.vector if projection is None else item.vector @ projection
                                  for item in self._items])
        # room for every row the clusterer can hold before it grows its arrays (growing drops the batch);
        # rows past the product's width are opened during the batch, so marked before any article reads them
        self._capacity = max(capacity, rows.shape[0])
        self._scores = np.empty((len(self._items), self._capacity), dtype=np.float32)
        held = None if reach is None else reach.nonzero()[0]
        if held is None or 2 * len(held) > rows.shape[0]:  # most rows: one product, written in place
            np.matmul(self._queries, rows.T, out=self._scores[:, : rows.shape[0]])
        else:  # a long stream holds stories past the window (for follow-ups): their scores are never read
            self._scores[:, held] = self._queries @ rows[held].T
        self._changed: list[int] = []  # rows changed since the last refresh
        self._fresh_from = 0  # the scores of the articles from this one on hold every change refreshed
        # twice the bound on either product's error, with a factor 2 to spare: a centroid's length is 1 (or 0),
        # a sketch row's at most that times the projection's largest singular value
        scale = 1.0 if projection is None else (
            float(np.linalg.norm(projection, 2)) if projection_norm is None else projection_norm)
        self._margin = 8.0 * gamma(rows.shape[1]) * scale * 1.001

    def mark(self, row: int) -> None:
        """The story in ``row`` changed (or another story took the row): score it afresh."""
        if row < self._capacity:
            self._changed.append(row)

    def _refresh(self, j: int, matrix: np.ndarray) -> bool:
        """Score the changed rows afresh for articles ``j`` on (False: an earlier article's scores are stale)."""
        if j < self._fresh_from:
            return False
        if self._changed:  # mostly one story (opened and joined: its row twice); one product per row, no gather
            changed, queries = self._changed, self._queries[j:]
            for row in set(changed) if len(changed) > 1 else changed:
                self._scores[j:, row] = queries @ matrix[row]
            changed.clear()
            self._fresh_from = j
        return True

    def pool(self, item: StoryItem, matrix: np.ndarray, active: int, events: np.ndarray, stamp: float | None,
             reach: float, size: int) -> tuple[int, list[int] | None, list[int] | None] | None:
        """``keywork.pick_pool`` of the article's scores: (rows in the window, the ``size`` best of them as the
        per-article product ranks them, their places among the in-window rows; None unless decided); None when
        this batch holds no fresh scores for the item (not in it, too many rows, an earlier article's)."""
        j = self._column.get(id(item))
        if j is None or self._items[j] is not item or active > self._capacity or not self._refresh(j, matrix):
            return None
        query = self._queries[j]
        return pick_pool(self._scores[j, :active], events, stamp, reach, size,
                         self._margin * math.sqrt(query.dot(query)))

    def shortlist(self, item: StoryItem, centroids: np.ndarray, sketches: np.ndarray, active: int,
                  events: np.ndarray, stamp: float | None, reach: float, prefilter_above: int, shortlist: int,
                  pool_size: int) -> list[tuple[int, float]] | None:
        """(row, centroid cosine) of the article's ``shortlist`` nearest stories within the window (rows whose
        ``events`` lie within ``reach`` of ``stamp``), nearest first, each cosine the very float the per-article
        path computes, and no tie among them or with the next; None: use that path (also when the rows in the
        window call for the other search: the sketch's above ``prefilter_above``)."""
        picked = self.pool(item, sketches if self.sketched else centroids, active, events, stamp, reach,
                           pool_size if self.sketched else shortlist)
        if picked is None:
            return None
        count, rows, places = picked
        if rows is None or places is None or (count > prefilter_above) != self.sketched:
            return None
        if not self.sketched:
            sims = _cosines(centroids, item.vector, rows, places, count, active, events, stamp, reach)
            # the pool's rows are all of them (shortlist + 1 rows were in reach): decided when they are distinct
            ranked = sorted(zip(sims, rows, strict=True), reverse=True)
            if not all(a[0] > b[0] for a, b in pairwise(ranked)):
                return None
            return [(row, sim) for sim, row in ranked]
        chosen = np.array(rows)  # the pool as the per-article path's, in another order
        sims = centroids[chosen] @ item.vector
        if not decided(sims, shortlist):
            return None
        return nearest_first(chosen, sims, shortlist)


def _cosines(centroids: np.ndarray, vector: np.ndarray, rows: list[int], places: list[int], count: int,
             active: int, events: np.ndarray, stamp: float | None, reach: float) -> list[float]:
    """The cosines of ``rows`` (at ``places`` among the ``count`` of the ``active`` rows in the window) as the
    per-article path's one product over every in-window row gives them. Its BLAS kernel takes rows four at a
    time and the last ``count % 4`` rows another way: the same floats come from whole blocks of four, then
    those last rows in the same order when a row of the pool is one of them (both BLAS properties are tested:
    tests/test_clustering_sketch_batch.py)."""
    head = count - count % 4
    ahead = [row for row, place in zip(rows, places, strict=True) if place < head]
    gathered = ahead + ahead[:1] * (-len(ahead) % 4)  # whole blocks: the pool's rows, the first repeated
    if len(ahead) == len(rows):
        return (centroids[gathered] @ vector).tolist()[: len(rows)]
    tail: list[int] = []  # the window's last count % 4 rows, found from the last row down (as _out_of_window reads)
    row = active - 1
    while len(tail) < count - head:
        if stamp is None or not beyond(events[row], stamp, reach):
            tail.append(row)
        row -= 1
    tail.reverse()
    gathered = gathered or rows[:1] * 4  # at least one block before them: alone, a few rows take another kernel
    sims = (centroids[gathered + tail] @ vector).tolist()
    at = {r: sims[len(gathered) + i] for i, r in enumerate(tail)}
    return sims[: len(ahead)] + [at[row] for row in rows[len(ahead) :]]


def nearest_first(rows: np.ndarray, sims: np.ndarray, k: int) -> list[tuple[int, float]]:
    """(row, cosine) of the ``k`` best of ``sims``, best first (ties in the order given: a stable sort)."""
    k = min(k, len(rows))
    if k == 0:
        return []
    top = (-sims).argpartition(k - 1)[:k] if k < len(rows) else np.arange(len(rows))
    top = top[(-sims[top]).argsort(kind="stable")]
    return list(zip(rows[top].tolist(), sims[top].tolist(), strict=True))


def decided(sims: np.ndarray, k: int) -> bool:
    """Whether the ``k`` best of ``sims`` are strictly above the rest and distinct among themselves: the
    shortlist is then the same whatever order the rows were gathered in."""
    best = np.sort(sims)[::-1][: k + 1]
    return bool((best[:-1] > best[1:]).all())


def in_reach(items: Sequence[StoryItem], events: np.ndarray, window: float) -> np.ndarray | None:
    """Which rows (their event times, NaN: undated) lie within ``window`` seconds of any of ``items`` (a second to
    spare; None: all rows, as for an undated item): the rows the nearest search can read for them while the
    stories stay as they are."""
    if any(item.time is None for item in items):
        return None
    stamps = [item.time.timestamp() for item in items if item.time is not None]
    reach = window + 1.0
    return ~((events < min(stamps) - reach) | (events > max(stamps) + reach))  # NaN compares False: in reach
