"""What the fetcher has seen, kept in the story database so a restart neither refetches nor duplicates.

One state per canonical URL (outcome, reason, validators, article id) and per feed (validators and
when it was last polled), read and written through the store (``storyline.storage.FetchLog``).
Every write is its own transaction unless the caller already holds one.
"""

from __future__ import annotations

from storyline.storage import FeedState, FetchLog, UrlState
from storyline.storage.rows import DONE_STATUSES, STATUSES

__all__ = ["DONE_STATUSES", "STATUSES", "FeedState", "FetchState", "UrlState"]


class FetchState:
    """The fetch and feed states of one store, and when a URL needs no further try."""

    def __init__(self, store: FetchLog, max_attempts: int = 3) -> None:
        self.store = store
        self.max_attempts = max_attempts

    def get(self, url: str) -> UrlState | None:
        """The stored state of a canonical URL, if any."""
        return self.store.fetch_url_state(url)

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
        self.store.record_fetch(url, status, reason=reason, detail=detail, final_url=final_url, feed_url=feed_url,
                                article_id=article_id, etag=etag, last_modified=last_modified)

    def feed(self, url: str) -> FeedState | None:
        return self.store.fetch_feed_state(url)

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
        self.store.record_feed_poll(url, status, detail=detail, etag=etag, last_modified=last_modified,
                                    keep_validators=keep_validators, items_new=items_new)

    def counts(self) -> dict[str, int]:
        """How many URLs are in each status."""
        return self.store.fetch_status_counts()
