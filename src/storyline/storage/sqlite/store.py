"""The SQLite store: one database file in WAL mode (or ``:memory:``), opened and migrated here; its
parts (articles, stories, rejections, fetch state, reads) live in their own modules.

The database is the user's own: every table is plain SQL they can browse with any SQLite tool.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from storyline.errors import ConfigError, StoreError
from storyline.lease import WriterLease, say_on_stderr
from storyline.storage.portable.watches import WatchRows
from storyline.storage.sqlite.articles import ArticleRows
from storyline.storage.sqlite.fetch_log import FetchRows
from storyline.storage.sqlite.meaning import MeaningRows
from storyline.storage.sqlite.migrations import migrate, schema_version
from storyline.storage.sqlite.rejections import RejectionRows, SentenceRows
from storyline.storage.sqlite.schema import PAGE_SIZE
from storyline.storage.sqlite.stories import StoryRows
from storyline.storage.sqlite.storylines import StorylineRows

_SqlValue = str | bytes | int | float | None


def _casefold(value: _SqlValue) -> _SqlValue:
    """SQL ``casefold(x)``: Unicode case folding of text; other values as they are."""
    return value.casefold() if isinstance(value, str) else value


# Seconds a statement waits for another connection's lock before "database is locked".
BUSY_TIMEOUT = 10.0


def _enter_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, retrying while another process does the same to the same new file: SQLite answers
    that race with "database is locked" at once, without the busy timeout (4 processes opening one new
    file at once: about one open in thirty failed)."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    pause = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def in_memory(path: str) -> bool:
    """True for databases no second connection can open: ``:memory:`` and ``file:`` URIs."""
    return path in ("", ":memory:") or path.startswith("file:")


class SqliteStore(ArticleRows, StoryRows, RejectionRows, SentenceRows, FetchRows, MeaningRows, WatchRows,
                  StorylineRows):
    """One SQLite database in WAL mode. Writes go through ``transaction()``.

    >>> from storyline.storage.sqlite.schema import MIGRATIONS
    >>> store = SqliteStore(":memory:")
    >>> store.schema_version() == len(MIGRATIONS)
    True
    """

    def __init__(self, path: str | Path = "storyline.db") -> None:
        self.path = str(path)
        folder = Path(self.path).parent
        if not in_memory(self.path) and not folder.is_dir():
            raise ConfigError(
                f"cannot create database {self.path}: folder {folder} does not exist",
                hint=f"create it first (mkdir -p {folder}) or pass --db with a path in an existing folder")
        try:
            self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                         timeout=BUSY_TIMEOUT)
            self._conn.execute(f"PRAGMA page_size={PAGE_SIZE}")  # a new file's; an existing one keeps its own
            _enter_wal(self._conn)
            self._conn.execute("PRAGMA synchronous=NORMAL")
            # 64 MiB of page cache (default 2 MiB): inserts into the indexes of a large database
            # would otherwise read most of their pages back from the OS on every batch
            self._conn.execute("PRAGMA cache_size=-65536")
            # Unicode case folding for filters (SQLite's own lower() and NOCASE fold ASCII only)
            self._conn.create_function("casefold", 1, _casefold, deterministic=True)
            migrate(self._conn, self.path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open database {self.path}: {exc}",
                hint="pass --db with a path to a Storyline database, or a new file name to start one",
            ) from exc

    # ---------- database ----------
    def schema_version(self) -> int:
        return schema_version(self._conn)

    @contextmanager
    def transaction(self) -> Iterator[SqliteStore]:
        """``with store.transaction():`` — all or nothing."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[SqliteStore]:
        """``with store.snapshot():`` — reads that all see the database as of one moment (WAL)."""
        self._conn.execute("BEGIN")
        try:
            yield self
        finally:
            self._conn.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()

    def shared_connections(self) -> bool:
        """True for a file in WAL mode: a second connection sees it and writes beside this one's reads."""
        if in_memory(self.path):
            return False
        return str(self._conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"

    def writer_lease(self, *, timeout: float | None = None,
                     on_wait: Callable[[str], None] | None = None) -> AbstractContextManager[WriterLease]:
        """The lock file beside the database (``storyline.lease``); a no-op for in-memory databases."""
        return WriterLease(self.path, timeout=timeout, on_wait=on_wait or say_on_stderr)

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file and empty it (so the file alone is whole)."""
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def space_by_table(self) -> dict[str, int]:
        """Bytes of each table and index (whole pages, SQLite's ``dbstat``), biggest first."""
        try:
            rows = self._conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC, 1")
        except sqlite3.OperationalError:  # an SQLite built without dbstat: nothing to tell
            return {}
        return {name: int(size) for name, size in rows}

    # ---------- counters ----------
    def set_counter(self, name: str, value: int) -> None:
        """Raise a counter to ``value``; a counter never goes backwards."""
        self._conn.execute(
            "INSERT INTO counters(name, value) VALUES(?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value=MAX(value, excluded.value)",
            (name, value),
        )

    def last_story_number(self) -> int:
        """The highest story number issued: the stored counter, or a higher story if one exists (a
        database written before writers took turns may hold stories past its counter)."""
        row = self._conn.execute("SELECT MAX(seq) FROM stories").fetchone()
        return max(self.counter("story"), row[0] or 0)

    def bump_counter(self, name: str) -> None:
        """Add one to a counter (0 when it does not exist yet)."""
        self._conn.execute(
            "INSERT INTO counters(name, value) VALUES(?, 1) ON CONFLICT(name) DO UPDATE SET value=value+1",
            (name,),
        )

    def counter(self, name: str) -> int:
        row = self._conn.execute("SELECT value FROM counters WHERE name=?", (name,)).fetchone()
        return row[0] if row else 0


def encoder_in_file(path: str) -> str | None:
    """The encoder name of the vectors in the database file ``path``, read without writing anything
    (no migration, no WAL file); None if it has none or is no Storyline database (yet)."""
    if in_memory(path) or not Path(path).is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT encoder FROM vectors LIMIT 1").fetchone()
            return row[0] if row else None
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # not a storyline database (yet): the store says so when it opens it


