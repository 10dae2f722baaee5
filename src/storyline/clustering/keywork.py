"""One home for the choice of the clusterer's key work: compiled (``_native``, when it was built) or pure Python.

The choice is made once, at import: ``STORYLINE_PURE_PYTHON=1`` forces the Python code (keywork_py), and so
does an install without a C compiler (the extension is optional). Both give the same floats bit for bit, so
the stories do not depend on it; only the speed does. The compiled functions take dicts (``Counter`` is one)
where the Python ones take any mapping (see benchmarks/RESULTS.md, "Compiled key work").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType

import numpy as np

from storyline.clustering import keywork_py
from storyline.compiled import compiled

IMPLEMENTATION: ModuleType = compiled("storyline.clustering._native") or keywork_py
NATIVE: bool = IMPLEMENTATION is not keywork_py

# a build from before the rule moved into C has no common_idf_weights: the Python one then (rebuild: make install)
common_idf_weights: Callable[[dict[str, int], dict[str, float], Iterable[str], float, frozenset[str], float, int],
                             dict[str, float]] = getattr(IMPLEMENTATION, "common_idf_weights",
                                                         keywork_py.common_idf_weights)
count_keys: Callable[[dict[str, int], Iterable[str]], None] = IMPLEMENTATION.count_keys
key_overlap: Callable[[dict[str, float], dict[str, int], int, float], float] = IMPLEMENTATION.key_overlap
missing_share: Callable[[dict[str, float], float, dict[str, float]], float] = IMPLEMENTATION.missing_share
count_own_names: Callable[[Iterable[str], dict[str, int], dict[str, int]], int] = IMPLEMENTATION.count_own_names
pick_pool: Callable[[np.ndarray, np.ndarray, float | None, float, int, float],
                    tuple[int, list[int] | None, list[int] | None]] = IMPLEMENTATION.pick_pool
# one rule, no compiled twin of its own (the compiled count_own_names applies it inside)
is_own_name: Callable[[int, int], bool] = keywork_py.is_own_name
