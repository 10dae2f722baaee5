"""Typed values that cross the storage boundary besides the core types: what a reader asks for and
what fetch state looks like. Backends build them; nothing here knows a database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["DONE_STATUSES", "SORTS", "STATUSES", "ArticleSummary", "FeedState", "StoryFilter", "UrlState"]

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
