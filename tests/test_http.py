"""The polite fetcher against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from storyline.sources.http import USER_AGENT, Fetcher, Page, decode_body, page_record
from storyline.types import RawRecord, Rejection
from webserver import Route, WebServer, fixture

ARTICLE = "<html><head><title>T</title></head><body><p>Ferries run again across the bay.</p></body></html>"


@pytest.fixture
def web():
    with WebServer({"/robots.txt": fixture("robots.txt", content_type="text/plain")}) as server:
        yield server


def fetcher(**kwargs) -> Fetcher:
    options = {"min_interval": 0.0, "backoff": 0.01, "timeout": 2.0, "retries": 2, **kwargs}
    return Fetcher(**options)


def test_a_page_is_fetched_with_our_user_agent_and_robots_is_read_once(web) -> None:
    web.routes["/a"] = Route(ARTICLE)
    web.routes["/b"] = Route(ARTICLE)
    with fetcher() as f:
        page = f.get(web.url("/a"))
        f.get(web.url("/b"))
    assert isinstance(page, Page) and page.status == 200 and page.body == ARTICLE.encode()
    assert page.media_type == "text/html" and page.charset == "utf-8"
    assert web.hits("/robots.txt") == 1
    assert all(r.headers.get("User-Agent") == USER_AGENT for r in web.requests)
    assert USER_AGENT == "Storyline/0.1 (+https://github.com/storyline-news/storyline)"


def test_404_is_a_rejection_without_retries(web) -> None:
    with fetcher() as f:
        result = f.get(web.url("/missing"))
    assert isinstance(result, Rejection) and result.reason == "http_404"
    assert web.hits("/missing") == 1


def test_5xx_is_retried_then_rejected(web) -> None:
    web.routes["/down"] = Route("oops", status=500)
    with fetcher(retries=2) as f:
        result = f.get(web.url("/down"))
    assert isinstance(result, Rejection) and result.reason == "http_5xx"
    assert "3 attempts" in result.detail
    assert web.hits("/down") == 3


def test_a_transient_failure_recovers_on_retry(web) -> None:
    web.routes["/flaky"] = Route(ARTICLE, fail_first=2)
    with fetcher(retries=3) as f:
        result = f.get(web.url("/flaky"))
    assert isinstance(result, Page)
    assert web.hits("/flaky") == 3


def test_a_slow_server_times_out(web) -> None:
    web.routes["/slow"] = Route(ARTICLE, delay=8.0)  # far beyond two timeouts, so a loaded machine cannot blur it
    started = time.monotonic()
    with fetcher(timeout=0.2, retries=1) as f:
        result = f.get(web.url("/slow"))
    assert isinstance(result, Rejection) and result.reason == "timeout"
    assert time.monotonic() - started < 6.0  # gave up on each try, never waited for the page
    assert web.hits("/slow") == 2


def test_connection_refused_is_reported(web) -> None:
    closed = WebServer()
    url = closed.url("/a")
    closed.stop()
    with fetcher(retries=0) as f:
        result = f.get(url)
    assert isinstance(result, Rejection)
    assert result.reason == "connection_error" and "cannot connect to 127.0.0.1" in result.detail


def test_robots_disallow_is_respected_without_touching_the_page(web) -> None:
    web.routes["/private/secret"] = Route(ARTICLE)
    with fetcher() as f:
        result = f.get(web.url("/private/secret"))
    assert isinstance(result, Rejection) and result.reason == "robots_disallowed"
    assert web.hits("/private/secret") == 0


@pytest.mark.parametrize("status, reason", [(404, None), (403, None), (503, "robots_unreachable")])
def test_robots_txt_errors_follow_rfc_9309(status, reason) -> None:
    with WebServer({"/robots.txt": Route("", status=status), "/a": Route(ARTICLE)}) as web, fetcher(retries=0) as f:
        result = f.get(web.url("/a"))
    if reason is None:
        assert isinstance(result, Page)
    else:
        assert isinstance(result, Rejection) and result.reason == reason and web.hits("/a") == 0


def test_per_host_interval() -> None:
    with WebServer({"/a": Route(ARTICLE)}) as web, fetcher(min_interval=0.25) as f:
        started = time.monotonic()
        for _ in range(3):
            f.get(web.url("/a"))
        elapsed = time.monotonic() - started
    assert elapsed >= 0.7  # robots.txt, then /a three times, 0.25 s apart


def test_crawl_delay_of_robots_txt_is_honoured() -> None:
    robots = "User-agent: Storyline\nCrawl-delay: 1\nDisallow: /private/\n"
    routes = {"/robots.txt": Route(robots, content_type="text/plain"), "/a": Route(ARTICLE)}
    with WebServer(routes) as web, fetcher() as f:
        started = time.monotonic()
        f.get(web.url("/a"))
        elapsed = time.monotonic() - started
    assert elapsed >= 0.95


def test_redirect_chain_is_followed_and_the_final_url_canonicalised(web) -> None:
    web.routes.update({
        "/r1": Route(redirect="/r2", status=301),
        "/r2": Route(redirect="{BASE}/r3", status=302),
        "/r3": Route(redirect="/story?utm_source=moved&id=4", status=307),
        "/story": Route(ARTICLE),
    })
    with fetcher() as f:
        page = f.get(web.url("/r1"))
    assert isinstance(page, Page)
    assert page.url == web.url("/r1")
    assert page.final_url == web.url("/story?utm_source=moved&id=4")
    assert len(page.redirects) == 3
    record = page_record(page)
    assert isinstance(record, RawRecord)
    assert record.url == web.url("/story?id=4") and record.origin == web.url("/r1")
    assert record.extra["fetched_url"] == page.final_url


def test_redirect_loops_and_redirects_into_forbidden_paths_are_rejected(web) -> None:
    web.routes.update({"/loop1": Route(redirect="/loop2"), "/loop2": Route(redirect="/loop1"),
                       "/sneaky": Route(redirect="/private/secret")})
    with fetcher() as f:
        loop = f.get(web.url("/loop1"))
        sneaky = f.get(web.url("/sneaky"))
    assert isinstance(loop, Rejection) and loop.reason == "too_many_redirects"
    assert isinstance(sneaky, Rejection) and sneaky.reason == "robots_disallowed"
    assert web.hits("/private/secret") == 0


def test_an_enormous_page_is_cut_off_without_reading_the_rest(web) -> None:
    sent = []

    def endless():
        for _ in range(2000):  # 128 MB if anybody read it all
            sent.append(1)
            yield b"<p>" + b"x" * 65530 + b"</p>"

    web.routes["/huge"] = Route(chunks=endless)
    web.routes["/declared"] = Route(b"x" * 300_000)
    with fetcher(max_bytes=200_000) as f:
        streamed = f.get(web.url("/huge"))
        declared = f.get(web.url("/declared"))
    assert isinstance(streamed, Rejection) and streamed.reason == "too_large"
    assert isinstance(declared, Rejection) and declared.reason == "too_large" and "Content-Length" in declared.detail
    time.sleep(0.2)
    assert len(sent) < 200


def test_conditional_get_uses_etag_and_last_modified(web) -> None:
    stamp = "Thu, 14 Mar 2024 09:30:00 GMT"
    web.routes["/e"] = Route(ARTICLE, etag='"v1"')
    web.routes["/m"] = Route(ARTICLE, last_modified=stamp)
    with fetcher() as f:
        first = f.get(web.url("/e"))
        assert isinstance(first, Page) and first.etag == '"v1"'
        again = f.get(web.url("/e"), etag=first.etag)
        modified = f.get(web.url("/m"))
        assert isinstance(modified, Page) and modified.last_modified == stamp
        unchanged = f.get(web.url("/m"), last_modified=stamp)
    assert isinstance(again, Rejection) and again.reason == "not_modified"
    assert isinstance(unchanged, Rejection) and unchanged.reason == "not_modified"
    assert web.requests[-1].headers.get("If-Modified-Since") == stamp


def test_a_latin1_page_is_decoded(web) -> None:
    web.routes["/es"] = fixture("harbour-es-latin1.html", content_type="text/html; charset=ISO-8859-1")
    web.routes["/es-unlabelled"] = fixture("harbour-es-latin1.html", content_type="text/html")
    with fetcher() as f:
        labelled = page_record(f.get(web.url("/es")))
        unlabelled = page_record(f.get(web.url("/es-unlabelled")))
    for record in (labelled, unlabelled):
        assert isinstance(record, RawRecord)
        assert "recuperó el jueves por la mañana" in record.html and "«Nuestros afiliados" in record.html


def test_decoding_order() -> None:
    latin = "Économie : la grève s'achève".encode("latin-1")
    assert decode_body(latin, "utf-8")[0] == "Économie : la grève s'achève"  # a lying header loses
    assert decode_body("\ufeffÜber".encode("utf-8"))[0] == "Über"
    assert decode_body('<meta charset="windows-1251"><p>Привет</p>'.encode("cp1251"))[0].endswith("Привет</p>")
    assert decode_body("Grüße".encode(), "x-unknown-charset")[0] == "Grüße"


def test_responses_that_are_not_articles(web) -> None:
    web.routes.update({
        "/logo.png": Route(b"\x89PNG\r\n\x1a\n....", content_type="image/png"),
        "/feed": fixture("rss.xml", content_type="application/rss+xml"),
        "/blank": Route(b"   ", content_type="text/html"),
        "/plain": Route("Ferries run again across the bay.", content_type="text/plain; charset=utf-8"),
        "/sniffed": Route(ARTICLE, content_type=""),
    })
    with fetcher() as f:
        results = {path: page_record(f.get(web.url(path)))
                   for path in ("/logo.png", "/feed", "/blank", "/plain", "/sniffed")}
    assert results["/logo.png"].reason == "not_html"
    assert results["/feed"].reason == "not_html" and "follow" in results["/feed"].detail
    assert results["/blank"].reason == "empty"
    assert isinstance(results["/plain"], RawRecord) and results["/plain"].text.startswith("Ferries")
    assert isinstance(results["/sniffed"], RawRecord) and results["/sniffed"].html == ARTICLE


def test_a_stop_request_interrupts_retry_waits(web) -> None:
    web.routes["/down"] = Route("oops", status=503)
    stop = threading.Event()
    with fetcher(retries=5, backoff=5.0, stop=stop) as f:
        threading.Timer(0.3, stop.set).start()
        started = time.monotonic()
        result = f.get(web.url("/down"))
    assert isinstance(result, Rejection) and result.reason == "interrupted"
    assert time.monotonic() - started < 3
    assert web.hits("/down") == 1


def test_odd_redirects_and_statuses_are_rejections(web) -> None:
    web.routes.update({
        "/to-ftp": Route(redirect="ftp://127.0.0.1/file"),
        "/choices": Route("pick one", status=300),
        "/nothing": Route(b"", status=204),
    })
    with fetcher(retries=0) as f:
        results = {path: f.get(web.url(path)) for path in ("/to-ftp", "/choices", "/nothing")}
    assert all(isinstance(r, Rejection) for r in results.values())
    assert results["/choices"].reason == "http_300" and results["/nothing"].reason == "http_204"
    assert results["/to-ftp"].reason == "bad_redirect" and "ftp:" in results["/to-ftp"].detail


# -- slow servers: one deadline per request (issue 16, item 10) ------------------------------------

TRICKLE = 0.5  # seconds between two bytes from a slow server


def test_headers_sent_one_byte_at_a_time_end_at_the_timeout(web) -> None:
    web.routes["/trickle"] = Route(ARTICLE, trickle=TRICKLE, padding=200)  # ~400 bytes: 200 s unbounded
    started = time.monotonic()
    with fetcher(timeout=1.0, retries=0) as f:
        result = f.get(web.url("/trickle"))
    assert isinstance(result, Rejection) and result.reason == "timeout", result
    assert "within 1s" in result.detail
    assert time.monotonic() - started < 20  # about 1 s; generous for a loaded machine


def test_a_body_sent_one_byte_at_a_time_ends_at_the_timeout(web) -> None:
    def drip():
        for _ in range(400):
            yield b"x"
            time.sleep(TRICKLE)

    web.routes["/drip"] = Route(chunks=drip)
    started = time.monotonic()
    with fetcher(timeout=1.0, retries=0) as f:
        result = f.get(web.url("/drip"))
    assert isinstance(result, Rejection) and result.reason == "timeout", result
    assert time.monotonic() - started < 20


def test_a_robots_txt_sent_one_byte_at_a_time_ends_at_the_timeout() -> None:
    robots = Route("User-agent: *\nAllow: /\n", content_type="text/plain", trickle=TRICKLE, padding=200)
    with WebServer({"/robots.txt": robots, "/a": Route(ARTICLE)}) as web:
        started = time.monotonic()
        with fetcher(timeout=1.0, retries=0) as f:
            result = f.get(web.url("/a"))
        elapsed = time.monotonic() - started
        assert web.hits("/a") == 0
    assert isinstance(result, Rejection) and result.reason == "robots_unreachable", result
    assert "robots.txt: no complete answer within 1s" in result.detail
    assert elapsed < 20


def test_threads_share_one_hosts_robots_and_pace() -> None:
    with WebServer({"/a": Route(ARTICLE), "/b": Route(ARTICLE)}) as web:
        with fetcher(min_interval=0.6) as f:
            threads = [threading.Thread(target=f.get, args=(web.url(path),)) for path in ("/a", "/b", "/a")]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
        times = sorted(r.at for r in web.requests)
        assert web.hits("/robots.txt") == 1 and len(times) == 4
    # sent 0.6 s apart; arrival times may wobble on a loaded machine, but never by half of that
    assert all(later - earlier >= 0.3 for earlier, later in itertools.pairwise(times))


# -- redirects out of http(s) (issue 16, item 11) -------------------------------------------------

def test_a_redirect_out_of_http_is_refused_as_a_bad_redirect(web) -> None:
    web.routes.update({
        "/to-file": Route(redirect="file:///etc/passwd"),
        "/to-js": Route(redirect="javascript:alert(1)"),
        "/to-no-host": Route(redirect="https://:443/article"),
    })
    with fetcher(retries=0) as f:
        results = {path: f.get(web.url(path)) for path in ("/to-file", "/to-js", "/to-no-host")}
    assert {path: r.reason for path, r in results.items()} == dict.fromkeys(results, "bad_redirect")
    assert "file:///etc/passwd" in results["/to-file"].detail and "only http(s)" in results["/to-file"].detail
    assert "no host" in results["/to-no-host"].detail


def test_a_url_that_is_not_http_is_refused_by_its_scheme() -> None:
    with fetcher(retries=0) as f:
        result = f.get("file:///etc/passwd")
    assert isinstance(result, Rejection) and result.reason == "unsupported_scheme" and "'file:'" in result.detail


def test_a_robots_txt_redirecting_out_of_http_says_so() -> None:
    with WebServer({"/robots.txt": Route(redirect="file:///etc/robots.txt"), "/a": Route(ARTICLE)}) as web:
        with fetcher(retries=0) as f:
            result = f.get(web.url("/a"))
        assert web.hits("/a") == 0
    assert isinstance(result, Rejection) and result.reason == "robots_unreachable"
    assert result.detail.startswith("robots.txt redirects to 'file:///etc/robots.txt'")
