"""Typed values of the storyline layer that cross the storage boundary: a story's place in a storyline
(with the facts the linker needs to pick up where it left off), one batch's changes, and what readers
see of a storyline. No behaviour, nothing that knows a database."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoryLink:
    """One story in its storyline, with what the linker knows of the story: how many of its members name
    each rare name (the people and places that say which affair), its size, and its dated span (epoch
    seconds; None when no member is dated). ``step``: the linker's count of batches when it last changed."""

    story_id: str
    storyline_id: str
    names: tuple[tuple[str, int], ...]
    size: int
    first: float | None
    last: float | None
    step: int


@dataclass(frozen=True)
class StorylineUpdate:
    """What one batch changed: storylines started (id, number), stories placed or grown (``links``),
    storylines merged ((absorbed, into) in order: the absorbed one's stories now belong to ``into``),
    and stories gone into other stories (``dropped``: their links are removed)."""

    created: tuple[tuple[str, int], ...] = ()
    links: tuple[StoryLink, ...] = ()
    merges: tuple[tuple[str, str], ...] = ()
    dropped: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.created or self.links or self.merges or self.dropped)


@dataclass(frozen=True)
class StorylineSummary:
    """A storyline as lists show it: its stories (events), their articles, its dated span (ISO) and the
    headline of its biggest story. ``merged_into``: set when it joined another storyline."""

    id: str
    stories: int
    articles: int
    first: str | None
    last: str | None
    headline: str
    merged_into: str | None = None


@dataclass(frozen=True)
class StorylineEvent:
    """One event (story) of a storyline as its timeline shows it: headline, size, languages, dated span
    (ISO), and a one-line summary (the opening of its headline article)."""

    story_id: str
    headline: str
    size: int
    languages: tuple[str, ...]
    first: str | None
    last: str | None
    summary: str
