"""How big a story is with each near-copy counted once, with its original: the one count every surface shows
(story list cards, feeds, the API's lists and search, entity pages, the CLI, watches and their webhooks,
storylines, the "Biggest" order, ``storyline.stories()``), the same as the story page's coverage and the brief.

The store keeps a story's ``size`` as the articles it holds, copies included (clustering weighs by it); the reads
the surfaces use (``Store.story_rows``, ``story_page``, ``story_copies``) give its originals as ``size`` and the
near-copies beside them as ``copies``. A near-copy here is an article whose ``duplicate_of`` is in the same story,
as ``coverage.facts.originals`` counts it (dedup marks a copy of the earliest version, so copies never loop).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from storyline.storage.rows import originals_first

if TYPE_CHECKING:
    from storyline.storage import Store
    from storyline.types import Story

__all__ = ["StorySize", "counted_stories", "short_size", "size_label", "size_of"]


def _plural(n: int, word: str, plural: str) -> str:
    return f"{n} {word if n == 1 else plural}"


def size_label(originals: int, copies: int) -> str:
    """A story's size as every page, feed and terminal line words it: "6 articles + 2 copies" (or "1 article").

    >>> size_label(6, 2), size_label(1, 0), size_label(3, 1)
    ('6 articles + 2 copies', '1 article', '3 articles + 1 copy')
    """
    line = _plural(originals, "article", "articles")
    return line + (f" + {_plural(copies, 'copy', 'copies')}" if copies else "")


def short_size(originals: int, copies: int) -> str:
    """A story's size in a terminal line, the originals aligned: "  6 art + 2 copies", "  1 art".

    >>> short_size(6, 2), short_size(1, 0)
    ('  6 art + 2 copies', '  1 art')
    """
    return f"{originals:>3} art" + (f" + {_plural(copies, 'copy', 'copies')}" if copies else "")


@dataclass(frozen=True)
class StorySize:
    """A story's articles as stored (near-copies included), its near-copies and its originals (the size shown)."""

    articles: int
    copies: int

    @property
    def originals(self) -> int:
        """The articles with each near-copy counted once, with its original: what every total shows."""
        return self.articles - self.copies

    @property
    def label(self) -> str:
        return size_label(self.originals, self.copies)


def size_of(row: Mapping[str, Any]) -> StorySize:
    """The size of a story row as the store's reads give it (``size``: originals, ``copies``: near-copies).

    >>> s = size_of({"size": 6, "copies": 2}); (s.articles, s.copies, s.originals, s.label)
    (8, 2, 6, '6 articles + 2 copies')
    """
    copies = int(row.get("copies") or 0)
    return StorySize(int(row.get("size") or 0) + copies, copies)


def counted_stories(store: Store, stories: Sequence[Story]) -> list[Story]:
    """``stories`` as the public API gives them: ``size`` their originals, ``copies`` their near-copies, ``sources``
    those of their originals first, then those that only copied (``originals_first``; one read, a second for
    stories with copies)."""
    copies = store.story_copies([story.id for story in stories])
    copiers = store.copy_only_sources(list(copies))
    out = []
    for story in stories:
        sources, _ = originals_first(story.sources, copiers.get(story.id, ()))
        out.append(replace(story, size=story.size - copies.get(story.id, 0), copies=copies.get(story.id, 0),
                           sources=tuple(sources)))
    return out
