"""What the fetcher has seen, in PostgreSQL: ``fetch_urls`` (one row per canonical URL) and
``fetch_feeds`` (one row per feed), made by the first migration. Every write is its own transaction
unless the caller already holds one (then it is part of it)."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.storage.postgres.base import Connected
from storyline.storage.rows import FeedState, UrlState

# Characters of a fetch outcome's detail that are kept
DETAIL_CHARS = 1000
_URL_COLUMNS = ", ".join(UrlState.__dataclass_fields__)
_FEED_COLUMNS = ", ".join(FeedState.__dataclass_fields__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FetchRows(Connected):
    def fetch_url_state(self, url: str) -> UrlState | None:
        """The stored state of a canonical URL, if any."""
        row = self._conn.execute(f"SELECT {_URL_COLUMNS} FROM fetch_urls WHERE url = %s", (url,)).fetchone()
        return UrlState(*row) if row else None

    def record_fetch(self, url: str, status: str, *, reason: str = "", detail: str = "",
                     final_url: str | None = None, feed_url: str | None = None, article_id: str | None = None,
                     etag: str | None = None, last_modified: str | None = None) -> None:
        """Store the outcome of one attempt at ``url`` (attempts counted; first_seen kept)."""
        now = _now()
        self._conn.execute(
            """INSERT INTO fetch_urls (url, status, reason, detail, final_url, feed_url, article_id,
                                       etag, last_modified, attempts, first_seen, last_attempt)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 1, %s, %s)
               ON CONFLICT (url) DO UPDATE SET
                 status = excluded.status, reason = excluded.reason, detail = excluded.detail,
                 final_url = COALESCE(excluded.final_url, fetch_urls.final_url),
                 feed_url = COALESCE(fetch_urls.feed_url, excluded.feed_url),
                 article_id = COALESCE(excluded.article_id, fetch_urls.article_id),
                 etag = excluded.etag, last_modified = excluded.last_modified,
                 attempts = fetch_urls.attempts + 1, last_attempt = excluded.last_attempt""",
            (url, status, reason, detail[:DETAIL_CHARS], final_url, feed_url, article_id, etag,
             last_modified, now, now),
        )

    def fetch_feed_state(self, url: str) -> FeedState | None:
        row = self._conn.execute(f"SELECT {_FEED_COLUMNS} FROM fetch_feeds WHERE url = %s", (url,)).fetchone()
        return FeedState(*row) if row else None

    def record_feed_poll(self, url: str, status: str, *, detail: str = "", etag: str | None = None,
                         last_modified: str | None = None, keep_validators: bool = False,
                         items_new: int = 0) -> None:
        """Store one poll of a feed. ``keep_validators`` leaves the old ETag/Last-Modified in place."""
        self._conn.execute(
            """INSERT INTO fetch_feeds (url, etag, last_modified, last_polled, last_status, last_detail,
                                        polls, items_new)
               VALUES (%s, %s, %s, %s, %s, %s, 1, %s)
               ON CONFLICT (url) DO UPDATE SET
                 etag = CASE WHEN %s THEN fetch_feeds.etag ELSE excluded.etag END,
                 last_modified = CASE WHEN %s THEN fetch_feeds.last_modified ELSE excluded.last_modified END,
                 last_polled = excluded.last_polled, last_status = excluded.last_status,
                 last_detail = excluded.last_detail, polls = fetch_feeds.polls + 1,
                 items_new = fetch_feeds.items_new + excluded.items_new""",
            (url, None if keep_validators else etag, None if keep_validators else last_modified, _now(),
             status, detail[:DETAIL_CHARS], items_new, keep_validators, keep_validators),
        )

    def fetch_status_counts(self) -> dict[str, int]:
        """How many URLs are in each status."""
        rows = self._conn.execute("SELECT status, COUNT(*) FROM fetch_urls GROUP BY status")
        return {status: int(count) for status, count in rows}
