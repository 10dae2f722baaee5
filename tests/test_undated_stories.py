"""Undated articles lend no time to their story (issue 16): a story's span is that of its dated
members, and the stories with no dated member are shown "undated" and listed after the dated ones
(CLI `stories`, the web list, /api/stories), whatever their ingest time."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from builders import database_at_version
from storyline.cli import main
from storyline.dates import to_iso
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.storage import open_store
from storyline.types import RawRecord
from storyline.web.app import create_app
from web_corpus import corpus

LIGHTHOUSE = ("Snowplough crews in Tromsvik clear the mountain pass before dawn",
              "Snowplough crews in Tromsvik worked through the night to clear the Kvalfjell mountain pass, "
              "which reopened to lorries before dawn after a blizzard buried it under two metres of snow.")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The web corpus (dated, April 2026), then an undated article ingested now: its ingest time is the
    newest time in the database, and must count for nothing."""
    path = tmp_path_factory.mktemp("undated") / "u.db"
    with Engine(path, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin=f"f:{n}", **row) for n, row in enumerate(corpus())])
        engine.ingest_records([RawRecord(origin="u:1", id="snow-undated", title=LIGHTHOUSE[0],
                                         text=LIGHTHOUSE[1], source="Desk")])
    return path


def _story_of(path, article_id: str) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()[0]


def test_an_undated_story_has_no_span_and_a_mixed_one_the_span_of_its_dated(db, tmp_path):
    copy = tmp_path / "copy.db"
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    dated_id = _story_of(copy, "bridge-en")
    store = open_store(copy)
    try:
        undated = store.get_story(_story_of(copy, "snow-undated"))
        assert undated.first_seen is None and undated.last_seen is None
        before = store.get_story(dated_id)
        with sqlite3.connect(copy) as conn:  # an undated article joins a dated story: its span does not move
            conn.execute("UPDATE articles SET story_id = ? WHERE id = 'snow-undated'", (dated_id,))
        conn.close()
        with store.transaction():
            store.refresh_story(dated_id, before.headline, None)
        after = store.get_story(dated_id)
        with store.transaction():
            store.grow_story(dated_id, [("en", "Desk", None)])
        grown = store.get_story(dated_id)
    finally:
        store.close()
    assert (after.first_seen, after.last_seen) == (before.first_seen, before.last_seen)
    assert (grown.first_seen, grown.last_seen) == (before.first_seen, before.last_seen)
    assert to_iso(before.last_seen).startswith("2026-04")


def _dated_then_undated(rows, key="first_published"):
    flags = [row[key] is None for row in rows]
    assert any(flags) and not all(flags)
    return flags == sorted(flags)


def test_cli_lists_undated_stories_after_the_dated(db):
    result = CliRunner().invoke(main, ["stories", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert _dated_then_undated(rows)
    assert rows[-1]["first_seen"] is None and rows[-1]["last_seen"] is None
    text = CliRunner().invoke(main, ["stories", "--db", str(db)]).stdout
    assert text.rstrip().split("\n")[-3].rstrip().endswith("undated")  # the last story: its line says so


@pytest.mark.parametrize("sort", ["recent", "latest"])
def test_api_and_page_list_undated_stories_after_the_dated(db, sort):
    with TestClient(create_app(db, encoder=HashingEncoder()), base_url="http://127.0.0.1:8765") as client:
        rows = client.get("/api/stories", params={"sort": sort, "limit": 100}).json()["stories"]
        assert _dated_then_undated(rows) and rows[-1]["last_seen"] is None
        page = client.get("/", params={"sort": sort}).text
    assert page.index(LIGHTHOUSE[0]) > max(page.index(row["headline"]) for row in rows[:-1])


def test_an_older_database_gets_spans_of_dated_articles(tmp_path):
    path = tmp_path / "v4.db"
    conn = database_at_version(path, 4)
    article = ("INSERT INTO articles(id, content_hash, title, text, published, lang, lang_confidence, ingested,"
               " origin, story_id, similarity) VALUES(?, '', 't', 'x', ?, 'en', 1, ?, 'o', ?, 1)")
    conn.execute(article, ("a1", "2026-04-14T08:00:00Z", "2026-12-01T00:00:00Z", "s1"))
    conn.execute(article, ("a2", None, "2026-12-02T00:00:00Z", "s1"))
    conn.execute(article, ("a3", None, "2026-12-03T00:00:00Z", "s2"))
    for sid, first, last in (("s1", "2026-04-14T08:00:00Z", "2026-12-02T00:00:00Z"),
                             ("s2", "2026-12-03T00:00:00Z", "2026-12-03T00:00:00Z")):
        conn.execute("INSERT INTO stories(seq, id, created, updated, first_seen, last_seen) VALUES(?, ?, ?, ?, ?, ?)",
                     (int(sid[1:]), sid, first, last, first, last))
    conn.commit()
    conn.close()
    store = open_store(path)
    try:
        spans = {s.id: (to_iso(s.first_seen), to_iso(s.last_seen)) for s in store.list_stories()}
        assert [s.id for s in store.list_stories()] == ["s1", "s2"]
    finally:
        store.close()
    assert spans == {"s1": ("2026-04-14T08:00:00Z", "2026-04-14T08:00:00Z"), "s2": (None, None)}
