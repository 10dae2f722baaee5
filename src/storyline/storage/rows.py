"""Typed values that cross the storage boundary besides the core types: what a reader asks for and
what fetch state looks like. Backends build them; nothing here knows a database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

__all__ = [
    "DELIVERIES",
    "DONE_STATUSES",
    "SORTS",
    "STATUSES",
    "ArticleSummary",
    "FeedState",
    "HeadlineCandidate",
    "SourceActivity",
    "StoryFilter",
    "StoryLink",
    "StoryVectors",
    "StorylineEvent",
    "StorylineSummary",
    "StorylineUpdate",
    "UrlState",
    "Watch",
    "WatchHit",
    "originals_first",
]

# Orders of the story list: "recent" = newest day first, biggest within a day ("the newest and
# biggest stories first"); "latest" = last seen first; "size" = biggest first.
SORTS = ("recent", "latest", "size")

# Outcomes of a fetched URL. Only "failed" (a transient error) is tried again, up to a limit.
DONE_STATUSES = ("ingested", "duplicate", "already_stored", "rejected")
STATUSES = (*DONE_STATUSES, "failed")


def originals_first(sources: Iterable[str], copy_only: Iterable[str]) -> tuple[list[str], list[str]]:
    """A story's sources as every surface lists them: those of its originals in stored order, then the sources
    that only copied (sorted); and those copiers. One home for the order (store reads and ``counted_stories``).

    >>> originals_first(["Copycat", "Herald", "Mirror", "Kurier"], {"Mirror", "Copycat", "Absent"})
    (['Herald', 'Kurier', 'Copycat', 'Mirror'], ['Copycat', 'Mirror'])
    """
    sources = list(sources)
    only = sorted(set(copy_only) & set(sources))
    return [s for s in sources if s not in only] + only, only


@dataclass(frozen=True)
class StoryFilter:
    """What the story list asks for; every field optional. ``langs``/``sources`` match any of them."""

    q: str = ""
    langs: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    sort: str = "recent"
    limit: int = 30
    offset: int = 0


@dataclass(frozen=True)
class ArticleSummary:
    """Where one stored article went, without its text: for scoring a clustering against labels."""

    id: str
    origin: str
    story_id: str
    lang: str
    published: datetime | None
    duplicate_of: str | None


@dataclass(frozen=True)
class SourceActivity:
    """How many articles one source published in one language over a span of time (``Store.active_sources``):
    what a story's blind spots are read from."""

    source: str
    lang: str
    articles: int


@dataclass(frozen=True)
class UrlState:
    """What the fetcher knows of one canonical URL."""

    url: str
    status: str
    reason: str
    detail: str
    final_url: str | None
    feed_url: str | None
    article_id: str | None
    etag: str | None
    last_modified: str | None
    attempts: int
    first_seen: str
    last_attempt: str


@dataclass(frozen=True)
class FeedState:
    """What the fetcher knows of one feed: validators and how its polls went."""

    url: str
    etag: str | None
    last_modified: str | None
    last_polled: str | None
    last_status: str
    last_detail: str
    polls: int
    items_new: int


@dataclass(frozen=True)
class StoryVectors:
    """Stories' centroids (unit rows, one per id, in the order of ``ids``) from the encoder ``encoder``."""

    ids: tuple[str, ...]
    matrix: np.ndarray = field(compare=False)
    encoder: str | None = None


# A member a story's headline may be chosen from: (article id, title, vector or None), oldest first in a list.
HeadlineCandidate = tuple[str, str, np.ndarray | None]


# How a watch's webhook notice went: "none" (the watch has no webhook), "pending" (not sent yet),
# "sent", "failed" (every retry failed; ``error`` says why).
DELIVERIES = ("none", "pending", "sent", "failed")


@dataclass(frozen=True)
class Watch:
    """A saved search: the stories it caught are recorded, and sent to ``webhook`` when it has one.
    ``vector`` is the query's encoding by ``encoder`` (the database's), made once when it was added."""

    id: int
    query: str
    lang: str | None
    webhook: str | None
    created: str
    encoder: str | None = None
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    hits: int = 0
    deliveries: dict[str, int] = field(default_factory=dict, compare=False)  # delivery -> how many hits


@dataclass(frozen=True)
class WatchHit:
    """A story a watch caught when it was created (``kind`` "new") or grew ("grown") to ``size`` articles."""

    id: int
    watch_id: int
    story_id: str
    kind: str
    size: int
    at: str
    delivery: str
    attempts: int = 0
    error: str = ""


# ---------- storylines (storyline.storylines): a story's place in a storyline, one batch's changes, reads ----------
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
    headline of its biggest story. ``merged_into``: set when it joined another storyline. ``articles`` count a
    near-copy once, with its original; ``copies`` are the near-copies beside them."""

    id: str
    stories: int
    articles: int
    first: str | None
    last: str | None
    headline: str
    merged_into: str | None = None
    copies: int = 0


@dataclass(frozen=True)
class StorylineEvent:
    """One event (story) of a storyline as its timeline shows it: headline, size, languages, dated span
    (ISO), and a one-line summary (the opening of its headline article). ``size`` counts a near-copy once,
    with its original; ``copies`` are the near-copies beside them."""

    story_id: str
    headline: str
    size: int
    languages: tuple[str, ...]
    first: str | None
    last: str | None
    summary: str
    copies: int = 0
