"""What the clusterer holds per story, and the weighted keys of the article being assigned."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from typing import NamedTuple

import numpy as np

from storyline.clustering.first_days import FirstDays
from storyline.clustering.keys import KeyProfile


def median_of(values: list[float]) -> float:
    """``statistics.median`` of a few floats (a core's times, for most articles), without its generality.

    >>> median_of([3.0, 1.0, 2.0]), median_of([4.0, 1.0])
    (2.0, 2.5)
    """
    ordered = sorted(values)
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


class StoryState:
    """Per-story state, kept small: centroid sum, a few member vectors, key profiles, time span, and the
    core (the first ``core_size`` members) that fixes which event the story is."""

    __slots__ = (
        "_buffer",
        "ages",
        "cohesion",
        "core_keys",
        "core_names",
        "core_times",
        "core_total",
        "event",
        "first_days",
        "headlines",
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
        self.members = np.zeros((0, dim), dtype=np.float32)  # a view of the first rows of _buffer
        self._buffer = self.members  # the kept member vectors, with room to grow (capacity doubles up to max_members)
        self.size = 0
        self.headlines = 0  # members with no body (headline_bodies reads the share of the others)
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
        self.first_days = FirstDays()  # what a member a month later must name

    def uncomparable(self, lang: str, known: Collection[str]) -> float:
        """Share of the members in another language than ``lang`` where either side is outside the encoder's
        languages (``known``): their cosine to the article says little, in either direction.

        >>> story = StoryState("s1", 2)
        >>> story.langs, story.size = {"en": 1, "sl": 3}, 4
        >>> story.uncomparable("en", {"en", "de"}), story.uncomparable("sl", {"en", "de"})
        (0.75, 0.25)
        """
        if lang in known:
            blind = sum(n for other, n in self.langs.items() if other != lang and other not in known)
        else:
            blind = sum(n for other, n in self.langs.items() if other != lang)
        return blind / self.size

    def add_core_time(self, stamp: float) -> float:
        """One more dated core member: the event time is the core's median time (returned)."""
        self.core_times.append(stamp)
        self.event = median_of(self.core_times)
        return self.event

    def add_member(self, vector: np.ndarray, keep: int) -> None:
        """Keep one more member vector (float32): up to ``keep``, then the first (the story's origin) and the
        most recent ones. Written into a buffer that doubles up to ``keep`` rows, so adding allocates at
        most four times a story and never copies the members over; the same rows as stacking them anew."""
        count = self.members.shape[0]
        if keep < 2:  # the stacking rule keeps two rows then (origin and newest): no buffer to fill
            self.members = self._buffer = np.vstack([self.members[:1], self.members[2:], vector[None, :]]) \
                if count >= keep else np.vstack([self.members, vector[None, :]])
            return
        buffer = self._buffer
        if count < keep:
            if count == buffer.shape[0]:
                grown = np.empty((min(max(2 * count, 1), keep), buffer.shape[1]), dtype=np.float32)
                grown[:count] = buffer[:count]
                self._buffer = buffer = grown
            buffer[count] = vector
            count += 1
        else:  # drop the second-oldest: rows 2.. move up one, the newest goes last
            buffer[1 : count - 1] = buffer[2:count]
            buffer[count - 1] = vector
        self.members = buffer[:count]

    def absorb_members(self, other: np.ndarray, keep: int) -> None:
        """Take in a merged story's member vectors after this story's own, then keep the first and the most
        recent ``keep - 1`` if there are more than ``keep``."""
        members = np.vstack([self.members, other])
        if members.shape[0] > keep:
            members = np.vstack([members[:1], members[-(keep - 1) :]])
        self.members = self._buffer = members


class WeightedKeys(NamedTuple):
    """An article's keys as scoring needs them: IDF-weighted words and names (with their totals), ages
    and rare names."""

    words: dict[str, float]
    names: dict[str, float]
    ages: frozenset[int]
    identity: frozenset[str]
    words_total: float
    names_total: float
