"""One home for "an event within reach of a stamp": the window test of the nearest search (clusterer.py), of a
batch's pooled search (sketch_batch.py, keywork_py.pick_pool) and of its C twin (_native.c's pick_pool).

An undated story (NaN event time) is never beyond: a comparison with NaN is False, quietly (no ``np.errstate``:
entering it cost about as much as the comparison)."""

from __future__ import annotations

from typing import Any, overload

import numpy as np


@overload
def beyond(events: np.ndarray, stamp: float, reach: float) -> np.ndarray: ...
@overload
def beyond(events: np.floating[Any], stamp: float, reach: float) -> np.bool_: ...
def beyond(events: Any, stamp: float, reach: float) -> Any:
    """Which of ``events`` (event times in seconds, NaN: undated) lie more than ``reach`` seconds from ``stamp``;
    one event time gives one answer.

    >>> beyond(np.array([0.0, 5.0, np.nan]), 1.0, 2.0).tolist()
    [False, True, False]
    >>> bool(beyond(np.float64(3.0), 1.0, 2.0))
    False
    """
    return np.abs(events - stamp) > reach
