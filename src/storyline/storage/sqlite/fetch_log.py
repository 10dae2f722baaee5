"""What the fetcher has seen, in SQLite: ``fetch_urls`` (one row per canonical URL: outcome, reason,
validators, article id) and ``fetch_feeds`` (one row per feed: validators, last poll).

The tables are created on first use (``IF NOT EXISTS``), as before they were migrations: a database
that never fetched has none. Every write is its own transaction unless the caller already holds one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.storage.rows import FeedState, UrlState
from storyline.storage.sqlite.base import Connected
from storyline.storage.sqlite.schema import FETCH_SCHEMA

# Characters of a fetch outcome's detail that are kept
DETAIL_CHARS = 1000
_URL_COLUMNS = ", ".join(UrlState.__dataclass_fields__)
_FEED_COLUMNS = ", ".join(FeedState.__dataclass_fields__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FetchRows(Connected):
    _fetch_tables_ready = False

    def _fetch_tables(self) -> None:
        """Create the fetch tables if they are missing; once per store, unless made inside a caller's
        transaction (which may still roll them back)."""
        if self._fetch_tables_ready:
            return
        joined = self._conn.in_transaction
        with self.own_transaction():
            for statement in FETCH_SCHEMA.split(";"):
                if statement.strip():
                    self._conn.execute(statement)
        self._fetch_tables_ready = not joined

    def fetch_url_state(self, url: str) -> UrlState | None:
        """The stored state of a canonical URL, if any."""
        self._fetch_tables()
        row = self._conn.execute(f"SELECT {_URL_COLUMNS} FROM fetch_urls WHERE url = ?", (url,)).fetchone()
        return UrlState(*row) if row else None

    def record_fetch(self, url: str, status: str, *, reason: str = "", detail: str = "",
                     final_url: str | None = None, feed_url: str | None = None, article_id: str | None = None,
                     etag: str | None = None, last_modified: str | None = None) -> None:
        """Store the outcome of one attempt at ``url`` (attempts counted; first_seen kept)."""
        self._fetch_tables()
        now = _now()
        with self.own_transaction():
            self._conn.execute(
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
                (url, status, reason, detail[:DETAIL_CHARS], final_url, feed_url, article_id, etag,
                 last_modified, now, now),
            )

    def fetch_feed_state(self, url: str) -> FeedState | None:
        self._fetch_tables()
        row = self._conn.execute(f"SELECT {_FEED_COLUMNS} FROM fetch_feeds WHERE url = ?", (url,)).fetchone()
        return FeedState(*row) if row else None

    def record_feed_poll(self, url: str, status: str, *, detail: str = "", etag: str | None = None,
                         last_modified: str | None = None, keep_validators: bool = False,
                         items_new: int = 0) -> None:
        """Store one poll of a feed. ``keep_validators`` leaves the old ETag/Last-Modified in place."""
        self._fetch_tables()
        with self.own_transaction():
            self._conn.execute(
                """INSERT INTO fetch_feeds (url, etag, last_modified, last_polled, last_status, last_detail,
                                            polls, items_new)
                   VALUES (?, ?, ?, ?, ?, ?, 1, ?)
                   ON CONFLICT(url) DO UPDATE SET
                     etag = CASE WHEN ? THEN etag ELSE excluded.etag END,
                     last_modified = CASE WHEN ? THEN last_modified ELSE excluded.last_modified END,
                     last_polled = excluded.last_polled, last_status = excluded.last_status,
                     last_detail = excluded.last_detail, polls = polls + 1,
                     items_new = items_new + excluded.items_new""",
                (url, None if keep_validators else etag, None if keep_validators else last_modified, _now(),
                 status, detail[:DETAIL_CHARS], items_new, keep_validators, keep_validators),
            )

    def fetch_status_counts(self) -> dict[str, int]:
        """How many URLs are in each status."""
        self._fetch_tables()
        return dict(self._conn.execute("SELECT status, COUNT(*) FROM fetch_urls GROUP BY status").fetchall())
