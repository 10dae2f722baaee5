"""A story's brief from the store: quotes across languages, single-source claims, summary, headline,
timeline, the cache on a second brief, the Python API (briefs/build.py)."""

from __future__ import annotations

import numpy as np
import pytest

from builders import port_strike_engine
from storyline.briefs import brief, build_brief
from storyline.embed import HashingEncoder, thresholds_for
from storyline.engine import Engine
from storyline.errors import NotFoundError
from storyline.types import RawRecord


# ---------- the multilingual fixture story (conftest's dam_story), with the real encoder ----------
def _variants(group):
    return {v.article_id: v for v in group.variants}


def test_fixture_is_one_story_with_the_copy_linked(dam_story):
    engine, story_id, _ = dam_story
    assert {engine.store.story_of(a) for a in ("dam-en", "dam-en-copy", "dam-es", "dam-fr")} == {story_id}
    assert engine.store.article_meta("dam-en-copy")["duplicate_of"] == "dam-en"


def test_quote_groups_match_translations_and_split_sentences(dam_story):
    _, _, b = dam_story
    groups = [_variants(g) for g in b.quote_groups]
    governor = next(g for g in groups if "dam-es" in g and "dam-en" in g and "risks" in g["dam-en"].text)
    # One English sentence matches two Spanish and two French sentences.
    assert governor["dam-es"].text == ("No vamos a correr ningún riesgo con la vida de la gente. "
                                          "Todos los que viven debajo de la presa deben irse esta noche")
    assert governor["dam-fr"].text.startswith("Nous ne prendrons aucun risque")
    assert governor["dam-fr"].text.endswith("doivent partir ce soir")
    assert {v.speaker for v in governor.values()} == {"Lucía Moreno"}
    crack = next(g for g in groups if "La grieta mide doce metros y sigue creciendo" in
                 [v.text for v in g.values()])
    assert set(crack) == {"dam-en", "dam-en-copy", "dam-es", "dam-fr"}
    assert all(v.speaker == "Paul Okafor" for v in crack.values())
    army = next(g for g in groups if "dam-fr" in g and "hélicoptères" in g["dam-fr"].text)
    assert set(army) == {"dam-en", "dam-en-copy", "dam-fr"}
    full = next(g for g in b.quote_groups if "dam-es" in _variants(g) and "risks" in _variants(g)["dam-en"].text)
    assert full.sources == tuple(sorted(["harbourpost.example", "best-deals-news.example", "diariodelsur.example",
                                      "lequotidien.example"]))
    assert len(b.quote_groups) == 3


def test_single_source_claims(dam_story):
    _, _, b = dam_story
    claims = {(c.article_id, c.text) for c in b.single_source_claims}
    assert any(a == "dam-es" and "Tomás Ibarra" in t for a, t in claims)
    assert any(a == "dam-fr" and "construit en 1968" in t for a, t in claims)
    # Only the English original and its spam copy (one family) carry the farmers: listed once.
    assert sum("livestock" in t for _, t in claims) == 1
    for _, text in claims:  # what every source carries is not a single-source claim
        assert "3,000" not in text and "3.000" not in text and "3 000" not in text
        assert "900" not in text and "twelve" not in text and "douze" not in text


def test_summary_size_coverage_and_traceability(dam_story):
    engine, _, b = dam_story
    assert 3 <= len(b.summary) <= 7
    # every language is heard: in the summary, or in the quotes and claims it leaves to their sections
    shown = list(b.summary) + list(b.single_source_claims) + [v for g in b.quote_groups for v in g.variants]
    assert {s.lang for s in shown} == {"en", "es", "fr"} and len({s.lang for s in b.summary}) >= 2
    for s in list(b.summary) + list(b.single_source_claims):
        article = engine.store.get_article(s.article_id)
        assert s.text in article.text and s.lang == article.lang and s.source == article.source
    texts = [s.text for s in b.summary]
    assert len(set(texts)) == len(texts)


def test_no_sentence_is_shown_in_two_sections(dam_story):
    _, _, b = dam_story
    summary = [s.text for s in b.summary]
    assert not set(summary) & {c.text for c in b.single_source_claims}
    quoted = [v.text for g in b.quote_groups for v in g.variants]
    assert not [s for s in summary if any(q in s for q in quoted)]  # a grouped quotation is shown once
    assert not any("«" in s or "“" in s or '"' in s for s in summary[:1])  # the event first, then what was said


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_summary_tells_each_fact_once_in_the_requested_language(dam_story, lang):
    engine, story_id, _ = dam_story
    b = build_brief(engine.store, story_id, lang=lang, encoder=engine.encoder)
    assert 3 <= len(b.summary) <= 7
    # Every fact here is carried in all three languages but one (the spillway, English only).
    assert sum(s.lang == lang for s in b.summary) >= len(b.summary) - 1
    vectors = np.asarray(engine.encoder.encode([s.text for s in b.summary]), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = vectors @ vectors.T - 2 * np.eye(len(vectors))
    same_fact = thresholds_for(engine.encoder.name).fact  # the cosine of one fact on this encoder's scale
    assert sims.max() < same_fact, "two summary items state the same fact"


def test_summary_sentences_shown_without_dateline():
    engine = Engine(":memory:", encoder=HashingEncoder())
    engine.ingest_records([RawRecord(origin="x", id="d1", source="wire.example", title="Bridge closes",
                                     text="ORVANA (Valley Wire) — The old bridge closed on Monday for repairs. "
                                          "Traffic moves to the ring road until May. Shops on the bridge stay shut.")])
    b = build_brief(engine.store, "s1")
    assert b.summary[0].text == "The old bridge closed on Monday for repairs."


def test_headline_timeline_sources_entities(dam_story):
    engine, story_id, b = dam_story
    assert b.headline == "Crack in Orvana dam forces 3,000 people from their homes"
    spanish = build_brief(engine.store, story_id, lang="es")
    assert spanish.headline == "Una grieta en la presa de Orvana obliga a evacuar a 3.000 vecinos"
    assert [t.article_id for t in b.timeline] == ["dam-en", "dam-en-copy", "dam-es", "dam-fr"]
    assert dict(b.sources) == {"en": ("best-deals-news.example", "harbourpost.example"),
                               "es": ("diariodelsur.example",), "fr": ("lequotidien.example",)}
    names = {e.name for e in b.entities}
    assert {"Paul Okafor", "Castrel"} <= names
    assert not any(n in names for n in ("Monday", "But", "Also"))


def test_second_brief_reads_the_cache(dam_story):
    engine, story_id, first = dam_story

    class Counting:
        name, dim, languages = engine.encoder.name, engine.encoder.dim, engine.encoder.languages
        calls = 0

        def encode(self, texts):
            Counting.calls += len(texts)
            return engine.encoder.encode(texts)

    again = build_brief(engine.store, story_id, encoder=Counting())
    assert Counting.calls == 0
    assert again == first


# ---------- no model needed ----------
def test_brief_api_and_unknown_story(tmp_path):
    db = tmp_path / "h.db"
    port_strike_engine(db).close()
    b = brief("s1", db=db)
    assert b.headline == "Port strike halts ferries" and b.single_source_claims == ()
    assert all(np.isfinite(len(s.text)) for s in b.summary)
    with pytest.raises(NotFoundError) as err:
        brief("s42", db=db)
    assert "storyline stories" in err.value.hint


def test_headline_only_story(tmp_path):
    engine = Engine(tmp_path / "t.db", encoder=HashingEncoder())
    engine.ingest_records([
        RawRecord(origin=f"t:{i}", id=f"t{i}", source=f"feed{i}.example", title=title)
        for i, title in enumerate(["Port strike halts all ferries to Isla Verde on Tuesday",
                                   "All ferries to Isla Verde halted by a port strike on Tuesday"])
    ])
    story_id = engine.store.story_of("t0")
    b = build_brief(engine.store, story_id)
    assert b.summary and all(s.text in ("Port strike halts all ferries to Isla Verde on Tuesday",
                                        "All ferries to Isla Verde halted by a port strike on Tuesday")
                             for s in b.summary)
    assert len(b.timeline) == len(engine.store.story_articles(story_id))


def test_a_big_story_encodes_each_articles_lead_and_every_quotation(tmp_path):
    """The first brief's encoder work is bounded: each article's first ``sentences_read`` sentences (and their
    clauses), and every quotation wherever it stands; a sentence past the lead is not encoded."""
    from datetime import UTC, datetime

    from storyline.briefs.build import sentences_read
    from storyline.storage import open_store
    from storyline.types import Article

    n, length = 30, 20
    store = open_store(tmp_path / "big.db")
    encoder = HashingEncoder()
    when = datetime(2026, 3, 3, 6, tzinfo=UTC)
    articles = [Article(id=f"a{i}", title=f"Dam report {i}", source=f"outlet{i}.example", lang="en", ingested=when,
                        text="\n\n".join(f"Report {i} line {j} tells how the dam near Sella held on Monday."
                                         for j in range(length - 1))
                        + f'\n\n"We will rebuild the wall {i} times," said engineer Ana Ruiz.')
                for i in range(n)]
    with store.transaction():
        store.create_story("s1", 1)
        for article, vector in zip(articles, encoder.encode([a.full_text for a in articles]), strict=True):
            store.insert_article(article, story_id="s1", similarity=1.0, duplicate_of=None)
            store.insert_vector(article.id, encoder.name, vector)
        store.refresh_story("s1", articles[0].title, articles[0].id)
    encoded: list[str] = []

    class Counting(HashingEncoder):
        def encode(self, texts):
            encoded.extend(texts)
            return super().encode(texts)

    cap = sentences_read(n)
    assert cap < length - 1
    b = build_brief(store, "s1", encoder=Counting())
    lines = {t for t in encoded if t.startswith("Report ")}
    assert lines == {f"Report {i} line {j} tells how the dam near Sella held on Monday."
                     for i in range(n) for j in range(cap)}
    assert {f"We will rebuild the wall {i} times" for i in range(n)} <= set(encoded)
    assert all(int(s.text.split()[3]) < cap for s in b.summary)


def test_a_near_copy_dated_first_is_never_cited_as_a_claims_source(tmp_path):
    """Issue 19: "Only one source says" cites the original, never its near-copy, even when the copy (found
    later, so marked a copy) carries an earlier date and its sentences come first in the story."""
    import json
    from pathlib import Path

    from storyline.embed import get_encoder

    rows = [json.loads(line) for line in (Path(__file__).parent / "fixtures" / "briefs" / "dam_story.jsonl").open()]
    copy = next(r for r in rows if r["id"] == "dam-en-copy")
    copy["published"] = "2026-03-03T06:00:00Z"  # backdated
    with Engine(tmp_path / "early.db", encoder=get_encoder("use")) as engine:
        engine.ingest_records([RawRecord(origin=f"t:{r['id']}", **r) for r in rows if r is not copy])
        engine.ingest_records([RawRecord(origin="t:copy", **copy)])
        assert engine.store.article_meta("dam-en-copy")["duplicate_of"] == "dam-en"
        b = build_brief(engine.store, engine.store.story_of("dam-en"), encoder=engine.encoder)
    assert b.timeline[0].article_id == "dam-en-copy"  # the copy does come first
    cited = [c.article_id for c in b.single_source_claims]
    assert "dam-en-copy" not in cited and "dam-en" in cited
    assert sum("livestock" in c.text for c in b.single_source_claims) == 1
