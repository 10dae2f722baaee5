"""Typed values that cross the storage boundary besides the core types: what a reader asks for and
what fetch state looks like. Backends build them; nothing here knows a database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["DONE_STATUSES", "SORTS", "STATUSES", "ArticleSummary", "FeedState", "StoryFilter", "StoryLink",
           "StorylineEvent", "StorylineSummary", "StorylineUpdate", "UrlState"]

# Orders of the story list: "recent" = newest day first, biggest within a day ("the newest and
# biggest stories first"); "latest" = last seen first; "size" = biggest first.
SORTS = ("recent", "latest", "size")

# Outcomes of a fetched URL. Only "failed" (a transient error) is tried again, up to a limit.
DONE_STATUSES = ("ingested", "duplicate", "already_stored", "rejected")
STATUSES = (*DONE_STATUSES, "failed")


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
