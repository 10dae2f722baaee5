"""URL canonicalisation: one article, one URL."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.sources.urls import canonicalize, host_of, is_tracking_param, site_of, try_canonicalize


@pytest.mark.parametrize(
    "a, b",
    [
        ("https://news.example/story?utm_source=rss&utm_medium=feed", "https://news.example/story"),
        ("https://news.example/story?utm_campaign=spring#top", "https://news.example/story"),
        ("HTTPS://NEWS.Example:443/story", "https://news.example/story"),
        ("http://news.example:80", "http://news.example/"),
        ("https://news.example/a/./b/../story", "https://news.example/a/story"),
        ("https://news.example/story?b=2&a=1", "https://news.example/story?a=1&b=2"),
        ("https://news.example/story?id=5&fbclid=XYZ&gclid=1", "https://news.example/story?id=5"),
        ("https://news.example/%7Euser/caf%c3%a9", "https://news.example/~user/caf%C3%A9"),
        ("https://news.example/café story", "https://news.example/caf%C3%A9%20story"),
        ("https://news.example/fr/article?xtor=RSS-12", "https://news.example/fr/article"),
    ],
)
def test_variants_of_one_article_share_a_canonical_url(a: str, b: str) -> None:
    assert canonicalize(a) == canonicalize(b) == b


def test_meaningful_differences_are_kept() -> None:
    assert canonicalize("https://n.example/story?id=1") != canonicalize("https://n.example/story?id=2")
    assert canonicalize("https://n.example:8443/") == "https://n.example:8443/"
    assert canonicalize("http://n.example/a") != canonicalize("https://n.example/a")
    # Repeated keys keep their order: ?tag=b&tag=a may mean something different from ?tag=a&tag=b.
    assert canonicalize("https://n.example/?tag=b&tag=a") == "https://n.example/?tag=b&tag=a"


@pytest.mark.parametrize("bad", ["ftp://n.example/file", "mailto:desk@n.example", "not a url", "https://", "http://n.example:99999/"])
def test_non_http_urls_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        canonicalize(bad)
    assert try_canonicalize(bad) is None


def test_tracking_params_and_hosts() -> None:
    assert is_tracking_param("UTM_Source") and is_tracking_param("fbclid") and not is_tracking_param("id")
    assert host_of("http://127.0.0.1:8080/x") == "127.0.0.1:8080"
    assert host_of("https://News.Example/x") == "news.example"


_segment = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#"), max_size=8)
_key = st.sampled_from(["id", "page", "utm_source", "utm_medium", "fbclid", "q", "lang", "gclid"])


@given(
    host=st.sampled_from(["news.example", "WWW.Example.ORG", "127.0.0.1:8080", "xn--caf-dma.example"]),
    segments=st.lists(_segment, max_size=4),
    params=st.lists(st.tuples(_key, st.text(max_size=6)), max_size=5),
    fragment=st.text(max_size=6),
)
def test_canonicalisation_is_idempotent_and_drops_tracking(host, segments, params, fragment) -> None:
    query = "&".join(f"{k}={v}" for k, v in params)
    url = f"https://{host}/{'/'.join(segments)}?{query}#{fragment}"
    canon = canonicalize(url)
    assert canonicalize(canon) == canon
    parts = urlsplit(canon)
    assert parts.fragment == ""
    assert not any(is_tracking_param(k) for k, _ in parse_qsl(parts.query, keep_blank_values=True))


def test_site_of():
    assert site_of("https://WWW.Example.com:8080/p") == "example.com"
    assert site_of("www.example.com/p") == "example.com" and site_of("https://news.example./x") == "news.example"
    assert site_of(None) is None and site_of("") is None and site_of("http://[bad") is None


@pytest.mark.parametrize("url", ["https://WWW.Example.com:8080/p", "http://news.example/a", "https://www.x.org/"])
def test_one_source_name_from_a_url_everywhere(url):
    """The ingest's source, the brief's source and the page's link label name a URL's site alike."""
    from storyline.briefs.facts import source_name
    from storyline.extract import extract
    from storyline.types import Article, RawRecord
    from storyline.web.format import host

    ingested = extract(RawRecord(origin="t", url=url, title="Tram line to open in May", text="The new tram line "
                                 "across the harbour district opens to passengers in May, the city said."))
    assert ingested.source == source_name(Article(id="a", title="", text="", url=url)) == host(url) == site_of(url)
