"""The assignment stage: the order articles meet the clusterer, and where near-duplicates go.

The engine assigns each batch oldest first (:func:`storyline.prepare.oldest_first`), and a
near-duplicate joins the story of the article it copies without meeting the model. The calibration
script replays files through these same functions, so its figures are the ones the engine gives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from storyline.clustering import StoryItem, item_keys
from storyline.clustering.protocol import Clusterer, ExpectsBatches
from storyline.prepare import When, oldest_first, usable_time
from storyline.types import Article, Assignment


@dataclass(frozen=True)
class Assigned:
    """A batch's assignments (in batch order) and the story merges they made, (absorbed, into) in order."""

    assignments: tuple[Assignment, ...]
    merges: tuple[tuple[str, str], ...]


def story_item(article: Article, vector: np.ndarray) -> StoryItem:
    """What the clusterer sees of an article, its keys included (the calibration script builds its data
    with it too)."""
    return StoryItem(
        article_id=article.id, vector=np.asarray(vector, dtype=np.float32), lang=article.lang,
        # only a real publication time is evidence: ingest time of an old file says nothing
        time=usable_time(article), title=article.title, text=article.text, source=article.source,
        keys=item_keys(article.title, article.text, article.lang),
    )


def story_items_of(articles: Sequence[Article], vectors: np.ndarray) -> list[StoryItem]:
    """``story_item`` of each article with its row of ``vectors`` (a batch, as ``WorkOptions.make_items`` takes it)."""
    return [story_item(article, vector) for article, vector in zip(articles, vectors, strict=True)]


def arrival_order(numbers: Sequence[int], times: Sequence[When | None], batch_size: int) -> list[int]:
    """Positions in the order the engine assigns them, for inputs numbered from 1 in reading order: the
    engine reads ``batch_size`` inputs a batch and assigns each batch oldest first.

    >>> arrival_order([1, 2, 3, 4], [5.0, None, 1.0, 2.0], batch_size=3)
    [2, 1, 0, 3]
    """
    batches: dict[int, list[int]] = {}
    for position, number in enumerate(numbers):
        batches.setdefault((number - 1) // batch_size, []).append(position)
    out: list[int] = []
    for _, positions in sorted(batches.items()):
        out += [positions[i] for i in oldest_first([times[p] for p in positions])]
    return out


def assign_in_order(
    clusterer: Clusterer,
    items: Sequence[StoryItem],
    duplicate_of: Sequence[str | None],
    order: Sequence[int],
    stored_story: Callable[[str], str | None] = lambda article_id: None,
) -> Assigned:
    """Each item to a story, in ``order``. A near-duplicate (``duplicate_of`` names its original) joins
    its original's story, assigned earlier in this call or stored (``stored_story``), without meeting
    the model; with no such story it is assigned like any article. A clusterer with ``expect`` is told the
    batch first (StoryClusterer scores it against the held stories in one product) and its end after."""
    assignments: list[Assignment | None] = [None] * len(items)
    story_of: dict[str, str] = {}
    merges: list[tuple[str, str]] = []
    expect = clusterer.expect if isinstance(clusterer, ExpectsBatches) else None
    if expect is not None:
        expect([items[i] for i in order])
    try:
        for i in order:
            item, original = items[i], duplicate_of[i]
            target = None if original is None else story_of.get(original) or stored_story(original)
            assignment = clusterer.add_to(item, target) if target else clusterer.learn_one(item)
            if original is not None:
                assignment = replace(assignment, duplicate_of=original)
            merges += assignment.merged
            story_of[item.article_id] = assignment.story_id
            assignments[i] = assignment
    finally:
        if expect is not None:
            expect([])
    if any(a is None for a in assignments):
        raise ValueError("order must name every item once")
    return Assigned(tuple(a for a in assignments if a is not None), tuple(merges))
