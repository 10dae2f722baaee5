"""Types of the compiled evidence rows (_evidence.c): evidence_py.rows' floats, bit for bit."""

from collections.abc import Callable

import numpy as np

from storyline.clustering.evidence_py import ArticleRow, RowSettings
from storyline.clustering.story import StoryState

ROW_FEATURES: tuple[str, ...]
ROW_VERSION: int

def rows(x: np.ndarray, columns: tuple[int, ...], stories: list[StoryState], article: ArticleRow,
         settings: RowSettings, cache: dict[str, tuple[int, dict[str, float], float]], docs: int,
         refresh: Callable[[StoryState], tuple[int, dict[str, float], float]]
         ) -> tuple[int, list[np.ndarray], list[int], list[np.ndarray]]: ...
