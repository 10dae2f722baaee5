"""Originals, near-copies, sources by language and the first reporter, on invented pieces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storyline.coverage import coverage_of, piece_of_row
from storyline.coverage.facts import languages, originals
from storyline.coverage.types import Piece

T0 = datetime(2026, 4, 14, 8, 0, tzinfo=UTC)


def _piece(article_id, source, lang="en", hours=None, copy_of=None):
    time = None if hours is None else T0 + timedelta(hours=hours)
    return Piece(article_id, source, lang, time, f"title {article_id}", copy_of)


STORY = [
    _piece("tel", "Telegraph", hours=1),
    _piece("spam", "spam.blog", hours=0, copy_of="tel"),  # a copy published before its original
    _piece("spam2", "spam.blog", hours=3, copy_of="spam"),  # a copy of the copy
    _piece("cnn", "CNN Español", "es", hours=2),
    _piece("rt", "RT", hours=5),
    _piece("rt2", "RT", hours=6),
    _piece("undated", "Le Monde", "fr"),
]


def test_a_copy_is_counted_once_and_credited_to_its_original():
    c = coverage_of("s1", STORY)
    assert (c.articles, c.copies, c.sources) == (5, 2, 4)  # 7 articles, the two copies counted with "tel"
    [credited] = c.copied
    assert credited.article_id == "tel" and [x.article_id for x in credited.copies] == ["spam", "spam2"]
    assert {x.original_id for x in credited.copies} == {"tel"}
    assert sum(bar.total for bar in c.chart.bars) + c.chart.undated == c.articles


def test_the_first_reporter_is_the_earliest_dated_original_never_a_copy():
    c = coverage_of("s1", STORY)
    assert (c.first.article_id, c.first.source, c.first.time) == ("tel", "Telegraph", T0 + timedelta(hours=1))
    by_lang = {lang.lang: lang for lang in c.languages}
    assert by_lang["es"].first.article_id == "cnn" and by_lang["fr"].first is None


def test_sources_by_language_count_originals_and_name_the_copiers():
    found = {lang.lang: lang for lang in languages(originals(STORY))}
    assert list(found) == ["en", "es", "fr"]  # most articles first
    en = found["en"]
    assert (en.articles, en.copies) == (3, 2)
    assert [(s.source, s.articles, s.copied) for s in en.sources] == [("RT", 2, 0), ("Telegraph", 1, 2)]
    assert en.copiers == ("spam.blog",)


def test_a_copy_whose_original_is_elsewhere_stands_for_it_and_a_loop_keeps_one_original():
    lone = originals([_piece("c", "x", copy_of="not-in-story")])
    assert [o.article_id for o in lone] == ["c"]
    loop = originals([_piece("a", "x", copy_of="b"), _piece("b", "y", copy_of="a")])
    assert [(o.article_id, [c.article_id for c in o.copies]) for o in loop] == [("a", ["b"])]


def test_a_row_of_the_store_names_its_source_as_briefs_do():
    row = {"id": "a1", "title": "T", "lang": "en", "source": None, "url": "https://www.herald.example/x",
           "time": "2026-04-14T08:00:00Z", "duplicate_of": None}
    piece = piece_of_row(row)
    assert piece.source == "herald.example" and piece.time == T0
    assert piece_of_row({**row, "url": None, "time": None}).source == "unknown"


def test_the_brief_and_the_story_page_credit_sources_from_one_builder():
    """``credits_by_language`` is the one home of the Sources list: the brief's and the page's agree."""
    from storyline.briefs.credits import credited_sources
    from storyline.coverage import coverage_of
    from storyline.coverage.facts import credits_by_language
    from storyline.types import Brief, TimelineEntry
    from storyline.web.templating import sources_line

    rows = [("a", "Wire", "en", None), ("b", "blog", "en", "a"), ("c", "Herald", "en", None),
            ("d", "Diario", "es", None), ("e", "espejo", "es", "d")]
    pieces = [Piece(i, s, lang, None, "t", c) for i, s, lang, c in rows]
    timeline = tuple(TimelineEntry(None, False, i, s, lang, "t", None, c) for i, s, lang, c in rows)
    coverage = coverage_of("s1", pieces)
    from_brief = credited_sources(Brief("s1", "", (), (), (), (), timeline, {}))
    assert from_brief == credits_by_language(coverage.languages, coverage.copied)
    assert sources_line(["Wire", "blog", "Herald", "Diario", "espejo"], coverage) == [
        "Herald", "Wire (+ copied by blog)", "Diario (+ copied by espejo)"]
