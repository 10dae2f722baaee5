"""The article as the clusterer sees it: its vector, its time, and the keys of its lead.

The keys (words, names, ages) are a pure function of the text, so they belong with the rest of the
per-article work (the engine's preparation stage, which may run in parallel): story assignment,
which must see articles one at a time, only weighs them against the stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from storyline.clustering.conflict import ages, identity
from storyline.clustering.keys import name_keys, word_keys


@dataclass(frozen=True)
class ItemKeys:
    """What an article's lead says besides its vector: same-language words, names and numbers in any
    language, the ages it gives, and its rare names (the people and places that say which event)."""

    words: frozenset[str]
    names: frozenset[str]
    ages: frozenset[int]
    rare: frozenset[str]


def item_keys(title: str, text: str, lang: str) -> ItemKeys:
    """The keys of an article's title and the opening of its body.

    >>> keys = item_keys("Man, 23, shot in Dayton", "Police in Dayton said a 23-year-old was hurt.", "en")
    >>> sorted(keys.rare), sorted(keys.ages), "en:police" in keys.words
    (['n:dayto'], [23], True)
    """
    names = frozenset(name_keys(title, text))
    return ItemKeys(frozenset(word_keys(title, text, lang)), names, ages(title, text), identity(names))


@dataclass(frozen=True)
class StoryItem:
    """What the clusterer needs of an article (vector: unit-norm embedding of title + body).

    ``keys``: computed by whoever prepares the article (``item_keys``); computed on demand when absent.
    """

    article_id: str
    vector: np.ndarray
    lang: str
    time: datetime | None
    title: str
    text: str
    source: str | None
    keys: ItemKeys | None = None

    @property
    def headline_only(self) -> bool:
        """No body: the article is its title (a headline stream's item), which meets stories differently."""
        return not self.text.strip()

