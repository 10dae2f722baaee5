"""A near-copy counted once in every total (coverage/counts.py): the API's list, search and "Biggest" order,
the story list's cards, feeds (parsed by feedparser), entity pages, storylines, webhook notices, the CLI and
``storyline.stories()``, over SQLite and PostgreSQL. Invented stories: the bridge strike (3 originals + 1
copy, stored 4) and the museum (2 originals + 3 copies, stored 5: the biggest only when copies count)."""

from __future__ import annotations

import json
from urllib.parse import quote

import feedparser
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import storyline
from storyline.cli import main
from storyline.coverage.counts import StorySize, short_size, size_label, size_of
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.story_search import SearchHit, ordered
from storyline.types import RawRecord
from storyline.watches import add_watch
from storyline.web.app import create_app
from web_coverage_corpus import coverage_corpus
from webserver import Route, WebServer

MIRRORS = ("Mirror One", "Mirror Two", "Mirror Three")


def counted_corpus() -> list[dict]:
    """The coverage corpus with three near-copies of the museum's English article, each from its own mirror."""
    rows = coverage_corpus()
    museum = next(r for r in rows if r["id"] == "museum-en")
    copies = [{**museum, "id": f"museum-copy-{n}", "source": source, "url": f"https://mirror{n}.example/museum",
               "published": f"2026-04-10T2{n}:00:00Z"} for n, source in enumerate(MIRRORS)]
    return [*rows, *copies]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def site(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("counts")
    db = folder / "web.db" if request.param == "sqlite" else request.getfixturevalue("postgres_cluster").new_database()
    with WebServer({"/hook": Route('{"ok": true}', content_type="application/json")}) as web:
        rows = [RawRecord(origin=f"fixture:{n}", **row) for n, row in enumerate(counted_corpus())]
        with Engine(db, encoder=HashingEncoder()) as engine:
            engine.ingest_records(rows[:-len(MIRRORS)])  # as test_web_coverage ingests it
            add_watch(engine.store, "Varena", encoder_name="hashing", webhook=web.url("/hook"))
            engine.ingest_records(rows[-len(MIRRORS):])  # the copies grow the museum story: a notice
        notices = [json.loads(r.body) for r in web.requests if r.method == "POST" and r.path == "/hook"]
    with TestClient(create_app(db, HashingEncoder()), base_url="http://127.0.0.1:8765") as http:
        yield http, db, request.param, notices


def _story_of(client, article_id: str) -> str:
    return client.get(f"/api/articles/{quote(article_id, safe='')}").json()["story_id"]


def _stories(site) -> tuple[str, str]:
    client = site[0]
    bridge, museum = _story_of(client, "bridge-en"), _story_of(client, "museum-en")
    assert {_story_of(client, f"museum-copy-{n}") for n in range(3)} == {museum} and museum == _story_of(client,
                                                                                                     "museum-it")
    return bridge, museum


def test_the_size_is_worded_alike_everywhere():
    assert StorySize(5, 3).originals == 2 and StorySize(5, 3).label == "2 articles + 3 copies"
    assert size_of({"size": 2, "copies": 3}) == StorySize(5, 3) and size_of({"size": 1}) == StorySize(1, 0)
    assert size_label(1, 1) == "1 article + 1 copy" and short_size(12, 0) == " 12 art"


def test_the_api_list_search_and_detail_count_a_copy_once(site):
    client = site[0]
    bridge, museum = _stories(site)
    listed = {s["id"]: (s["size"], s["copies"]) for s in client.get("/api/stories").json()["stories"]}
    assert listed[bridge] == (3, 1) and listed[museum] == (2, 3)
    found = client.get("/api/stories", params={"q": "Varena museum"}).json()["stories"]
    assert [(s["id"], s["size"], s["copies"]) for s in found][:1] == [(museum, 2, 3)]
    detail = client.get(f"/api/stories/{museum}").json()
    assert (detail["size"], detail["copies"], len(detail["articles"])) == (2, 3, 5)
    assert detail["size"] == detail["coverage"]["articles"] and detail["copies"] == detail["coverage"]["copies"]


def test_biggest_orders_by_originals(site):
    client = site[0]
    bridge, museum = _stories(site)
    order = [s["id"] for s in client.get("/api/stories", params={"sort": "size"}).json()["stories"]]
    assert order.index(bridge) < order.index(museum)  # 3 originals before 2 (+ 3 copies)
    rows = [s for s in client.get("/api/stories").json()["stories"] if s["id"] in (bridge, museum)]
    hits = [SearchHit(row["id"], 0.0, None, 1, row) for row in rows[::-1]]  # a search's hits, "Biggest" asked
    assert [hit.story_id for hit in ordered(hits, "size")] == [bridge, museum]


def test_the_story_list_cards_say_the_counted_size(site):
    page = site[0].get("/").text
    assert "3 articles + 1 copy" in page and "2 articles + 3 copies" in page
    assert 'data-size="5"' not in page  # the cards' size is the originals' too
    bridge_card = page[page.index("Ferry workers strike"):]
    bridge_card = bridge_card[:bridge_card.index("</li>")]
    listed = bridge_card[bridge_card.index('class="sources">'):]
    assert listed.index("Harbour Herald") < listed.index("+ 1 copying") and "Copycat Blog" in listed  # in its title
    assert "Copycat Blog ·" not in listed and "· Copycat Blog" not in listed  # never among the sources named
    museum = site[0].get("/api/stories", params={"q": "Varena"}).json()["stories"][0]
    assert museum["sources"] == ["Gazzetta del Lago", "Lakeside Post", *sorted(MIRRORS)]
    assert museum["copiers"] == sorted(MIRRORS)


def test_feeds_title_entries_with_the_counted_size(site):
    client = site[0]
    _, museum = _stories(site)
    feed = feedparser.parse(client.get("/feeds/search.atom", params={"q": "Varena"}).content)
    assert not feed.bozo and feed.version == "atom10"
    assert feed.entries[0].title.endswith("(2 articles + 3 copies)")
    story = feedparser.parse(client.get(f"/feeds/story/{museum}.atom").content)
    assert not story.bozo and story.entries[0].title.endswith("(2 articles + 3 copies)")
    as_json = client.get("/feeds/search.json", params={"q": "Varena"}).json()
    assert as_json["items"][0]["title"].endswith("(2 articles + 3 copies)")


def test_entity_pages_count_a_copy_once(site):
    client = site[0]
    _, museum = _stories(site)
    entity = client.get("/api/entities/varena").json()
    [story] = [s for s in entity["stories"] if s["story_id"] == museum]
    assert (story["size"], story["copies"]) == (2, 3)
    assert "2 articles + 3 copies" in client.get("/entities/varena").text


def test_storylines_count_a_copy_once(site):
    client = site[0]
    _, museum = _stories(site)
    line = client.get(f"/api/stories/{museum}").json()["storyline"]
    if line is None:
        pytest.skip("no storyline was linked for this corpus")
    detail = client.get(f"/api/storylines/{line['id']}").json()
    [event] = [e for e in detail["events"] if e["story_id"] == museum]
    assert (event["size"], event["copies"]) == (2, 3)
    assert detail["copies"] >= 3 and detail["articles"] == sum(e["size"] for e in detail["events"])


def test_webhook_notices_carry_the_counted_size(site):
    notices = site[3]
    _, museum = _stories(site)
    [notice] = [n for n in notices if n["story"]["id"] == museum]
    assert (notice["story"]["size"], notice["story"]["copies"]) == (2, 3)


def test_the_cli_and_the_python_api_count_a_copy_once(site):
    _, db, backend, _ = site
    bridge, museum = _stories(site)
    runner = CliRunner()
    listed = runner.invoke(main, ["stories", "--db", str(db)])
    assert listed.exit_code == 0, listed.output
    assert "  2 art + 3 copies" in listed.output and "  3 art + 1 copy" in listed.output
    rows = {r["id"]: (r["size"], r["copies"]) for r in json.loads(
        runner.invoke(main, ["stories", "--db", str(db), "--json"]).output)}
    assert rows[museum] == (2, 3) and rows[bridge] == (3, 1)
    bridge_line = listed.output[listed.output.index("3 art + 1 copy"):]
    assert "sources: Diario del Puerto, Hafenkurier, Harbour Herald, Copycat Blog" in bridge_line  # copier last
    searched = runner.invoke(main, ["search", "Varena", "--db", str(db)])
    assert "2 art + 3 copies" in searched.output, searched.output
    watched = runner.invoke(main, ["watch", "list", "--db", str(db), "--hits", "5"])
    assert f"{museum} grown (2 art)" in watched.output, watched.output
    if backend == "sqlite":
        by_id = {s.id: (s.size, s.copies) for s in storyline.stories(db=str(db))}
        assert by_id[museum] == (2, 3) and by_id[bridge] == (3, 1)
        one = storyline.story(museum, db=str(db))
        assert (one.size, one.copies, len(one.article_ids)) == (2, 3, 5)
