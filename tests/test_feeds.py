"""Feeds parsed, and the harvester: every feed item ends as an article or a counted skip."""

from __future__ import annotations

import hashlib
import threading

import pytest

from storyline.fetch_state import FetchState
from storyline.sources.feeds import Harvester, Outcome, Tally, parse_feed
from storyline.sources.http import Fetcher
from storyline.storage import open_store
from storyline.types import RawRecord, Rejection
from webserver import FIXTURES, Route, WebServer, news_site


class RecordingSink:
    """Stands in for the engine: stores records by content, answers already_stored for a repeat."""

    def __init__(self) -> None:
        self.records: list[RawRecord] = []
        self.rejections: list[Rejection] = []
        self._hashes: set[str] = set()
        self.after: list = []

    def __call__(self, item: RawRecord | Rejection) -> Outcome:
        if isinstance(item, Rejection):
            self.rejections.append(item)
            return Outcome("rejected", item.reason)
        body = item.html or item.text or item.title or ""
        digest = hashlib.sha1(body.encode()).hexdigest()
        if digest in self._hashes:
            return Outcome("already_stored")
        self._hashes.add(digest)
        self.records.append(item)
        for hook in self.after:
            hook(item)
        return Outcome("ingested", article_id=f"a{digest[:8]}")

    def by_url(self, suffix: str) -> RawRecord:
        return next(r for r in self.records if (r.url or r.origin).endswith(suffix))


@pytest.fixture
def web():
    with WebServer(news_site()) as server:
        yield server


def harvester(db, sink, **kwargs) -> Harvester:
    fetcher = Fetcher(min_interval=0.0, backoff=0.01, timeout=0.5, retries=1, max_bytes=300_000)
    return Harvester(fetcher, FetchState(open_store(db)), sink, **kwargs)


def test_rss_items_are_parsed_with_absolute_links_and_utc_dates() -> None:
    body = (FIXTURES / "rss.xml").read_bytes().replace(b"{BASE}", b"http://127.0.0.1:9")
    items = parse_feed(body, "http://127.0.0.1:9/rss.xml", "application/rss+xml")
    assert len(items) == 8
    assert items[0].link == "http://127.0.0.1:9/news/valdmar-port-reopens?utm_source=rss&utm_medium=feed"
    assert items[0].published == "2024-03-14T09:30:00Z" and items[0].guid == "ledger-1001"
    assert items[3].published == "2024-03-14T10:00:00Z"  # +0100 made UTC
    headline = items[4]
    assert headline.link is None and headline.title.startswith("Valdmar harbour master")
    assert headline.summary.startswith("Captain Hilde Marsk") and "<p>" not in headline.summary
    assert items[5].published is None


def test_atom_entries_use_published_then_updated() -> None:
    body = (FIXTURES / "atom.xml").read_bytes().replace(b"{BASE}", b"http://127.0.0.1:9")
    items = parse_feed(body, "http://127.0.0.1:9/atom.xml")
    assert [i.published for i in items[:2]] == ["2024-03-14T09:45:00Z", "2024-03-14T11:20:00Z"]
    assert items[0].title.startswith("Le port de Valdmar")


@pytest.mark.parametrize("name", ["broken.xml", "harbour-en.html"])
def test_broken_feeds_are_rejected(name: str) -> None:
    result = parse_feed((FIXTURES / name).read_bytes(), "http://127.0.0.1:9/x")
    assert isinstance(result, Rejection) and result.reason == "bad_feed"


def test_an_empty_feed_has_no_items() -> None:
    assert parse_feed(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>', "http://x.example/") == []


def test_every_rss_item_ends_as_an_article_or_a_counted_skip(web, tmp_path) -> None:
    sink = RecordingSink()
    tally = harvester(tmp_path / "s.db", sink).poll_feed(web.url("/rss.xml"))
    assert tally.ingested == 4 and tally.received == 4
    assert dict(tally.skipped) == {"already_fetched": 1, "http_404": 1, "robots_disallowed": 1, "http_5xx": 1}
    assert tally.ingested + sum(tally.skipped.values()) == 8
    assert sorted(r.reason for r in sink.rejections) == sorted(tally.skipped.elements())
    assert web.hits("/news/valdmar-port-reopens") == 1  # two utm_ variants, one fetch
    assert web.hits("/private/briefing") == 0

    port = sink.by_url("/news/valdmar-port-reopens")
    assert port.url == web.url("/news/valdmar-port-reopens") and port.html.startswith("<!DOCTYPE html>")
    ferry = sink.by_url("/news/ferry-timetable")
    assert ferry.published is None and ferry.extra["feed_published"] == "2024-03-14T12:15:00Z"
    spanish = sink.by_url("/es/puerto-valdmar")
    assert "la mañana" in spanish.html
    headline = next(r for r in sink.records if r.html is None)
    assert headline.title.startswith("Valdmar harbour master") and headline.published == "2024-03-15T08:00:00Z"


def test_atom_feed_with_redirects_cookie_banner_and_an_enormous_page(web, tmp_path) -> None:
    sink = RecordingSink()
    tally = harvester(tmp_path / "s.db", sink).poll_feed(web.url("/atom.xml"))
    assert tally.ingested == 3 and dict(tally.skipped) == {"too_large": 1}
    assert sink.by_url("/fr/port-valdmar").origin.endswith("?xtor=RSS-12")
    moved = sink.by_url("/news/ferry-timetable")
    assert moved.origin == web.url("/r1") and moved.extra["fetched_url"].endswith("?utm_source=redirect")
    assert "Alle akzeptieren" in sink.by_url("/de/hafen-valdmar").html  # extraction's job to drop it


def test_second_poll_and_restart_neither_refetch_nor_duplicate(web, tmp_path) -> None:
    sink = RecordingSink()
    first = harvester(tmp_path / "s.db", sink)
    first.poll_feed(web.url("/rss.xml"))
    again = first.poll_feed(web.url("/rss.xml"))
    assert again.feeds_unchanged == 1 and again.ingested == 0 and not again.skipped
    assert web.requests[-1].headers.get("If-None-Match") == '"rss-1"'

    web.routes["/rss.xml"] = Route((FIXTURES / "rss.xml").read_bytes(), content_type="application/rss+xml")
    restarted = harvester(tmp_path / "s.db", RecordingSink())
    tally = restarted.poll_feed(web.url("/rss.xml"))
    assert tally.ingested == 0 and tally.seen_before == 7
    assert dict(tally.skipped) == {"http_5xx": 1}  # a transient failure is worth another try
    assert web.hits("/news/valdmar-port-reopens") == 1 and web.hits("/news/gone") == 1
    third = harvester(tmp_path / "s.db", RecordingSink()).poll_feed(web.url("/rss.xml"))
    fourth = harvester(tmp_path / "s.db", RecordingSink()).poll_feed(web.url("/rss.xml"))
    assert third.skipped["http_5xx"] == 1 and fourth.seen_before == 8  # given up after 3 attempts


def test_bad_feeds_are_counted(web, tmp_path) -> None:
    sink = RecordingSink()
    h = harvester(tmp_path / "s.db", sink)
    tally = Tally()
    for url in ("/broken.xml", "/no-such-feed.xml", "/news/valdmar-port-reopens"):
        tally.add(h.poll_feed(web.url(url)))
    tally.add(h.poll_feed("ftp://127.0.0.1/feed"))
    assert tally.feeds_failed == 4 and tally.ingested == 0
    assert dict(tally.skipped) == {"bad_feed": 2, "http_404": 1, "bad_url": 1}


def test_an_interrupted_poll_keeps_the_old_validators(web, tmp_path) -> None:
    sink = RecordingSink()
    h = harvester(tmp_path / "s.db", sink)
    sink.after.append(lambda record: h.stop.set())
    tally = h.poll_feed(web.url("/rss.xml"))
    assert tally.ingested == 1
    assert h.state.feed(web.url("/rss.xml")).etag is None  # next poll must not be answered 304
    rest = harvester(tmp_path / "s.db", RecordingSink()).poll_feed(web.url("/rss.xml"))
    # Undated items come first (gone, private, broken-server), then the port article; the stop came after it.
    assert tally.ingested + sum(tally.skipped.values()) == 4
    assert rest.ingested == 3 and rest.seen_before == 4 and dict(rest.skipped) == {"http_5xx": 1}


def test_fetch_urls_deduplicates_and_refresh_uses_validators(web, tmp_path) -> None:
    web.routes["/news/valdmar-port-reopens"].etag = '"p1"'
    sink = RecordingSink()
    urls = [web.url("/news/valdmar-port-reopens?utm_source=a"), web.url("/news/valdmar-port-reopens#x"),
            web.url("/slow"), "not a url"]
    tally = harvester(tmp_path / "s.db", sink).fetch_urls(urls)
    assert tally.ingested == 1 and dict(tally.skipped) == {"already_fetched": 1, "timeout": 1, "bad_url": 1}
    rerun = harvester(tmp_path / "s.db", RecordingSink()).fetch_urls(urls[:1])
    assert dict(rerun.skipped) == {"already_fetched": 1}
    refreshed = harvester(tmp_path / "s.db", RecordingSink()).fetch_urls(urls[:1], refresh=True)
    assert dict(refreshed.skipped) == {"not_modified": 1}
    assert web.requests[-1].headers.get("If-None-Match") == '"p1"'


def test_follow_runs_rounds_until_stopped(web, tmp_path) -> None:
    stop = threading.Event()
    h = harvester(tmp_path / "s.db", RecordingSink(), stop=stop)
    rounds: list[int] = []

    def on_round(n: int, tally: Tally) -> None:
        rounds.append(n)
        if n == 2:
            stop.set()

    total = h.follow([web.url("/rss.xml"), web.url("/broken.xml")], every=0.05, on_round=on_round)
    assert rounds == [1, 2] and total.feeds_polled == 4 and total.ingested == 4
    assert total.feeds_unchanged == 1 and total.skipped["bad_feed"] == 2
    once = harvester(tmp_path / "s.db", RecordingSink()).follow([web.url("/atom.xml")], every=3600, once=True)
    assert once.feeds_polled == 1


def test_a_failing_fetcher_costs_one_url_not_the_run(web, tmp_path) -> None:
    h = harvester(tmp_path / "s.db", RecordingSink())

    def broken_get(url, **kwargs):
        raise RuntimeError("boom")

    h.fetcher.get = broken_get
    tally = h.fetch_urls([web.url("/a"), web.url("/b")])
    assert dict(tally.skipped) == {"fetch_error": 2}
    assert h.state.get(web.url("/a")).reason == "fetch_error"


# -- one slow host holds up no other (issue 16, item 10) -------------------------------------------

ARTICLE = "<html><head><title>Stuck</title></head><body><p>A page that took its time to arrive.</p></body></html>"


def stuck_route(release: threading.Event, body: str = ARTICLE, **kwargs) -> Route:
    """Trickles one byte every 0.5 s (3 minutes in all) until ``release`` is set, then sends the rest."""
    return Route(body, trickle=0.5, release=release, padding=200, **kwargs)


def slow_harvester(db, sink, order: list[str]) -> Harvester:
    fetcher = Fetcher(min_interval=0.0, backoff=0.01, timeout=120, retries=0, max_bytes=300_000)
    return Harvester(fetcher, FetchState(open_store(db)), sink,
                     on_item=lambda url, outcome: order.append(url))


def test_a_slow_host_does_not_hold_up_the_pages_of_others(web, tmp_path) -> None:
    release = threading.Event()
    sink, order = RecordingSink(), []
    sink.after.append(lambda record: release.set() if "/stuck" not in (record.url or "") else None)
    with WebServer({"/stuck": stuck_route(release)}) as slow:
        urls = [slow.url("/stuck"), web.url("/news/valdmar-port-reopens"), web.url("/fr/port-valdmar")]
        tally = slow_harvester(tmp_path / "s.db", sink, order).fetch_urls(urls)
    # a fast host's page arrived while the slow one was still trickling (its arrival released it)
    assert order[0] in urls[1:] and sorted(order) == sorted(urls)
    assert tally.ingested == 3 and not tally.skipped


def test_a_slow_feed_host_does_not_hold_up_the_other_feeds(web, tmp_path) -> None:
    release = threading.Event()
    feed = """<?xml version="1.0"?><rss version="2.0"><channel><title>slow</title>
      <item><title>late</title><link>{BASE}/late</link><pubDate>Thu, 14 Mar 2024 09:00:00 GMT</pubDate></item>
    </channel></rss>"""
    sink, order = RecordingSink(), []
    sink.after.append(lambda record: release.set())
    routes = {"/feed.xml": stuck_route(release, feed, content_type="application/rss+xml"), "/late": Route(ARTICLE)}
    with WebServer(routes) as slow:
        tally = slow_harvester(tmp_path / "s.db", sink, order).follow([slow.url("/feed.xml"), web.url("/atom.xml")],
                                                                      every=3600, once=True)
    assert order[0].startswith(web.base) and slow.url("/late") in order
    assert tally.feeds_polled == 2 and tally.feeds_failed == 0 and tally.ingested == 3 + 1


def test_one_feed_written_two_ways_is_polled_once_a_round(web, tmp_path) -> None:
    h = harvester(tmp_path / "s.db", RecordingSink())
    tally = h.follow([web.url("/rss.xml"), web.url("/rss.xml?utm_source=list")], every=3600, once=True)
    assert tally.feeds_polled == 1 and web.hits("/rss.xml") == 1 and tally.ingested == 4
