"""A brief counts each near-copy once, with its original (issue 19): header, Sources list and timeline in
every format, the JSON timeline's ``copy_of``, and the same count as the Coverage section."""

from __future__ import annotations

import json

from storyline.briefs import build_brief, render
from storyline.briefs.credits import credited_sources, size_line
from storyline.coverage import story_coverage
from storyline.coverage.render import totals_line
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.types import Brief, RawRecord, TimelineEntry

STORY = ("The harbour of Corvana reopened on Tuesday after a three-day ferry strike ended with a pay deal. "
         "Ferry workers accepted a raise of four percent, union leader Marta Olsen said at the quay. "
         "The first ferries left for the islands at noon, and the port expects full service by Friday.")


def _entry(article_id: str, source: str, copy_of: str | None = None, lang: str = "en") -> TimelineEntry:
    return TimelineEntry(None, False, article_id, source, lang, f"title {article_id}", None, copy_of)


def _brief(*entries: TimelineEntry) -> Brief:
    sources: dict[str, tuple[str, ...]] = {}
    for t in entries:
        sources[t.lang] = tuple(sorted({*sources.get(t.lang, ()), t.source}))
    return Brief("s1", "Harbour reopens", (), (), (), (), entries, sources)


def test_header_and_sources_count_a_copy_once_and_credit_it_to_its_original():
    b = _brief(_entry("a", "Wire"), _entry("b", "spam.blog", "a"), _entry("c", "mirror.example", "a"),
               _entry("d", "Herald"), _entry("e", "Diario", lang="es"))
    assert size_line(b) == "3 articles + 2 copies"
    [en, es] = credited_sources(b)
    assert en.sources == (("Herald", ()), ("Wire", ("mirror.example", "spam.blog")))
    assert es.sources == (("Diario", ()),)
    text = render(b, "text")
    assert "story s1 · 3 articles + 2 copies · languages: en, es" in text
    assert "  en: Herald, Wire (+ copied by mirror.example, spam.blog)\n" in text
    assert "[b] (copy of [a])" in text and text.count("(copy of [a])") == 2
    md = render(b, "md")
    assert "3 articles + 2 copies" in md and "- **en**: Herald, Wire (+ copied by mirror.example, spam.blog)" in md
    assert "copy of `a`" in md
    html = render(b, "html")
    assert "3 articles + 2 copies" in html and "Wire (+ copied by mirror.example, spam.blog)</li>" in html
    assert html.count('class="copy"') == 2
    data = json.loads(render(b, "json"))
    assert [t["copy_of"] for t in data["timeline"]] == [None, "a", "a", None, None]
    assert data["sources"] == {"en": ["Herald", "Wire", "mirror.example", "spam.blog"], "es": ["Diario"]}


def test_a_brief_without_copies_says_what_it_always_said():
    b = _brief(_entry("a", "Wire"), _entry("b", "Herald"))
    assert size_line(b) == "2 articles"
    assert "story s1 · 2 articles · languages: en" in render(b, "text")
    assert "  en: Herald, Wire\n" in render(b, "text")


def test_copier_names_are_escaped_in_every_format():
    evil = "<script>alert(1)</script>*x*"
    b = _brief(_entry("a", "Wire"), _entry("b", evil, "a"))
    assert "<script>" not in render(b, "html") and "&lt;script&gt;" in render(b, "html")
    assert r"\*x\*" in render(b, "md") and r"\<script\>" in render(b, "md")


def test_a_stored_story_brief_agrees_with_its_coverage(tmp_path):
    """Copies found at ingest (MinHash) reach the brief: its header counts what the Coverage section counts."""
    records = [RawRecord(origin="t:1", id="wire", source="Wire", title="Corvana harbour reopens", text=STORY,
                         published="2026-04-14T08:00:00Z"),
               RawRecord(origin="t:2", id="copy", source="spam.blog", title="Corvana harbour reopens", text=STORY,
                         published="2026-04-14T09:00:00Z"),
               RawRecord(origin="t:3", id="herald", source="Herald", title="Ferries run again in Corvana",
                         text="Ferries to the islands ran again from Corvana on Tuesday after workers accepted a "
                              "four percent raise. Union leader Marta Olsen called the deal fair.",
                         published="2026-04-14T10:00:00Z")]
    with Engine(tmp_path / "t.db", encoder=HashingEncoder()) as engine:
        engine.ingest_records(records)
        story = engine.store.story_of("wire")
        assert engine.store.story_of("copy") == story and engine.store.story_of("herald") == story
        b = build_brief(engine.store, story, encoder=HashingEncoder())
        coverage = story_coverage(engine.store, story)
    assert {t.article_id: t.copy_of for t in b.timeline} == {"wire": None, "copy": "wire", "herald": None}
    assert size_line(b) == "2 articles + 1 copy" and totals_line(coverage).startswith("2 articles (+1 near-copy")
    assert "  en: Herald, Wire (+ copied by spam.blog)" in render(b, "text")
