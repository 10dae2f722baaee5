"""What the engine asks of a story clusterer, and the one counter that issues story ids.

The verbs follow river's online learners: ``learn_one`` places an article by the model,
``add_to`` places it in a story already known (a near-duplicate joins its original's story; a
restart replays stored stories). Both return the :class:`~storyline.types.Assignment`, whose
``merged`` names the stories the article joined together: nobody drains merges afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from storyline.clustering.item import StoryItem
    from storyline.clustering.params import StoryParams
    from storyline.types import Assignment

_NUMBERED = re.compile(r"^s(\d+)$")

NewStoryId = Callable[[], str]  # issues the id of each new story


class Clusterer(Protocol):
    """An online story clusterer the engine can drive (:class:`StoryClusterer` is the shipped one)."""

    @property
    def params(self) -> StoryParams:
        """Its parameters: the engine reads ``max_active`` (stories worth replaying on restart) and
        ``window_days`` (stories silent longer are closed in the store)."""
        ...

    def learn_one(self, item: StoryItem) -> Assignment:
        """Place an article in the most likely story of its event, or open a new one."""
        ...

    def add_to(self, item: StoryItem, story_id: str) -> Assignment:
        """Place an article in a given story (an absorbed id names the story it went into)."""
        ...

    def active_story_ids(self) -> list[str]:
        """Ids of the stories still open to new articles."""
        ...

    def emptied(self) -> Clusterer:
        """A clusterer with the same parameters and id source, holding no stories (after a failed ingest,
        memory is rebuilt from the database)."""
        ...


@runtime_checkable
class ExpectsBatches(Protocol):
    """A clusterer that can prepare for the articles about to be assigned (:class:`StoryClusterer` scores
    them against its held stories in one product): ``expect(items)`` before, ``expect([])`` after."""

    def expect(self, items: Sequence[StoryItem]) -> None: ...


class StoryIds:
    """The counter of story ids "s1", "s2", …: the engine seeds it from the database's story counter
    (and the write transaction checks the batch's new ids are still free there); a clusterer on its
    own starts at zero.

    >>> ids = StoryIds()
    >>> ids(), ids()
    ('s1', 's2')
    >>> ids.reserve(["s7", "g:label"]); ids(), ids.last
    ('s8', 8)
    """

    def __init__(self, last: int = 0) -> None:
        self.last = last  # the highest number issued or known taken

    def __call__(self) -> str:
        self.last += 1
        return f"s{self.last}"

    def reserve(self, story_ids: Iterable[str]) -> None:
        """Mark ids as taken (stored or issued elsewhere) so none is issued again; other shapes are ignored."""
        for story_id in story_ids:
            match = _NUMBERED.match(story_id)
            if match:
                self.last = max(self.last, int(match.group(1)))
