"""Hybrid search (storyline.story_search): a query in any language finds the story by meaning, words
still count, filters apply, and the API, CLI and Python API agree. Invented stories, USE encoder."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import storyline
from storyline.cli import main
from storyline.story_search import fuse, query_encoder

STORIES = Path(__file__).parent / "fixtures" / "search" / "stories.jsonl"


@pytest.fixture(scope="module")
def search_db(tmp_path_factory) -> str:
    """The invented search stories (English-only earthquake, election and wildfire among others in
    Spanish, German and Japanese) ingested with the bundled multilingual encoder."""
    db = str(tmp_path_factory.mktemp("search") / "search.db")
    storyline.ingest([str(STORIES)], db=db, encoder="use")
    return db


def _story_of(db: str, article_id: str) -> str:
    from storyline.storage import open_store

    store = open_store(db)
    try:
        found = store.story_of(article_id)
    finally:
        store.close()
    assert found is not None
    return found


@pytest.mark.parametrize(("query", "article"), [
    ("terremoto en la costa", "quake-1"),  # Spanish
    ("Parlamentswahl", "vote-1"),  # German
    ("山火事で住民が避難", "fire-1"),  # Japanese: "residents evacuated from a wildfire"
])
def test_a_query_in_another_language_finds_the_english_only_story_first(search_db, query, article):
    hits = storyline.search(query, db=search_db)
    assert hits, f"nothing found for {query!r}"
    top = hits[0]
    assert top.story_id == _story_of(search_db, article)
    assert top.row["languages"] == ["en"]
    assert top.cosine is not None and top.text_rank is None  # found by meaning: none of its words occur


def test_words_still_count_and_both_kinds_of_evidence_add_up(search_db):
    quake = _story_of(search_db, "quake-1")
    hits = storyline.search("Marisca earthquake", db=search_db)
    assert hits[0].story_id == quake
    assert hits[0].text_rank == 1 and hits[0].cosine is not None
    assert hits[0].score == pytest.approx(2 / 61)  # first in both lists


def test_an_unrelated_query_finds_nothing_by_meaning(search_db):
    assert storyline.search("zzzqqq xyzzy", db=search_db) == []


def test_language_and_since_filters(search_db):
    assert storyline.search("terremoto en la costa", db=search_db, lang="es") == []  # the quake is English only
    chess = _story_of(search_db, "chess-es")
    assert [h.story_id for h in storyline.search("ajedrez", db=search_db, lang="es")] == [chess]
    later = storyline.search("terremoto", db=search_db, since="2026-05-05")
    assert _story_of(search_db, "quake-1") not in {h.story_id for h in later}
    early = storyline.search("terremoto", db=search_db, since=datetime(2026, 5, 1, tzinfo=UTC))
    assert early[0].story_id == _story_of(search_db, "quake-1")


def test_the_query_encoder_is_built_once_per_process(search_db):
    storyline.search("Erdbeben", db=search_db)
    before = query_encoder.cache_info()
    storyline.search("地震", db=search_db)
    after = query_encoder.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 1


def test_cli_search_prints_ranked_stories_and_json(search_db):
    runner = CliRunner()
    result = runner.invoke(main, ["search", "Erdbeben", "--db", search_db, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["id"] == _story_of(search_db, "quake-1")
    assert {"score", "cosine", "text_rank", "headline", "languages"} <= set(rows[0])
    text = runner.invoke(main, ["search", "Erdbeben", "--db", search_db, "--limit", "1"])
    assert text.exit_code == 0 and "earthquake" in text.output and "meaning" in text.output
    missing = runner.invoke(main, ["search", "x", "--db", search_db + ".nope"])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_api_and_page_search_by_meaning_with_one_encoder(search_db):
    from fastapi.testclient import TestClient

    from storyline.web import create_app

    app = create_app(search_db)
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        page = client.get("/api/stories", params={"q": "選挙"}).json()
        assert page["stories"][0]["id"] == _story_of(search_db, "vote-1")
        assert page["stories"][0]["cosine"] > 0
        encoder = app.state.storyline.encoder
        by_time = client.get("/api/stories", params={"q": "terremoto", "sort": "size"}).json()["stories"]
        assert app.state.storyline.encoder is encoder  # loaded once, reused by every search
        assert [s["size"] for s in by_time] == sorted((s["size"] for s in by_time), reverse=True)
        html = client.get("/partials/stories", params={"q": "incendio forestal"}).text
        assert "Calder Ridge" in html and "/feeds/search.atom?q=incendio+forestal" in html


def test_fusion_sums_reciprocal_ranks():
    fused = fuse([("a", 0.5), ("b", 0.4)], ["b", "c"])
    assert [s for s, *_ in fused] == ["b", "a", "c"]
    assert fused[0][2:] == (0.4, 1)
