"""Feeds out (web/feeds.py): Atom 1.0 and JSON Feed 1.1 of a search and of a story, parsed by feedparser;
a story that grows comes back as a new entry."""

from __future__ import annotations

import feedparser
import pytest
from fastapi.testclient import TestClient

from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.types import RawRecord
from storyline.web import create_app
from storyline.web.feeds import Feed, FeedEntry, to_atom

QUAKE = ("Strong earthquake shakes the coastal town of Marisca",
         "A magnitude 6.1 earthquake struck off the coast of Marisca early on Monday, cracking walls and toppling "
         "chimneys. The seismological institute said the tremor lasted about forty seconds.")
FERRY = ("Ferry line to Orla Island resumes after storm repairs",
         "The ferry line between Porto Vell and Orla Island resumed on Tuesday after three weeks of repairs to the "
         "pier damaged by the winter storm, the harbour authority said.")


@pytest.fixture
def client(tmp_path):
    db = tmp_path / "feeds.db"
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([
            RawRecord(origin="t:1", id="quake-1", title=QUAKE[0], text=QUAKE[1], lang="en", source="Harbour Courier",
                      url="https://courier.example/quake", published="2026-05-04T06:10:00Z"),
            RawRecord(origin="t:2", id="ferry-1", title=FERRY[0], text=FERRY[1], lang="en", source="Island Post",
                      published="2026-05-05T08:00:00Z"),
        ])
    with TestClient(create_app(db, HashingEncoder()), base_url="http://127.0.0.1:8765") as http:
        yield http


def _story_of(client, article_id: str) -> str:
    return client.get(f"/api/articles/{article_id}").json()["story_id"]


def test_search_feed_is_valid_atom_with_one_entry_per_story_found(client):
    response = client.get("/feeds/search.atom", params={"q": "Marisca"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert "Marisca" in feed.feed.title
    (entry,) = feed.entries
    story = _story_of(client, "quake-1")
    assert entry.link.endswith(f"/stories/{story}")
    assert "Marisca" in entry.title and "1 article" in entry.title
    assert "Harbour Courier" in entry.summary  # no brief cached: size, languages and sources
    assert entry.updated_parsed is not None and entry.id.startswith("tag:")


def test_a_grown_story_is_a_new_entry_with_its_brief_summary_once_cached(client):
    story = _story_of(client, "quake-1")
    before = feedparser.parse(client.get("/feeds/search.atom", params={"q": "Marisca"}).content).entries[0]
    posted = client.post("/api/articles", json={
        "id": "quake-2", "title": "Aftershocks rattle Marisca after the earthquake", "lang": "en",
        "text": "Dozens of aftershocks rattled Marisca on Monday after the earthquake struck off the coast, "
                "cracking walls. The seismological institute said the tremor lasted about forty seconds.",
        "published": "2026-05-04T09:30:00Z"})
    assert posted.json()["assignments"][0]["story_id"] == story
    client.get(f"/api/stories/{story}", params={"wait": 60})  # the brief worker builds (and keeps) its brief
    after = feedparser.parse(client.get("/feeds/search.atom", params={"q": "Marisca"}).content).entries[0]
    assert after.id != before.id and "2 articles" in after.title
    assert after.summary != before.summary and "Marisca" in after.summary  # the brief's summary sentences


def test_story_feed_atom_and_json(client):
    story = _story_of(client, "quake-1")
    atom = client.get(f"/feeds/story/{story}.atom")
    feed = feedparser.parse(atom.content)
    assert not feed.bozo and feed.version == "atom10"
    assert [e.link.rsplit("/", 1)[-1] for e in feed.entries] == [story, "quake-1"]  # the story, then its articles
    as_json = client.get(f"/feeds/story/{story}.json")
    assert as_json.headers["content-type"].startswith("application/feed+json")
    document = as_json.json()
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["url"].rsplit("/", 1)[-1] for item in document["items"]] == [story, "quake-1"]
    # feedparser 6.0 reads no JSON Feed: the spec's required members, checked here
    assert document["title"] and all(isinstance(item["id"], str) and item["id"] for item in document["items"])
    assert document["feed_url"].endswith(f"/feeds/story/{story}.json")
    assert client.get("/feeds/search.json", params={"q": "ferry"}).json()["items"][0]["title"].startswith("Ferry")


def test_feed_errors(client):
    assert client.get("/feeds/story/nope.atom").status_code == 404
    assert client.get(f"/feeds/story/{_story_of(client, 'quake-1')}.rss").status_code == 404
    assert client.get("/feeds/search.atom").status_code == 400  # a search feed needs q
    empty = feedparser.parse(client.get("/feeds/search.atom", params={"q": "zzzqqq"}).content)
    assert not empty.bozo and empty.entries == []


def test_the_story_page_and_the_list_link_their_feeds(client):
    story = _story_of(client, "quake-1")
    page = client.get(f"/stories/{story}").text
    assert f'href="/feeds/story/{story}.atom"' in page and 'rel="alternate"' in page
    assert 'href="/feeds/search.atom?q=Marisca"' in client.get("/", params={"q": "Marisca"}).text


def test_atom_drops_characters_xml_cannot_hold():
    entry = FeedEntry(id="tag:x,2026:a", title="bell\x07 title", link="http://x/a", updated="2026-05-04T06:10:00Z",
                      summary="nul\x00 here")
    document = to_atom(Feed("tag:x,2026:f", "f", "http://x/f", "http://x/", "2026-05-04T06:10:00Z", (entry,)))
    parsed = feedparser.parse(document)
    assert not parsed.bozo and parsed.entries[0].title == "bell title"
