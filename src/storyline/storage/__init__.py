"""Storage: the only door to the database. ``open_store(location)`` gives a :class:`Store`; all SQL
lives in the backends (``storage/sqlite/`` today). Callers see typed values, never a connection.

>>> store = open_store(":memory:")
>>> store.count_articles(), store.last_story_number()
(0, 0)
>>> store.close()
"""

from __future__ import annotations

from pathlib import Path

from storyline.dates import from_iso, to_iso, utcnow
from storyline.errors import ConfigError, NotFoundError
from storyline.storage.protocol import (
    ArticleRow,
    ArticleStore,
    Counters,
    Database,
    FetchLog,
    MemberFacts,
    RejectionStore,
    SearchIndex,
    SentenceStore,
    Store,
    StorylineStore,
    StoryReads,
    StoryStore,
    WatchStore,
)
from storyline.storage.rows import (
    ArticleSummary,
    FeedState,
    StoryFilter,
    StorylineEvent,
    StorylineSummary,
    StorylineUpdate,
    StoryLink,
    StoryVectors,
    UrlState,
    Watch,
    WatchHit,
)

__all__ = [
    "ArticleRow",
    "ArticleStore",
    "ArticleSummary",
    "Counters",
    "Database",
    "FeedState",
    "FetchLog",
    "MemberFacts",
    "RejectionStore",
    "SearchIndex",
    "SentenceStore",
    "Store",
    "StoryFilter",
    "StoryLink",
    "StoryReads",
    "StoryStore",
    "StoryVectors",
    "StorylineEvent",
    "StorylineStore",
    "StorylineSummary",
    "StorylineUpdate",
    "UrlState",
    "Watch",
    "WatchHit",
    "WatchStore",
    "encoder_at",
    "from_iso",
    "open_existing",
    "open_store",
    "to_iso",
    "utcnow",
]

_SERVER_SCHEMES = ("postgresql://", "postgres://")


def open_store(location: str | Path = "storyline.db") -> Store:
    """The store at ``location``: a SQLite file path (created and migrated if new), ``:memory:``, or a
    ``file:`` URI. Raises ConfigError for a location no backend here can open."""
    text = str(location)
    if text.startswith(_SERVER_SCHEMES):
        raise ConfigError(f"cannot open {text}: this Storyline has no PostgreSQL backend yet",
                          hint="pass --db with a SQLite file path")
    from storyline.storage.sqlite import SqliteStore

    return SqliteStore(text)


def encoder_at(location: str | Path) -> str | None:
    """The encoder the vectors at ``location`` come from, read without creating or migrating anything;
    None when there are none (or no database yet)."""
    text = str(location)
    if text.startswith(_SERVER_SCHEMES):
        return None
    from storyline.storage.sqlite import encoder_in_file

    return encoder_in_file(text)


def open_existing(location: str | Path,
                  hint: str = "ingest something first (storyline ingest PATH) or pass --db FILE") -> Store:
    """The database at ``location`` for reading, NotFoundError if there is none: opening creates a
    database, and a read must not leave an empty one behind at a mistyped path."""
    if str(location) != ":memory:" and not Path(location).exists():
        raise NotFoundError(f"database {location} does not exist", hint=hint)
    return open_store(location)
