"""What the fetcher has seen, kept in the story database so a restart neither refetches nor duplicates.

Two tables: ``fetch_urls`` (one row per canonical URL: outcome, reason, validators, article id) and
``fetch_feeds`` (one row per feed: validators and when it was last polled). Every write is its
own transaction unless the caller already holds one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

SCHEMA = """
CREATE TABLE IF NOT EXISTS fetch_urls (
    url           TEXT PRIMARY KEY,
    status        TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    detail        TEXT NOT NULL DEFAULT '',
    final_url     TEXT,
    feed_url      TEXT,
    article_id    TEXT,
    etag          TEXT,
    last_modified TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    first_seen    TEXT NOT NULL,
    last_attempt  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fetch_urls_status ON fetch_urls(status);
CREATE TABLE IF NOT EXISTS fetch_feeds (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    last_polled   TEXT,
    last_status   TEXT NOT NULL DEFAULT '',
    last_detail   TEXT NOT NULL DEFAULT '',
    polls         INTEGER NOT NULL DEFAULT 0,
    items_new     INTEGER NOT NULL DEFAULT 0
);
"""

# Outcomes of a URL. Only "failed" (a transient error) is tried again, up to ``max_attempts``.
DONE_STATUSES = ("ingested", "duplicate", "already_stored", "rejected")
STATUSES = (*DONE_STATUSES, "failed")


@dataclass(frozen=True)
class UrlState:
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
    url: str
    etag: str | None
    last_modified: str | None
    last_polled: str | None
    last_status: str
    last_detail: str
    polls: int
    items_new: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FetchState:
    """The fetch/feed tables on an open connection (created if missing)."""

    def __init__(self, conn: sqlite3.Connection, max_attempts: int = 3) -> None:
        self.conn = conn
        self.max_attempts = max_attempts
        with self._tx():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.conn.execute(statement)

    @contextmanager
    def _tx(self) -> Iterator[None]:
        """A write transaction, or a part of the caller's if one is open."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def get(self, url: str) -> UrlState | None:
        """The stored state of a canonical URL, if any."""
        row = self.conn.execute(f"SELECT {', '.join(UrlState.__dataclass_fields__)} FROM fetch_urls WHERE url = ?", (url,)).fetchone()
        return UrlState(*row) if row else None

    def is_settled(self, url: str) -> bool:
        """True when ``url`` needs no further fetch: done, or failed too often."""
        state = self.get(url)
        return state is not None and (state.status in DONE_STATUSES or state.attempts >= self.max_attempts)

    def record(
        self,
        url: str,
        status: str,
        *,
        reason: str = "",
        detail: str = "",
        final_url: str | None = None,
        feed_url: str | None = None,
        article_id: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Store the outcome of one attempt at ``url`` (attempts counted; first_seen kept)."""
        if status not in STATUSES:
            raise ValueError(f"unknown fetch status {status!r}; expected one of {STATUSES}")
        now = _now()
        with self._tx():
            self.conn.execute(
                """INSERT INTO fetch_urls (url, status, reason, detail, final_url, feed_url, article_id,
                                           etag, last_modified, attempts, first_seen, last_attempt)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                   ON CONFLICT(url) DO UPDATE SET
                     status = excluded.status, reason = excluded.reason, detail = excluded.detail,
                     final_url = COALESCE(excluded.final_url, final_url),
                     feed_url = COALESCE(feed_url, excluded.feed_url),
                     article_id = COALESCE(excluded.article_id, article_id),
                     etag = excluded.etag, last_modified = excluded.last_modified,
                     attempts = attempts + 1, last_attempt = excluded.last_attempt""",
                (url, status, reason, detail[:1000], final_url, feed_url, article_id, etag, last_modified, now, now),
            )

    def feed(self, url: str) -> FeedState | None:
        row = self.conn.execute(f"SELECT {', '.join(FeedState.__dataclass_fields__)} FROM fetch_feeds WHERE url = ?", (url,)).fetchone()
        return FeedState(*row) if row else None

    def record_feed(
        self,
        url: str,
        status: str,
        *,
        detail: str = "",
        etag: str | None = None,
        last_modified: str | None = None,
        keep_validators: bool = False,
        items_new: int = 0,
    ) -> None:
        """Store one poll of a feed. ``keep_validators`` leaves the old ETag/Last-Modified in place
        (a poll that did not finish must not let the next one answer 304 for items never read)."""
        with self._tx():
            self.conn.execute(
                """INSERT INTO fetch_feeds (url, etag, last_modified, last_polled, last_status, last_detail, polls, items_new)
                   VALUES (?, ?, ?, ?, ?, ?, 1, ?)
                   ON CONFLICT(url) DO UPDATE SET
                     etag = CASE WHEN ? THEN etag ELSE excluded.etag END,
                     last_modified = CASE WHEN ? THEN last_modified ELSE excluded.last_modified END,
                     last_polled = excluded.last_polled, last_status = excluded.last_status,
                     last_detail = excluded.last_detail, polls = polls + 1,
                     items_new = items_new + excluded.items_new""",
                (url, None if keep_validators else etag, None if keep_validators else last_modified, _now(), status,
                 detail[:1000], items_new, keep_validators, keep_validators),
            )

    def counts(self) -> dict[str, int]:
        """How many URLs are in each status."""
        return dict(self.conn.execute("SELECT status, COUNT(*) FROM fetch_urls GROUP BY status").fetchall())
