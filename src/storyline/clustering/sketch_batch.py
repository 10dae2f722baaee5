"""The nearest-story search for a whole batch: one matrix product of the batch's vectors (or their sketches)
against the held stories' centroids (or sketches), instead of one matrix-vector product per article, used
only where it picks the very stories the per-article product picks.

A matrix product sums in another order than a matrix-vector product, so its scores can differ in the last
bits. Both are within a known bound of the exact dot product (``n`` float32 terms: ``gamma(n)`` times the
sum of the terms' magnitudes, at most ``|sketch| * |query|``), so when the pool's worst score clears the best
score left out by more than twice that bound, both products pick the same pool; otherwise the caller
falls back to the per-article product. Rows a story changed (joined, opened, moved by a closing) since the
batch's product are scored afresh, one matrix-vector product over those rows only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.clustering.item import StoryItem

_UNIT = 2.0**-24  # float32 unit roundoff
BATCH_MAX = 512  # articles scored in one product (the engine's batches are 64)


def gamma(terms: int) -> float:
    """Higham's bound on the relative error of a float32 sum of ``terms`` products, any summation order."""
    return terms * _UNIT / (1 - terms * _UNIT)


class SketchBatch:
    """The batch's scores against the stories held when it was made (their sketches when ``projection`` is
    given, else their centroids), and which rows changed since."""

    def __init__(self, items: Sequence[StoryItem], rows: np.ndarray, projection: np.ndarray | None,
                 capacity: int) -> None:
        # held, so an item's id stays its own while the batch lives; past BATCH_MAX articles (a calibration's
        # whole file) the rest take the per-article path: the scores' memory stays that of a few hundred
        self._items = list(items[:BATCH_MAX])
        self._column = {id(item): j for j, item in enumerate(self._items)}
        self.sketched = projection is not None
        # each article's query as the per-article path computes it (one vector-matrix product each)
        self._queries = np.stack([item.vector if projection is None else item.vector @ projection
                                  for item in self._items])
        self._scores = self._queries @ rows.T
        self._width = rows.shape[0]
        self._dirty = np.zeros(capacity, dtype=bool)
        # twice the bound on either product's error, with a factor 2 to spare: a centroid's length is 1 (or 0),
        # a sketch row's at most that times the projection's largest singular value
        scale = 1.0 if projection is None else float(np.linalg.norm(projection, 2))
        self._margin = 8.0 * gamma(rows.shape[1]) * scale * 1.001

    def mark(self, row: int) -> None:
        """The story in ``row`` changed (or another story took the row): score it afresh."""
        if row < len(self._dirty):
            self._dirty[row] = True

    def pool(self, item: StoryItem, matrix: np.ndarray, active: int, rows: np.ndarray | None,
             size: int) -> np.ndarray | None:
        """The positions among ``rows`` (None: all ``active`` rows) of the ``size`` best scores, as the
        per-article product ranks them, in no particular order; None when this batch cannot say so
        (the item is not in it, too many rows, or a score too close to the pool's edge)."""
        j = self._column.get(id(item))
        if j is None or self._items[j] is not item or active > len(self._dirty):
            return None
        query = self._queries[j]
        width = min(active, self._width)
        scores = np.empty(active, dtype=np.float32)
        scores[:width] = self._scores[j, :width]
        dirty = self._dirty[:active].copy()
        dirty[width:] = True
        changed = dirty.nonzero()[0]
        if len(changed):
            scores[changed] = matrix[changed] @ query
        if rows is not None:
            scores = scores[rows]
        if len(scores) <= size:
            return None
        part = (-scores).argpartition(size)  # the best `size` first, the best of the rest at `size`
        top = part[:size]
        gap = float(scores[top].min()) - float(scores[part[size]])
        if not gap > self._margin * float(np.sqrt(query.dot(query))):
            return None
        return top

    def shortlist(self, item: StoryItem, centroids: np.ndarray, sketches: np.ndarray, active: int,
                  rows: np.ndarray | None, shortlist: int, pool_size: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(rows, centroid cosines) holding the article's ``shortlist`` nearest stories, each cosine the very
        float the per-article path computes, and no tie among them or with the next; None: use that path."""
        count = active if rows is None else len(rows)
        if not self.sketched:
            top = self.pool(item, centroids, active, rows, shortlist)
            # the per-article path takes every row's cosine from one product over all (in-window) rows; the
            # BLAS kernel takes rows four at a time and the last count % 4 another way: those it cannot match
            if top is None or (top >= count - count % 4).any():
                return None
            chosen = top if rows is None else rows[top]
            gathered = np.concatenate([chosen, np.repeat(chosen[:1], -len(chosen) % 4)])  # whole blocks of four
            sims = (centroids[gathered] @ item.vector)[: len(chosen)]
            return (chosen, sims) if decided(sims, len(chosen)) else None
        top = self.pool(item, sketches, active, rows, min(pool_size, count))
        if top is None:
            return None
        chosen = top if rows is None else rows[top]  # the pool as the per-article path's, in another order
        sims = centroids[chosen] @ item.vector
        return (chosen, sims) if decided(sims, shortlist) else None


def decided(sims: np.ndarray, k: int) -> bool:
    """Whether the ``k`` best of ``sims`` are strictly above the rest and distinct among themselves: the
    shortlist is then the same whatever order the rows were gathered in."""
    best = np.sort(sims)[::-1][: k + 1]
    return bool((best[:-1] > best[1:]).all())
