"""Coverage and entities over HTTP: GET /api/coverage/{id}, the coverage in GET /api/stories/{id}, the
story page's coverage section, GET /api/entities/{key} and the entity page, over SQLite and PostgreSQL."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.types import RawRecord
from storyline.web.app import create_app
from web_coverage_corpus import coverage_corpus


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def client(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("coverage")
    db = folder / "web.db" if request.param == "sqlite" else request.getfixturevalue("postgres_cluster").new_database()
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin=f"fixture:{n}", **row) for n, row in enumerate(coverage_corpus())])
    with TestClient(create_app(db, HashingEncoder()), base_url="http://127.0.0.1:8765") as http:
        yield http


def _story_of(client, article_id):
    return client.get(f"/api/articles/{article_id}").json()["story_id"]


def test_coverage_counts_the_copy_once_names_the_first_reporter_and_the_blind_spot(client):
    bridge = _story_of(client, "bridge-en")
    assert _story_of(client, "bridge-copy") == bridge
    c = client.get(f"/api/coverage/{bridge}").json()
    assert (c["articles"], c["copies"], c["sources"]) == (3, 1, 3)
    assert c["first"] == {"article_id": "bridge-en", "source": "Harbour Herald", "lang": "en",
                          "time": "2026-04-14T08:00:00Z"}
    [credited] = c["copied"]
    assert credited["article_id"] == "bridge-en" and credited["copies"][0]["source"] == "Copycat Blog"
    en = next(lang for lang in c["languages"] if lang["lang"] == "en")
    assert en["sources"] == [{"source": "Harbour Herald", "articles": 1, "copied": 1}]
    assert en["copiers"] == ["Copycat Blog"]
    assert sum(bar["total"] for bar in c["chart"]["bars"]) == 3 and c["chart"]["step"] == "1 hour"
    spots = c["blind_spots"]
    assert spots["since"] == "2026-04-13T08:00:00Z" and spots["until"] == "2026-04-15T12:15:00Z"
    assert spots["languages"] == [{"lang": "en", "sources": [{"source": "Valley Weather", "articles": 1}], "more": 0}]


def test_the_story_detail_carries_the_same_coverage_and_unknown_ids_are_404(client):
    bridge = _story_of(client, "bridge-en")
    assert client.get(f"/api/stories/{bridge}").json()["coverage"] == client.get(f"/api/coverage/{bridge}").json()
    missing = client.get("/api/coverage/s999")
    assert missing.status_code == 404 and missing.json()["hint"]
    spec = client.get("/openapi.json").json()
    assert {"/api/coverage/{story_id}", "/api/entities/{key}"} <= set(spec["paths"])
    assert "coverage" in spec["components"]["schemas"]["StoryDetail"]["properties"]


def _page_with_brief(client, path: str, seconds: float = 60) -> str:
    """The page once its brief is in it (an app may write briefs in the background and show them later)."""
    deadline = time.monotonic() + seconds
    page = client.get(path).text
    while 'class="chips"' not in page and time.monotonic() < deadline:
        time.sleep(0.2)
        page = client.get(path).text
    return page


def test_the_story_page_shows_coverage_chart_blind_spots_and_links_entities(client):
    bridge = _story_of(client, "bridge-en")
    page = _page_with_brief(client, f"/stories/{bridge}")
    assert 'class="coverage"' in page and "3 articles (+1 near-copy counted with its original)" in page
    assert ">3 articles + 1 copy</span>" in page  # the page's header counts the copy once too
    assert page.count('class="bar"') == 3 and "<svg" in page and "Valley Weather" in page
    assert 'href="/entities/marta%20olsen"' in page


def test_the_story_page_and_api_credit_the_copy_to_its_original(client):
    """Issue 19: the page's sources line and the brief's timeline count the copy once, with its original."""
    bridge = _story_of(client, "bridge-en")
    page = _page_with_brief(client, f"/stories/{bridge}")
    sources = page.split('<p class="sources">', 1)[1].split("</p>", 1)[0]
    assert "Harbour Herald (+ copied by Copycat Blog)" in sources
    assert sources.count("Copycat Blog") == 1  # named with the source it copied, not on its own
    timeline = page.split('<section class="timeline">', 1)[1].split("</section>", 1)[0]
    assert timeline.count('class="dup"') == 1 and 'href="/articles/bridge-en" title="near-copy of bridge-en' in timeline
    entries = client.get(f"/api/stories/{bridge}", params={"wait": 60}).json()["brief"]["timeline"]
    assert {t["article_id"]: t["copy_of"] for t in entries}["bridge-copy"] == "bridge-en"
    assert sum(t["copy_of"] is None for t in entries) == 3


def test_an_entity_lists_its_stories_across_languages_with_its_spellings(client):
    bridge, chess = _story_of(client, "bridge-en"), _story_of(client, "chess-en")
    olsen = client.get("/api/entities/marta%20olsen").json()
    assert olsen["name"] == "Marta Olsen" and olsen["languages"] == ["de", "en", "es"]
    assert [s["story_id"] for s in olsen["stories"]] == [bridge]
    corvana = client.get("/api/entities/corvana").json()
    assert [s["story_id"] for s in corvana["stories"]] == [bridge, chess]  # newest first
    page = client.get("/entities/corvana").text
    assert "Ferry workers strike" in page and "Teenager wins" in page and 'data-entity="corvana"' in page
    missing = client.get(f"/api/entities/{quote('no such name')}")
    assert missing.status_code == 404 and "key" in missing.json()["hint"]
    assert client.get("/entities/nobody").status_code == 404


def test_the_entity_page_and_api_are_titled_in_the_reading_language(tmp_path):
    """Issue 19: "Germany" (or "Deutschland" for a German reader), never the adjective "tedesco"."""
    from test_coverage_entities import PORT_PLAN

    db = tmp_path / "names.db"
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin=f"t:{n}", id=i, lang=lang, source=src, title=title, text=text,
                                         published=f"2026-04-20T0{n}:00:00Z")
                               for n, (i, lang, src, title, text) in enumerate(PORT_PLAN)])
    with TestClient(create_app(db, HashingEncoder()), base_url="http://127.0.0.1:8765") as http:
        assert http.get("/api/entities/germany").json()["name"] == "Germany"
        assert http.get("/api/entities/germany", params={"lang": "de"}).json()["name"] == "Deutschland"
        assert http.get("/api/entities/germany", params={"lang": "it"}).json()["name"] == "Germania"  # gazetteer
        page = http.get("/entities/germany").text
        assert "<h1>Germany <span" in page and '<span class="chip form">tedesco</span>' in page
        http.cookies.set("storyline_lang", "de")  # the language menu's remembered choice
        assert "<h1>Deutschland <span" in http.get("/entities/germany").text
        assert "<h1>Germany <span" in http.get("/entities/germany", params={"lang": ""}).text
