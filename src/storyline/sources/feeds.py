"""RSS/Atom feeds, and the loop that turns feeds and URLs into ingested articles.

``parse_feed`` reads a feed body (never fetching anything itself). ``Harvester`` fetches pages and
polls feeds through a ``Fetcher`` (several hosts at once), hands every page or skip to a ``Sink``
(the engine, in the CLI) from the calling thread only, and keeps ``FetchState`` so a restart
neither refetches nor duplicates. Every URL ends as
an outcome in the ``Tally``: ingested, duplicate, or a skip counted by reason.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urljoin

import feedparser

from storyline.dates import to_iso
from storyline.fetch_state import DONE_STATUSES, FetchState, UrlState
from storyline.sources.hostpool import HostPool
from storyline.sources.http import FEED_ACCEPT, TRANSIENT_REASONS, Fetcher, Page, page_record
from storyline.sources.stopping import wait_unless_stopped
from storyline.sources.urls import host_of, try_canonicalize
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
        return to_iso(datetime(*parsed[:6], tzinfo=UTC))  # type: ignore[index, misc]
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
    parsed = feedparser.parse(body, response_headers={"content-location": url,
                                                      "content-type": content_type or "application/xml"})
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


@dataclass(frozen=True)
class _Job:
    """A URL to fetch, decided on (canonical form, stored state, validators) before a worker fetches it."""

    url: str
    canon: str
    known: UrlState | None
    validators: dict[str, str | None]
    feed_url: str | None = None
    feed_published: str | None = None


@dataclass(frozen=True)
class _Skip:
    """A URL that ends without a fetch, and why; ``host`` keeps its place among that host's items."""

    url: str
    reason: str
    detail: str
    host: str | None = None


@dataclass
class _FeedPoll:
    """One feed's poll while its items are out: how many are still out, how many were new."""

    key: str
    page: Page
    items: int
    outstanding: int = 0
    new: int = 0


@dataclass(frozen=True)
class _FeedFetch:
    url: str
    key: str


class Harvester:
    """Fetches pages and polls feeds into a sink, remembering everything in ``state``.

    Up to ``workers`` hosts are fetched at once (one request at a time per host, see ``HostPool``),
    so one slow host does not hold up the others. The state and the sink are only ever touched by
    the calling thread.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        state: FetchState,
        sink: Sink,
        *,
        stop: threading.Event | None = None,
        on_item: Callable[[str, Outcome], None] | None = None,
        workers: int = 4,
    ) -> None:
        self.fetcher = fetcher
        self.state = state
        self.sink = sink
        self.stop = stop or fetcher.stop
        self.on_item = on_item
        self.workers = workers
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

    def _fetch_job(self, job: _Job) -> Callable[[], Page | Rejection]:
        return lambda: self._get(job.url, **job.validators)

    def _plan(
        self, url: str, *, feed_url: str | None = None, feed_published: str | None = None, refresh: bool = False
    ) -> _Job | _Skip:
        """The fetch ``url`` needs, or why it ends without one (not yet counted: see ``_skip``)."""
        canon = try_canonicalize(url)
        if canon is None:
            return _Skip(url, "bad_url", "not an http(s) URL")
        if canon in self._this_run:
            return _Skip(url, "already_fetched", f"same article as another URL in this run ({canon})", host_of(canon))
        self._this_run.add(canon)
        known = self.state.get(canon)
        # a URL asked for by name is tried again when it was refused before (a 404, too large, not an
        # article): the page or the limits may have changed; feed items are not, or every poll would
        retry = feed_url is None and known is not None and known.status == "rejected"
        if known is not None and self.state.is_settled(canon) and not refresh and not retry:
            before = " ".join(filter(None, (known.status, known.reason)))
            return _Skip(url, "already_fetched", f"fetched before: {before}, {known.last_attempt}", host_of(canon))
        validators = {"etag": known.etag, "last_modified": known.last_modified} if known and refresh else {}
        return _Job(url, canon, known, validators, feed_url, feed_published)

    def _settle(self, job: _Job, result: Page | Rejection, tally: Tally) -> Outcome:
        """Record and count what fetching ``job`` gave; a page goes to the sink."""
        if isinstance(result, Rejection):
            known = job.known
            if result.reason != "interrupted":
                status = "failed" if result.reason in TRANSIENT_REASONS else "rejected"
                if result.reason == "not_modified" and known is not None:
                    status = known.status
                self.state.record(job.canon, status, reason=result.reason, detail=result.detail, feed_url=job.feed_url,
                                  etag=known.etag if known else None,
                                  last_modified=known.last_modified if known else None)
            return self._skip(tally, job.url, result.reason, result.detail)
        return self._deliver(result, job.canon, tally, job.feed_url, job.feed_published)

    def fetch_url(
        self, url: str, tally: Tally, *, feed_url: str | None = None, feed_published: str | None = None,
        refresh: bool = False
    ) -> Outcome:
        """Fetch one page in this thread and hand it to the sink; every path ends in exactly one counted outcome."""
        job = self._plan(url, feed_url=feed_url, feed_published=feed_published, refresh=refresh)
        if isinstance(job, _Skip):
            return self._skip(tally, job.url, job.reason, job.detail)
        return self._settle(job, self._get(job.url, **job.validators), tally)

    def _deliver(self, page: Page, canon: str, tally: Tally, feed_url: str | None,
                 feed_published: str | None) -> Outcome:
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
                self.state.record(key, "rejected", reason=record.reason, detail=record.detail, final_url=final,
                                  feed_url=feed_url)
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
        """Fetch each URL once, several hosts at a time (each host's in order), until done or stopped."""
        tally = Tally()
        with HostPool(self.workers, self.stop) as pool:
            for url in urls:
                if self.stop.is_set():
                    break
                job = self._plan(url, refresh=refresh)
                if isinstance(job, _Skip):
                    self._skip(tally, job.url, job.reason, job.detail)
                else:
                    pool.submit(host_of(job.canon), job, self._fetch_job(job))
            for job, result in pool.results():
                self._settle(job, result, tally)
        return tally

    def poll_feed(self, feed_url: str) -> Tally:
        """One poll of one feed: new items fetched oldest first; old items counted as seen before."""
        return self.poll_feeds([feed_url])

    def poll_feeds(self, feed_urls: Iterable[str]) -> Tally:
        """One poll of every feed, several hosts at a time: each feed's new items are fetched oldest
        first (in order per host), old items counted as seen before."""
        tally = Tally()
        polls: list[_FeedPoll] = []
        keys: set[str] = set()
        with HostPool(self.workers, self.stop) as pool:
            for feed_url in feed_urls:
                if self.stop.is_set():
                    break
                key = try_canonicalize(feed_url)
                if key in keys:
                    continue  # the same feed written two ways: one poll
                tally.feeds_polled += 1
                if key is None:
                    tally.feeds_failed += 1
                    self._skip(tally, feed_url, "bad_url", "not an http(s) feed URL")
                    continue
                keys.add(key)
                known = self.state.feed(key)
                validators = {"etag": known.etag, "last_modified": known.last_modified} if known else {}
                pool.submit(host_of(key), _FeedFetch(feed_url, key),
                            functools.partial(self._get, feed_url, accept=FEED_ACCEPT, **validators))
            for tag, result in pool.results():
                if isinstance(tag, _FeedFetch):
                    poll = self._read_feed(tag, result, tally, pool)
                    if poll is not None:
                        polls.append(poll)
                        if poll.outstanding == 0:
                            self._finish_feed(poll)
                    continue
                poll, work = tag
                if isinstance(work, _Job):
                    self._settle(work, result, tally)
                elif isinstance(work, _Skip):
                    self._skip(tally, work.url, work.reason, work.detail)
                else:
                    self._take_headline(work, poll.key, tally)
                poll.outstanding -= 1
                if poll.outstanding == 0:
                    self._finish_feed(poll)
        for poll in polls:
            if poll.outstanding:  # stopped before every item was taken
                self._finish_feed(poll)
        return tally

    def _read_feed(self, fetch: _FeedFetch, result: Page | Rejection, tally: Tally, pool: HostPool) -> _FeedPoll | None:
        """Count a feed's answer; queue its new items. The poll in progress, or None when it ends here."""
        if isinstance(result, Rejection) and result.reason == "not_modified":
            tally.feeds_unchanged += 1
            self.state.record_feed(fetch.key, "not_modified", keep_validators=True)
            return None
        items = parse_feed(result.body, result.final_url, result.media_type) if isinstance(result, Page) else result
        if isinstance(items, Rejection):
            tally.feeds_failed += 1
            if items.reason != "interrupted":
                self.state.record_feed(fetch.key, items.reason, detail=items.detail, keep_validators=True)
            reason = "bad_feed" if isinstance(result, Page) else items.reason
            self._skip(tally, fetch.url, reason, items.detail if reason == "bad_feed" else f"feed: {items.detail}")
            return None
        assert isinstance(result, Page)
        poll = _FeedPoll(fetch.key, result, len(items))
        for item in sorted(items, key=lambda i: i.published or ""):
            if self.stop.is_set():
                break
            work = self._item_work(item, fetch.key, tally)
            if work is None:
                continue
            poll.new += 1
            poll.outstanding += 1
            if isinstance(work, _Job):
                pool.submit(host_of(work.canon), (poll, work), self._fetch_job(work))
            else:  # nothing to fetch, but it keeps its place in the order of its host (or the feed's)
                host = work.host if isinstance(work, _Skip) and work.host else host_of(fetch.key)
                pool.submit(host, (poll, work), lambda: None)
        return poll

    def _finish_feed(self, poll: _FeedPoll) -> None:
        finished = poll.outstanding == 0 and not self.stop.is_set()
        self.state.record_feed(poll.key, "ok" if finished else "interrupted", detail=f"{poll.items} items",
                               etag=poll.page.etag, last_modified=poll.page.last_modified,
                               keep_validators=not finished, items_new=poll.new)

    def _item_work(self, item: FeedItem, feed_key: str, tally: Tally) -> _Job | _Skip | FeedItem | None:
        """What one feed item needs: None when settled in an earlier run (counted as seen before),
        a fetch, the skip that ends it, or the item itself (a headline with no link)."""
        if item.link is None:
            if self.state.is_settled(_feed_item_key(feed_key, item)):
                tally.seen_before += 1
                return None
            return item
        canon = try_canonicalize(item.link)
        if canon is not None and canon not in self._this_run and self.state.is_settled(canon):
            tally.seen_before += 1
            return None
        return self._plan(item.link, feed_url=feed_key, feed_published=item.published)

    def _take_headline(self, item: FeedItem, feed_key: str, tally: Tally) -> None:
        """Hand a linkless feed item (headline and summary) to the sink as it is."""
        key = _feed_item_key(feed_key, item)
        record = RawRecord(origin=key, title=item.title, text=item.summary, published=item.published,
                           extra={"feed_published": item.published, "fetched_url": None})
        outcome = self.sink(record)
        tally.count(outcome, from_engine=True)
        status = outcome.status if outcome.status in DONE_STATUSES else "rejected"
        self.state.record(key, status, reason=outcome.reason, feed_url=feed_key, article_id=outcome.article_id)
        if self.on_item:
            self.on_item(key, outcome)

    def follow(
        self, feed_urls: list[str], *, every: float, once: bool = False,
        on_round: Callable[[int, Tally], None] | None = None
    ) -> Tally:
        """Poll every feed, then wait ``every`` seconds, until stopped (or after one round with ``once``)."""
        total = Tally()
        rounds = 0
        while not self.stop.is_set():
            rounds += 1
            this_round = self.poll_feeds(feed_urls)
            self._this_run.clear()
            total.add(this_round)
            if on_round:
                on_round(rounds, this_round)
            if once or wait_unless_stopped(self.stop, every):
                break
        return total
