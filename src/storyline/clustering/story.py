"""What the clusterer holds per story, and the weighted keys of the article being assigned."""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

import numpy as np

from storyline.clustering.keys import KeyProfile


class StoryState:
    """Per-story state, kept small: centroid sum, a few member vectors, key profiles, time span, and the
    core (the first ``core_size`` members) that fixes which event the story is."""

    __slots__ = (
        "ages",
        "cohesion",
        "core_keys",
        "core_names",
        "core_times",
        "core_total",
        "event",
        "id",
        "identity",
        "langs",
        "members",
        "names",
        "row",
        "size",
        "total",
        "words",
    )

    def __init__(self, story_id: str, dim: int) -> None:
        self.id = story_id
        self.total = np.zeros(dim, dtype=np.float64)
        self.members = np.zeros((0, dim), dtype=np.float32)
        self.size = 0
        self.words = KeyProfile()
        self.names = KeyProfile()
        self.langs: dict[str, int] = {}
        self.row = -1
        self.cohesion = 0.0  # |total| / size: mean member cosine to the centroid
        self.core_total = np.zeros(dim, dtype=np.float64)
        self.core_names = KeyProfile()
        self.core_keys: tuple[str, ...] = ()  # names at least half the core carries
        self.core_times: list[float] = []
        self.ages: Counter[int] = Counter()  # ages the core gives
        self.event: float | None = None  # median time of the dated core members
        self.identity: frozenset[str] = frozenset()  # rare names among the core keys


class WeightedKeys(NamedTuple):
    """An article's keys as scoring needs them: IDF-weighted words and names (with their totals), ages
    and rare names."""

    words: dict[str, float]
    names: dict[str, float]
    ages: frozenset[int]
    identity: frozenset[str]
    words_total: float
    names_total: float
