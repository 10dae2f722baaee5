"""The PostgreSQL store: one connection (autocommit; transactions opened explicitly) to one schema of
one database, migrated on open; its parts (articles, stories, rejections, fetch state, reads) live in
their own modules. Many processes may open the same store: readers never wait, writers take turns
through the writer lease (an advisory lock), and story ids are checked inside each write transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import psycopg
from psycopg.pq import TransactionStatus

from storyline.errors import NotFoundError, StoreError
from storyline.lease import say_on_stderr
from storyline.storage.portable.watches import WatchRows
from storyline.storage.postgres.articles import ArticleRows
from storyline.storage.postgres.connect import (
    LOCK_STORY_IDS,
    connect,
    current_schema,
    lock_key,
    parse_location,
    redact,
)
from storyline.storage.postgres.fetch_log import FetchRows
from storyline.storage.postgres.lease import AdvisoryLease
from storyline.storage.postgres.meaning import MeaningRows
from storyline.storage.postgres.migrations import migrate, schema_version
from storyline.storage.postgres.rejections import RejectionRows, SentenceRows
from storyline.storage.postgres.stories import StoryRows
from storyline.storage.postgres.storylines import StorylineRows


class PostgresStore(ArticleRows, StoryRows, RejectionRows, SentenceRows, FetchRows, MeaningRows, WatchRows,
                    StorylineRows):
    """The Storyline tables in one schema of a PostgreSQL database (``location``: a libpq URL, with
    ``?schema=NAME`` for a schema of its own). ``create=False`` opens only a store that exists
    (NotFoundError otherwise) and leaves nothing behind."""

    def __init__(self, location: str, *, create: bool = True) -> None:
        self.path = location
        self._target = parse_location(location)
        self._conn = connect(location, self._target)
        try:
            schema = self._target.schema or current_schema(self._conn)
            if schema is None:
                raise StoreError(f"{redact(location)}: the search_path names no schema that exists",
                                 hint="create the schema, or add ?schema=NAME to the URL (made if missing)")
            self.schema = schema
            if not create and schema_version(self._conn) == 0:
                raise NotFoundError(f"no Storyline database at {redact(location)} (schema {schema})",
                                    hint="ingest something first (storyline ingest PATH --db URL)")
            migrate(self._conn, schema, redact(location), create_schema=create and self._target.schema is not None)
        except psycopg.Error as exc:
            self._conn.close()
            raise StoreError(f"cannot open {redact(location)}: {exc}",
                             hint="the user needs CREATE on the database or schema for the first open; "
                                  "or add ?schema=NAME for a schema of its own") from exc
        except BaseException:
            self._conn.close()
            raise

    # ---------- database ----------
    def schema_version(self) -> int:
        return schema_version(self._conn)

    @contextmanager
    def transaction(self) -> Iterator[PostgresStore]:
        """``with store.transaction():`` — all or nothing (nested: a savepoint). Statements whose results
        are not read go to the server together (pipeline mode): a batch's many small writes cost few round
        trips."""
        with self._conn.pipeline(), self._conn.transaction():
            yield self

    @contextmanager
    def snapshot(self) -> Iterator[PostgresStore]:
        """``with store.snapshot():`` — reads that all see one moment (a REPEATABLE READ, READ ONLY
        transaction); inside a caller's transaction, that one's view."""
        if self._conn.info.transaction_status != TransactionStatus.IDLE:
            yield self
            return
        with self._conn.transaction():
            self._conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield self

    def close(self) -> None:
        self._conn.close()

    def checkpoint(self) -> None:
        """Nothing to do: a committed transaction is the server's to keep."""

    def space_by_table(self) -> dict[str, int]:
        """Bytes of each table (its TOAST data included) and index of the store's schema, biggest first."""
        rows = self._conn.execute(
            "SELECT c.relname, pg_relation_size(c.oid) + COALESCE(pg_relation_size(c.reltoastrelid), 0)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i') ORDER BY 2 DESC, 1").fetchall()
        return {name: int(size) for name, size in rows}

    def shared_connections(self) -> bool:
        """True: every connection sees the same database, and readers never block the writer."""
        return True

    def writer_lease(self, *, timeout: float | None = None,
                     on_wait: Callable[[str], None] | None = None) -> AbstractContextManager[AdvisoryLease]:
        """An advisory lock of this schema, held on a connection of its own while the lease lasts."""
        return AdvisoryLease(self.path, self._target, self.schema, on_wait=on_wait or say_on_stderr,
                             timeout=timeout)

    # ---------- counters ----------
    def set_counter(self, name: str, value: int) -> None:
        """Raise a counter to ``value``; a counter never goes backwards."""
        self._conn.execute(
            "INSERT INTO counters(name, value) VALUES(%s, %s)"
            " ON CONFLICT (name) DO UPDATE SET value = GREATEST(counters.value, excluded.value)",
            (name, value),
        )

    def last_story_number(self) -> int:
        """The highest story number issued: the stored counter, or a higher stored story. Inside a write
        transaction it first waits for any other transaction issuing ids (an advisory lock held to its
        commit), so it reads the ids that one took."""
        if self._conn.info.transaction_status != TransactionStatus.IDLE:
            self._conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", lock_key(LOCK_STORY_IDS, self.schema))
        row = self._conn.execute("SELECT MAX(seq) FROM stories").fetchone()
        return max(self.counter("story"), (row[0] if row else None) or 0)

    def bump_counter(self, name: str) -> None:
        """Add one to a counter (0 when it does not exist yet)."""
        self._conn.execute(
            "INSERT INTO counters(name, value) VALUES(%s, 1)"
            " ON CONFLICT (name) DO UPDATE SET value = counters.value + 1",
            (name,),
        )

    def counter(self, name: str) -> int:
        row = self._conn.execute("SELECT value FROM counters WHERE name=%s", (name,)).fetchone()
        return int(row[0]) if row else 0


def encoder_at_url(location: str) -> str | None:
    """The encoder of the vectors stored at ``location``, read without creating or migrating anything;
    None if there are none, no Storyline tables there yet, or no server to ask."""
    target = parse_location(location)
    try:
        conn = connect(location, target)
    except StoreError:
        return None
    try:
        if conn.execute("SELECT to_regclass('vectors')").fetchone() in (None, (None,)):
            return None
        row = conn.execute("SELECT encoder FROM vectors LIMIT 1").fetchone()
        return row[0] if row else None
    except psycopg.Error:
        return None
    finally:
        conn.close()


def schema_ready(location: str) -> bool:
    """Whether Storyline's tables are at ``location`` (False too when no server answers)."""
    target = parse_location(location)
    try:
        conn = connect(location, target)
    except StoreError:
        return False
    try:
        return schema_version(conn) > 0
    finally:
        conn.close()


def drop_schema(location: str) -> None:
    """Drop the schema named by ``location``'s ``?schema=`` with all its tables (a scratch run's)."""
    target = parse_location(location)
    if target.schema is None:
        raise StoreError(f"{redact(location)} names no schema of its own to drop")
    conn = connect(location, target)
    try:
        conn.execute(f'DROP SCHEMA IF EXISTS "{target.schema}" CASCADE')
    finally:
        conn.close()


__all__ = ["PostgresStore", "drop_schema", "encoder_at_url", "schema_ready"]
