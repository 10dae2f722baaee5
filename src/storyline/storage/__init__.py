"""Storage: the only door to the database. ``open_store(location)`` gives a :class:`Store`; all SQL
lives in the backends (``storage/sqlite/``, ``storage/postgres/``). Callers see typed values, never a
connection. A location is a SQLite file path (or ``:memory:``) or a PostgreSQL URL (``postgresql://…``).

>>> store = open_store(":memory:")
>>> store.count_articles(), store.last_story_number()
(0, 0)
>>> store.close()
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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
    SourceActivity,
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
    "SourceActivity",
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
    "is_server",
    "open_existing",
    "open_store",
    "scratch_location",
    "store_exists",
    "to_iso",
    "utcnow",
]

_SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server(location: str | Path) -> bool:
    """True for a database server's URL (PostgreSQL), False for a SQLite file or ``:memory:``.

    >>> is_server("postgresql://news@db.example/news"), is_server("news.db")
    (True, False)
    """
    return str(location).startswith(_SERVER_SCHEMES)


def open_store(location: str | Path = "storyline.db") -> Store:
    """The store at ``location``: a SQLite file path (created and migrated if new), ``:memory:``, a
    ``file:`` URI, or a PostgreSQL URL ``postgresql://user@host:port/dbname`` (migrated on open;
    ``?schema=NAME`` keeps the tables in a schema of their own)."""
    text = str(location)
    if is_server(text):
        return _postgres_store(text)
    from storyline.storage.sqlite import SqliteStore

    return SqliteStore(text)


def encoder_at(location: str | Path) -> str | None:
    """The encoder the vectors at ``location`` come from, read without creating or migrating anything;
    None when there are none (or no database yet)."""
    text = str(location)
    if is_server(text):
        from storyline.storage.postgres import encoder_at_url

        return encoder_at_url(text)
    from storyline.storage.sqlite import encoder_in_file

    return encoder_in_file(text)


def open_existing(location: str | Path,
                  hint: str = "ingest something first (storyline ingest PATH) or pass --db FILE") -> Store:
    """The database at ``location`` for reading, NotFoundError if there is none: opening creates a
    database, and a read must not leave an empty one behind at a mistyped path (or an empty schema on a
    server)."""
    if is_server(location):
        return _postgres_store(str(location), create=False)
    if str(location) != ":memory:" and not Path(location).exists():
        raise NotFoundError(f"database {location} does not exist", hint=hint)
    return open_store(location)


def store_exists(location: str | Path) -> bool:
    """Whether a Storyline database is at ``location`` already (a file, or tables on the server)."""
    if is_server(location):
        from storyline.storage.postgres import schema_ready

        return schema_ready(str(location))
    return str(location) == ":memory:" or Path(location).exists()


@contextmanager
def scratch_location(server: str | None = None) -> Iterator[str]:
    """A fresh, empty database for one run (``eval stories``), removed afterwards: a temporary SQLite
    file, or with a PostgreSQL URL a new schema ``storyline_scratch_<random>`` there (the URL's
    ``?schema=`` replaced), dropped with everything in it at the end."""
    if server is None:
        with tempfile.TemporaryDirectory() as folder:
            yield str(Path(folder) / "scratch.db")
        return
    if not is_server(server):
        raise ConfigError(f"--db {server}: a run in a fresh database takes a PostgreSQL URL here",
                          hint="leave --db out (a temporary SQLite file is used), or pass postgresql://…")
    from storyline.storage.postgres import drop_schema, with_schema

    location = with_schema(server, f"storyline_scratch_{secrets.token_hex(6)}")
    try:
        yield location
    finally:
        drop_schema(location)


def _postgres_store(url: str, create: bool = True) -> Store:
    try:
        from storyline.storage.postgres import PostgresStore
    except ImportError as exc:  # psycopg is a dependency; a trimmed install may lack it
        raise ConfigError(f"cannot open {url}: the PostgreSQL driver (psycopg) is not installed",
                          hint="pip install 'psycopg[binary]'") from exc
    return PostgresStore(url, create=create)
