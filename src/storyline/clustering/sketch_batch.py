"""The sketch pre-filter for a whole batch: one matrix product of the batch's sketches against the held
stories' sketches, instead of one matrix-vector product per article, used only where it picks the very
stories the per-article product picks.

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


def gamma(terms: int) -> float:
    """Higham's bound on the relative error of a float32 sum of ``terms`` products, any summation order."""
    return terms * _UNIT / (1 - terms * _UNIT)


class SketchBatch:
    """The batch's sketch scores against the stories held when it was made, and which rows changed since."""

    def __init__(self, items: Sequence[StoryItem], sketches: np.ndarray, projection: np.ndarray,
                 capacity: int) -> None:
        self._items = list(items)  # held: an item's id stays its own while the batch lives
        self._column = {id(item): j for j, item in enumerate(self._items)}
        # each article's query as the per-article path computes it (one vector-matrix product each)
        self._queries = np.stack([item.vector @ projection for item in self._items])
        self._scores = self._queries @ sketches.T
        self._width = sketches.shape[0]
        self._dirty = np.zeros(capacity, dtype=bool)
        # twice the bound on either product's error, with a factor 2 to spare: |sketch row| <= |centroid|
        # (1, or 0) times the projection's largest singular value
        self._margin = 8.0 * gamma(projection.shape[1]) * float(np.linalg.norm(projection, 2))

    def mark(self, row: int) -> None:
        """The story in ``row`` changed (or another story took the row): score it afresh."""
        if row < len(self._dirty):
            self._dirty[row] = True

    def pool(self, item: StoryItem, sketches: np.ndarray, active: int, rows: np.ndarray | None,
             size: int) -> np.ndarray | None:
        """The rows of the ``size`` best sketch scores among ``rows`` (None: all ``active``), as the
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
            scores[changed] = sketches[changed] @ query
        if rows is not None:
            scores = scores[rows]
        if len(scores) <= size:
            return None
        part = (-scores).argpartition(size)  # the best `size` first, the best of the rest at `size`
        top = part[:size]
        gap = float(scores[top].min()) - float(scores[part[size]])
        if not gap > self._margin * float(np.sqrt(query.dot(query))):
            return None
        return top if rows is None else rows[top]


def decided(sims: np.ndarray, k: int) -> bool:
    """Whether the ``k`` best of ``sims`` are strictly above the rest and distinct among themselves: the
    shortlist is then the same whatever order the rows were gathered in."""
    best = np.sort(sims)[::-1][: k + 1]
    return bool((best[:-1] > best[1:]).all())
