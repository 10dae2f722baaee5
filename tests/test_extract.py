"""Extraction: HTML main text and metadata, plain-text normalising, dates, sources, rejections, speed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.extract import Extracted, count_words, extract, normalise_text, parse_datetime
from storyline.sources import read_paths
from storyline.types import RawRecord, Rejection

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"
UTC = UTC


def fixture_record(name: str) -> RawRecord:
    (record,) = read_paths([str(FIXTURES / name)])
    assert isinstance(record, RawRecord)
    return record


def test_html_main_text_without_nav_cookies_comments():
    result = extract(fixture_record("article_en.html"))
    assert isinstance(result, Extracted)
    assert result.title == "Harbour bridge reopens after three weeks of storm repairs"
    paragraphs = result.text.split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("The Eastgate harbour bridge reopened")
    assert paragraphs[-1].endswith("expected to take two years.")
    for noise in ("cookies", "Subscribe", "Most read", "seagull77", "nightmare", "All rights reserved",
                  "Leave a reply"):
        assert noise not in result.text
    assert result.published == datetime(2024, 3, 14, 6, 45, tzinfo=UTC)
    assert result.source == "The Coastal Ledger"
    assert result.url == "https://www.coastal-ledger.example/news/2024/03/harbour-bridge-reopens"


def test_html_in_another_language_drops_its_comments_and_banner():
    result = extract(fixture_record("articulo_es.html"))
    assert result.title == "El Ayuntamiento aprueba el nuevo carril bici del paseo marítimo"
    assert result.text.count("\n\n") == 2 and "paseo marítimo" in result.text
    assert "enhorabuena" not in result.text and "cookies" not in result.text
    assert result.published is None and result.source is None


def test_record_metadata_wins_over_the_page():
    html = (FIXTURES / "article_en.html").read_text("utf-8")
    record = RawRecord(origin="o", html=html, title="My own title for it", published="2024-03-15",
                       source="Wire", url="https://www.mirror.example/x")
    result = extract(record)
    assert (result.title, result.source, result.url) == ("My own title for it", "Wire", "https://www.mirror.example/x")
    assert result.published == datetime(2024, 3, 15, tzinfo=UTC)


def test_source_falls_back_to_hostname_and_date_to_feed():
    record = RawRecord(origin="o", text="Three words here and more", url="https://www.daily.example/a/b",
                       extra={"feed_published": "Tue, 02 Jan 2024 10:00:00 GMT"})
    result = extract(record)
    assert result.source == "daily.example"
    assert result.published == datetime(2024, 1, 2, 10, 0, tzinfo=UTC)


def test_html_without_main_text():
    html = "<html><head><script>var x = 1;</script></head><body><div class='ad'></div></body></html>"
    result = extract(RawRecord(origin="p.html", html=html))
    assert isinstance(result, Rejection) and result.reason == "no_main_text" and result.origin == "p.html"
    nav_only = "<html><body><nav><a href='/'>Home</a> <a href='/b'>News</a></nav></body></html>"
    assert extract(RawRecord(origin="p.html", html=nav_only)).reason in ("no_main_text", "too_short")


def test_html_headline_only_page_is_kept_by_its_title():
    html = "<html><head><title>Ceasefire agreed in northern province talks</title></head><body></body></html>"
    result = extract(RawRecord(origin="p", html=html))
    assert isinstance(result, Extracted) and result.title == "Ceasefire agreed in northern province talks"


def test_plain_text_normalised():
    text = "First line \t of para one\r\nsecond line\u00a0here\r\n\r\n\r\n\r\nPara\x00 two\x1b \u200bends.  \n\n"
    result = extract(RawRecord(origin="t", text=text))
    assert result.text == "First line of para one\nsecond line here\n\nPara two ends."
    assert result.title == ""


def test_too_short_and_empty():
    assert extract(RawRecord(origin="t", text="Two words")).reason == "too_short"
    assert extract(RawRecord(origin="t", text="Two words", title="Short title")).reason == "too_short"
    assert extract(RawRecord(origin="t", text=" \n ", title="  ")).reason == "empty"
    assert isinstance(extract(RawRecord(origin="t", text="Two words"), min_words=2), Extracted)


def test_headline_only_record_is_an_article():
    result = extract(RawRecord(origin="t", title="Simone Biles withdraws from team final"))
    assert isinstance(result, Extracted) and result.text == "" and result.title.startswith("Simone")


def test_cjk_text_counts_words_without_spaces():
    assert isinstance(extract(RawRecord(origin="t", text="东京奥运会今天开幕")), Extracted)
    assert extract(RawRecord(origin="t", text="开幕")).reason == "too_short"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-07-01T10:51:00Z", datetime(2021, 7, 1, 10, 51, tzinfo=UTC)),
        ("2021-07-01T12:51:00+02:00", datetime(2021, 7, 1, 10, 51, tzinfo=UTC)),
        ("2021-07-01 10:51", datetime(2021, 7, 1, 10, 51, tzinfo=UTC)),
        ("2021-07-01", datetime(2021, 7, 1, tzinfo=UTC)),
        ("Thu, 01 Jul 2021 10:51:00 GMT", datetime(2021, 7, 1, 10, 51, tzinfo=UTC)),
        ("1625136660", datetime(2021, 7, 1, 10, 51, tzinfo=UTC)),
        (1625136660000, datetime(2021, 7, 1, 10, 51, tzinfo=UTC)),
        ("01.07.2021", datetime(2021, 7, 1, tzinfo=UTC)),
        (datetime(2021, 7, 1, 10, 51), datetime(2021, 7, 1, 10, 51, tzinfo=UTC)),
        ("yesterday-ish", None),
        ("", None),
        ("0001-01-01", None),
        (["2021"], None),
    ],
)
def test_parse_datetime(value, expected):
    assert parse_datetime(value) == expected


def test_unparseable_published_is_none_not_rejection():
    result = extract(RawRecord(origin="t", title="Market rallies on rate hopes", published="soon"))
    assert isinstance(result, Extracted) and result.published is None


@given(st.text())
def test_normalise_text_invariants(text):
    out = normalise_text(text)
    assert out == out.strip() and "\r" not in out and "\n\n\n" not in out and "\t" not in out
    assert not any(ord(c) < 32 and c != "\n" for c in out)
    assert normalise_text(out) == out


@given(st.text(alphabet="ab \n", max_size=60), st.integers(min_value=1, max_value=5))
def test_count_words_limit(text, limit):
    assert count_words(text) == len(text.split())
    assert count_words(text, limit) == min(len(text.split()), limit)


def _count_words_token_by_token(text: str, limit: int | None) -> int:
    """count_words as first written: every token read by regex, whatever its script."""
    import re

    total = 0
    for token in re.findall(r"\S+", text):
        unspaced = len(re.findall(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                                  r"\u4e00-\u9fff\uf900-\ufaff]", token))
        total += (unspaced + 1) // 2 if unspaced else (1 if re.search(r"[^\W_]", token) else 0)
        if limit is not None and total >= limit:
            break
    return total


@given(st.text(alphabet=st.sampled_from("ab9_-.,'\" \n\t\x0b\x1c\x85é東京\u3000"), max_size=80)
       | st.text(alphabet=st.characters(max_codepoint=127), max_size=80),
       st.none() | st.integers(min_value=-2, max_value=12))
def test_count_words_equals_the_token_by_token_count(text, limit):
    # ASCII texts are counted by one regex: the same counts as reading each token
    assert count_words(text, limit) == _count_words_token_by_token(text, limit)


def test_a_title_repeated_as_the_first_paragraph_goes_whatever_its_punctuation():
    """One meaning of "the same words" for extract and compare (it used to be two that disagreed)."""
    from storyline.extract import same_words
    from storyline.similarity import compare

    html = ("<html><head><title>Ceasefire agreed in northern province talks</title></head><body><article>"
            "<p>CEASEFIRE AGREED IN NORTHERN PROVINCE TALKS.</p><p>Negotiators for both sides agreed a ceasefire "
            "in the northern province on Tuesday after three days of talks in the capital.</p></article></body></html>")
    result = extract(RawRecord(origin="p.html", html=html))
    assert result.text.startswith("Negotiators")
    assert same_words("Ceasefire agreed.", "ceasefire  AGREED") and not same_words("Ceasefire agreed", "Ceasefire")
    assert compare("Ceasefire agreed in talks.", "ceasefire agreed in talks", encoder=None).overall == 1.0


def test_a_web_servers_error_page_is_rejected_with_its_reason():
    gone = RawRecord(origin="f.jsonl:7", title="Page Not Found",
                     text="Sorry, the page you are looking for has moved or no longer exists.")
    rejected = extract(gone)
    assert isinstance(rejected, Rejection) and rejected.reason == "error_page" and rejected.origin == "f.jsonl:7"
    news = RawRecord(origin="f.jsonl:8", title="Page not found: the archive that vanished overnight",
                     text="When the city's newspaper archive went dark, readers found only an error page. " * 20)
    assert isinstance(extract(news), Extracted)  # an article about an error page is an article

_SPECIAL = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA1), 0xAD, 0x200B, 0x200C, 0x200D, 0x200E,
                                    0x200F, 0x2028, 0x2029, 0x202A, 0x202E, 0x2060, 0xFEFF]) + " \t\n\r\\]-^"


@given(st.text(alphabet=st.sampled_from(_SPECIAL) | st.characters(), max_size=80))
def test_normalise_text_equals_translating_every_text(text):
    # the search that skips the translation must see every character the translation changes
    assert normalise_text(text) == _reference_normalise(text)


def _reference_normalise(text: str) -> str:
    """normalise_text as it was, translating every text."""
    from storyline.extract import _BLANK_RUN, _DROP, _EDGE_SPACE, _HSPACE

    text = text.replace("\r\n", "\n").translate(_DROP)
    text = _HSPACE.sub(" ", text)
    text = _EDGE_SPACE.sub("\n", text)
    return _BLANK_RUN.sub("\n\n", text).strip()


def test_every_dropped_character_is_searched_for():
    from storyline.extract import _DROP, _DROPPED

    assert all(_DROPPED.search(f"a{chr(c)}b") for c in _DROP)
    assert not _DROPPED.search("plain text, \t tabs and\nnewlines, café, ZWJ \u200d and ZWNJ \u200c stay")
