"""Sums of member vectors per story, from stored rows: the one computation both backends' story
centroids (``story_vectors``) are built from, whatever SQL read the rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np


def sums_by_story(rows: Iterable[tuple[Any, str, str, bytes]]) -> dict[str, tuple[str, np.ndarray, int]]:
    """(seq, story id, encoder, float32 vector bytes) rows → story id: (encoder, sum of vectors, count).

    >>> one, two = np.ones(2, np.float32).tobytes(), np.full(2, 2, np.float32).tobytes()
    >>> sums = sums_by_story([(1, "s1", "use", one), (2, "s1", "use", two), (3, "s2", "use", one)])
    >>> {k: (e, v.tolist(), n) for k, (e, v, n) in sums.items()}
    {'s1': ('use', [3.0, 3.0], 2), 's2': ('use', [1.0, 1.0], 1)}
    """
    sums: dict[str, tuple[str, np.ndarray, int]] = {}
    for _, story_id, encoder, blob in rows:
        vector = np.frombuffer(blob, dtype=np.float32)
        found = sums.get(story_id)
        sums[story_id] = (encoder, vector.copy(), 1) if found is None else (encoder, found[1] + vector, found[2] + 1)
    return sums
