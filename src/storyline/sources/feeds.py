"""RSS/Atom feeds, and the loop that turns feeds and URLs into ingested articles.

``parse_feed`` reads a feed body (never fetching anything itself). ``Harvester`` fetches pages and
polls feeds through a ``Fetcher``, hands every page or skip to a ``Sink`` (the engine, in the
CLI), and keeps ``FetchState`` so a restart neither refetches nor duplicates. Every URL ends as
an outcome in the ``Tally``: ingested, duplicate, or a skip counted by reason.
"""

from __future__ import annotations

import hashlib
import html
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable, Protocol
from urllib.parse import urljoin

import feedparser

from storyline.fetch_state import DONE_STATUSES, FetchState
from storyline.sources.http import FEED_ACCEPT, TRANSIENT_REASONS, Fetcher, Page, page_record
from storyline.sources.urls import try_canonicalize
from storyline.types import RawRecord, Rejection


@dataclass(frozen=True)
class FeedItem:
    """One feed entry: where the article is (``link`` may be None for headline-only items)."""

    link: str | None
    title: str
    summary: str
    published: str | None
    guid: str | None


def _iso(parsed: object) -> str | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=timezone.utc).isoformat()  # type: ignore[index]
    except (TypeError, ValueError):
        return None


_TAG = re.compile(r"<[^>]+>")


def strip_tags(fragment: str) -> str:
    """Plain text of a small HTML fragment (feed summaries).

    >>> strip_tags("<p>Tom &amp; Jerry</p> <b>return</b>")
    'Tom & Jerry return'
    """
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def parse_feed(body: bytes, url: str, content_type: str = "") -> list[FeedItem] | Rejection:
    """The items of an RSS/Atom body, or ``Rejection(reason="bad_feed")`` when nothing usable is in it."""
    parsed = feedparser.parse(body, response_headers={"content-location": url, "content-type": content_type or "application/xml"})
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or None
        title = strip_tags(entry.get("title", ""))
        summary = strip_tags(entry.get("summary", ""))
        if not link and not title and not summary:
            continue
        published = _iso(entry.get("published_parsed")) or _iso(entry.get("updated_parsed"))
        items.append(FeedItem(urljoin(url, link) if link else None, title, summary, published, entry.get("id") or None))
    if items:
        return items
    if parsed.bozo:
        return Rejection(url, "bad_feed", f"not a readable RSS/Atom feed: {parsed.get('bozo_exception')}"[:300])
    if not parsed.get("version"):
        return Rejection(url, "bad_feed", "not an RSS/Atom feed")
    return []


@dataclass(frozen=True)
class Outcome:
    """What the sink made of one item: ``ingested``, ``duplicate`` (ingested as a near-copy of
    another article), ``already_stored`` (the very same article is in the database) or ``rejected``."""

    status: str
    reason: str = ""
    article_id: str | None = None
    detail: str = ""
    story_id: str | None = None
    new_story: bool = False


class Sink(Protocol):
    """Takes one record or rejection (the engine, in the CLI) and says what became of it."""

    def __call__(self, item: RawRecord | Rejection) -> Outcome: ...


@dataclass
class Tally:
    """Counts of one run or round. ``ingested`` includes near-duplicates (``duplicates`` is a part of
    it); ``skipped`` maps each reason to how many URLs or items it stopped."""

    ingested: int = 0
    duplicates: int = 0
    already_stored: int = 0
    received: int = 0
    skipped: Counter = field(default_factory=Counter)
    feeds_polled: int = 0
    feeds_unchanged: int = 0
    feeds_failed: int = 0
    seen_before: int = 0

    def add(self, other: Tally) -> None:
        for name in ("ingested", "duplicates", "already_stored", "received", "feeds_polled", "feeds_unchanged",
                     "feeds_failed", "seen_before"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.skipped.update(other.skipped)

    def count(self, outcome: Outcome, from_engine: bool) -> None:
        """Count one outcome; ``from_engine`` when a page or item reached the sink as a record."""
        self.received += from_engine
        if outcome.status in ("ingested", "duplicate"):
            self.ingested += 1
            self.duplicates += outcome.status == "duplicate"
        elif outcome.status == "already_stored":
            self.already_stored += 1
        else:
            self.skipped[outcome.reason] += 1


def _feed_item_key(feed_url: str, item: FeedItem) -> str:
    """A stable state key for a linkless item: the feed URL plus a hash of its guid or title."""
    ident = item.guid or f"{item.title}\n{item.summary}"
    return f"{feed_url}#item-{hashlib.sha1(ident.encode('utf-8')).hexdigest()[:16]}"


class Harvester:
    """Fetches pages and polls feeds into a sink, remembering everything in ``state``."""

    def __init__(
        self,
        fetcher: Fetcher,
        state: FetchState,
        sink: Sink,
        *,
        stop: threading.Event | None = None,
        on_item: Callable[[str, Outcome], None] | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.state = state
        self.sink = sink
        self.stop = stop or fetcher.stop
        self.on_item = on_item
        self._this_run: set[str] = set()

    def _skip(self, tally: Tally, url: str, reason: str, detail: str) -> Outcome:
        self.sink(Rejection(url, reason, detail))
        outcome = Outcome("rejected", reason, detail=detail)
        tally.count(outcome, from_engine=False)
        if self.on_item:
            self.on_item(url, outcome)
        return outcome

    def _get(self, url: str, **kwargs: str | None) -> Page | Rejection:
        try:
            return self.fetcher.get(url, **kwargs)  # type: ignore[arg-type]
        except Exception as exc:  # a fetcher bug must cost one URL, not a long-running follow
            return Rejection(url, "fetch_error", f"{type(exc).__name__}: {exc}"[:300])

    def fetch_url(
        self, url: str, tally: Tally, *, feed_url: str | None = None, feed_published: str | None = None, refresh: bool = False
    ) -> Outcome:
        """Fetch one page and hand it to the sink; every path ends in exactly one counted outcome."""
        canon = try_canonicalize(url)
        if canon is None:
            return self._skip(tally, url, "bad_url", "not an http(s) URL")
        if canon in self._this_run:
            return self._skip(tally, url, "already_fetched", f"same article as another URL in this run ({canon})")
        self._this_run.add(canon)
        known = self.state.get(canon)
        # a URL asked for by name is tried again when it was refused before (a 404, too large, not an
        # article): the page or the limits may have changed; feed items are not, or every poll would
        retry = feed_url is None and known is not None and known.status == "rejected"
        if known is not None and self.state.is_settled(canon) and not refresh and not retry:
            return self._skip(tally, url, "already_fetched", f"fetched before: {' '.join(filter(None, (known.status, known.reason)))}, {known.last_attempt}")
        validators = {"etag": known.etag, "last_modified": known.last_modified} if known and refresh else {}
        result = self._get(url, **validators)
        if isinstance(result, Rejection):
            if result.reason != "interrupted":
                status = "failed" if result.reason in TRANSIENT_REASONS else "rejected"
                if result.reason == "not_modified" and known is not None:
                    status = known.status
                self.state.record(canon, status, reason=result.reason, detail=result.detail, feed_url=feed_url,
                                  etag=known.etag if known else None, last_modified=known.last_modified if known else None)
            return self._skip(tally, url, result.reason, result.detail)
        return self._deliver(result, canon, tally, feed_url, feed_published)

    def _deliver(self, page: Page, canon: str, tally: Tally, feed_url: str | None, feed_published: str | None) -> Outcome:
        final = try_canonicalize(page.final_url) or canon
        if final != canon:
            self._this_run.add(final)
            earlier = self.state.get(final)
            if earlier is not None and earlier.status in ("ingested", "duplicate", "already_stored"):
                self.state.record(canon, earlier.status, reason="redirect", final_url=final, feed_url=feed_url,
                                  article_id=earlier.article_id)
                return self._skip(tally, page.url, "already_fetched", f"redirects to {final}, fetched before")
        record = page_record(page, feed_published)
        if isinstance(record, Rejection):
            for key in {canon, final}:
                self.state.record(key, "rejected", reason=record.reason, detail=record.detail, final_url=final, feed_url=feed_url)
            return self._skip(tally, page.url, record.reason, record.detail)
        outcome = self.sink(record)
        tally.count(outcome, from_engine=True)
        status = outcome.status if outcome.status in DONE_STATUSES else "rejected"
        for key in {canon, final}:
            self.state.record(key, status, reason=outcome.reason, final_url=final, feed_url=feed_url,
                              article_id=outcome.article_id, etag=page.etag, last_modified=page.last_modified)
        if self.on_item:
            self.on_item(page.url, outcome)
        return outcome

    def fetch_urls(self, urls: Iterable[str], *, refresh: bool = False) -> Tally:
        """Fetch each URL once, in order, until done or stopped."""
        tally = Tally()
        for url in urls:
            if self.stop.is_set():
                break
            self.fetch_url(url, tally, refresh=refresh)
        return tally

    def poll_feed(self, feed_url: str) -> Tally:
        """One poll of one feed: new items fetched oldest first; old items counted as seen before."""
        tally = Tally(feeds_polled=1)
        key = try_canonicalize(feed_url)
        if key is None:
            tally.feeds_failed += 1
            self._skip(tally, feed_url, "bad_url", "not an http(s) feed URL")
            return tally
        known = self.state.feed(key)
        result = self._get(feed_url, etag=known.etag if known else None,
                           last_modified=known.last_modified if known else None, accept=FEED_ACCEPT)
        if isinstance(result, Rejection) and result.reason == "not_modified":
            tally.feeds_unchanged += 1
            self.state.record_feed(key, "not_modified", keep_validators=True)
            return tally
        items = parse_feed(result.body, result.final_url, result.media_type) if isinstance(result, Page) else result
        if isinstance(items, Rejection):
            tally.feeds_failed += 1
            if items.reason != "interrupted":
                self.state.record_feed(key, items.reason, detail=items.detail, keep_validators=True)
            reason = "bad_feed" if isinstance(result, Page) else items.reason
            self._skip(tally, feed_url, reason, items.detail if reason == "bad_feed" else f"feed: {items.detail}")
            return tally
        assert isinstance(result, Page)
        new = 0
        for item in sorted(items, key=lambda i: i.published or ""):
            if self.stop.is_set():
                break
            new += self._take_item(item, key, tally)
        finished = not self.stop.is_set()
        self.state.record_feed(key, "ok" if finished else "interrupted", detail=f"{len(items)} items",
                               etag=result.etag, last_modified=result.last_modified,
                               keep_validators=not finished, items_new=new)
        return tally

    def _take_item(self, item: FeedItem, feed_key: str, tally: Tally) -> int:
        """Fetch or store one feed item unless it was settled in an earlier run; 1 if it was new."""
        if item.link is None:
            key = _feed_item_key(feed_key, item)
            if self.state.is_settled(key):
                tally.seen_before += 1
                return 0
            record = RawRecord(origin=key, title=item.title, text=item.summary, published=item.published,
                               extra={"feed_published": item.published, "fetched_url": None})
            outcome = self.sink(record)
            tally.count(outcome, from_engine=True)
            status = outcome.status if outcome.status in DONE_STATUSES else "rejected"
            self.state.record(key, status, reason=outcome.reason, feed_url=feed_key, article_id=outcome.article_id)
            if self.on_item:
                self.on_item(key, outcome)
            return 1
        canon = try_canonicalize(item.link)
        if canon is not None and canon not in self._this_run and self.state.is_settled(canon):
            tally.seen_before += 1
            return 0
        self.fetch_url(item.link, tally, feed_url=feed_key, feed_published=item.published)
        return 1

    def follow(
        self, feed_urls: list[str], *, every: float, once: bool = False, on_round: Callable[[int, Tally], None] | None = None
    ) -> Tally:
        """Poll every feed, then wait ``every`` seconds, until stopped (or after one round with ``once``)."""
        total = Tally()
        rounds = 0
        while not self.stop.is_set():
            rounds += 1
            this_round = Tally()
            for feed_url in feed_urls:
                if self.stop.is_set():
                    break
                this_round.add(self.poll_feed(feed_url))
            self._this_run.clear()
            total.add(this_round)
            if on_round:
                on_round(rounds, this_round)
            if once or self.stop.wait(every):
                break
        return total
