"""The most central of a few vectors (a story's headline article), with a tie rule of its own: the vectors are
made unit length first, scores this close to the best are a tie and the earliest candidate wins, so the choice
does not hang on how the vectors were rounded for storage (``storage.stored_form``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Centrality scores closer than this to the best are a tie. A stored article vector is rounded to a step of
# 1/127 of its largest value per dimension; that moves a cosine between USE vectors by 2.2e-4 (standard
# deviation; at most 9.5e-4 in 20,000 pairs of GVA dev) and a vector's squared length by as much, which is why
# rows are made unit length first: in a story of two each title's score is then (1 + cosine) / 2 exactly.
SCORE_TIE = 2e-3


def _squared(vector: np.ndarray) -> float:
    """A row's squared length, in float64 as below."""
    as_float = np.asarray(vector, dtype=np.float64)
    return float(np.dot(as_float, as_float))


def most_central(vectors: Sequence[np.ndarray] | np.ndarray, among: Sequence[int] | None = None) -> int:
    """Index of the vector nearest the mean of all (dot product of unit vectors), among ``among`` (default: all),
    ties to the earliest in ``among``.

    >>> most_central([np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.7, 0.7])])
    2
    >>> most_central([np.array([1.0, 0.0]), np.array([0.0, 2.0])])  # two are always a tie: the first
    0
    >>> most_central([np.array([1.0, 0.0]), np.array([0.0, 1.0])], among=[1, 0])
    1
    """
    if among is None and len(vectors) == 2 and all(0 < _squared(v) < np.inf for v in vectors):
        # two rows of some length score (1 + cosine) / 2 each, a tie: the first (a zero row, or an infinite or NaN
        # value, is left to the general case below)
        return 0
    # the floats of ``np.linalg.norm(axis=1)`` and ``mean(axis=0)``, by the ufuncs those call (a story's headline is
    # recomputed often, on a few rows: the wrappers cost more than the arithmetic)
    matrix = np.asarray(np.stack(list(vectors)) if not isinstance(vectors, np.ndarray) else vectors, dtype=np.float64)
    lengths = np.sqrt(np.add.reduce(matrix * matrix, axis=1, keepdims=True))
    matrix = matrix / np.where(lengths > 0, lengths, 1.0)
    centre = np.add.reduce(matrix, axis=0) / len(matrix)
    if among is None:
        scores = matrix @ centre
        return int(np.flatnonzero(scores >= scores.max() - SCORE_TIE)[0])
    order = list(among)
    scores = matrix[order] @ centre
    return order[int(np.flatnonzero(scores >= scores.max() - SCORE_TIE)[0])]
