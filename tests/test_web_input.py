"""Bad and unusual input to the web app: non-finite numbers, extreme dates, ids with slashes, one error
status (issue 16, item 7), and what POST /api/articles reports about the fields it could not use (item 8)."""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx
import pytest

from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.types import RawRecord
from web_corpus import Server, corpus

URL_ID = "https://news.example/2026/04/lighthouse/"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("input")
    db = folder / "input.db"
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin=f"f:{n}", **row) for n, row in enumerate(corpus())])
    srv = Server(db, "hashing", folder / "server.log")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.base, timeout=60) as http:
        yield http


def _article(n: int, **fields) -> dict:
    return {"id": f"input-{n}", "title": f"Harbour pilots of Corvana guide the tall ship Meridian home ({n})",
            "text": "The harbour pilots of Corvana guided the tall ship Meridian into port on Sunday after a "
                    "storm damaged her rigging off the island of Mirel, the port authority said.", **fields}


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_refused_and_nothing_is_stored(client, server, number):
    body = json.dumps(_article(1)).replace('"id"', f'"score": {number}, "id"', 1)
    response = client.post("/api/articles", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"error", "hint"} and "NaN" in response.json()["hint"]
    assert client.get("/api/articles/input-1").status_code == 404
    assert server.alive()


@pytest.mark.parametrize("params", [
    {"since": "0001-01-01T00:00:00+14:00"}, {"until": "0001-01-01T00:00:00+14:00"},
    {"since": "9999-12-31T23:59:59-14:00"}, {"until": "9999-12-31T23:59:59-14:00"},
    {"since": "0001-01-01", "until": "9999-12-31"},
])
def test_extreme_dates_are_the_edges_of_time_not_a_crash(client, params):
    response = client.get("/api/stories", params=params)
    assert response.status_code == 200, response.text
    page = client.get("/", params=params)
    assert page.status_code == 200, page.text


def test_extreme_everything_is_found_and_nothing_after_the_end(client):
    everything = client.get("/api/stories", params={"since": "0001-01-01T00:00:00+14:00"}).json()["stories"]
    assert len(everything) == len(client.get("/api/stories").json()["stories"])
    assert client.get("/api/stories", params={"since": "9999-12-31T23:59:59-14:00"}).json()["stories"] == []


def test_ids_with_slashes_are_reachable_and_linked_encoded(client):
    posted = client.post("/api/articles", json=_article(2, id=URL_ID, url=URL_ID))
    assert posted.status_code == 200, posted.text
    (assignment,) = posted.json()["assignments"]
    encoded = quote(URL_ID, safe="")
    for path in (f"/api/articles/{encoded}", f"/api/articles/{URL_ID}"):
        found = client.get(path)
        assert found.status_code == 200, (path, found.text)
        assert found.json()["id"] == URL_ID
    assert client.get(f"/articles/{encoded}").status_code == 200
    story = client.get(f"/stories/{quote(assignment['story_id'], safe='')}")
    assert f'href="/articles/{encoded}"' in story.text
    assert f'href="/articles/{URL_ID}"' not in story.text
    odd = "desk?edition=1#top"
    client.post("/api/articles", json=_article(3, id=odd))
    assert client.get(f"/api/articles/{quote(odd, safe='')}").json()["id"] == odd


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/stories?limit=0"), ("GET", "/api/stories?limit=x"), ("GET", "/api/stories?sort=random"),
    ("GET", "/api/stories?since=yesterday"), ("GET", "/api/stories?offset=-1"), ("GET", "/api/compare?a=bridge-en"),
    ("GET", "/api/stories?q=" + "x" * 600), ("GET", "/?offset=-1"), ("GET", "/?since=yesterday"),
    ("GET", "/partials/stories?sort=random"), ("POST", "/api/articles"),
])
def test_bad_input_is_one_status_and_one_shape_everywhere(client, method, path):
    response = client.request(method, path, content=b"{oops" if method == "POST" else None,
                              headers={"content-type": "application/json", "accept": "application/json"})
    assert response.status_code == 400, (path, response.status_code, response.text)
    assert set(response.json()) == {"error", "hint"}
    assert response.json()["error"] and response.json()["hint"]
    person = client.request(method, path, content=b"{oops" if method == "POST" else None,
                            headers={"content-type": "application/json", "accept": "text/html"})
    assert person.status_code == 400
    if not path.startswith("/api"):
        assert person.headers["content-type"].startswith("text/html")


def test_post_reports_a_date_and_a_language_it_could_not_use(client):
    row = _article(10, published="last tuesday", lang="klingon")
    response = client.post("/api/articles", json=[row, {"title": "Short"}])
    assert response.status_code == 200, response.text
    warnings = response.json()["warnings"]
    assert [(w["item"], w["field"], w["value"]) for w in warnings] == [(0, "published", "last tuesday"),
                                                                       (0, "lang", "klingon")]
    assert all(w["message"] for w in warnings)
    stored = client.get("/api/articles/input-10").json()
    assert stored["published"] is None and stored["extra"]["published_unparsed"] == "last tuesday"
    assert stored["lang"] == "en" and stored["extra"]["lang_given"] == "klingon"
    clean = client.post("/api/articles", json=_article(11, published="2026-04-16T09:00:00Z", lang="en")).json()
    assert clean["warnings"] == []


def test_a_given_language_the_text_clearly_contradicts_is_kept_aside_and_the_detected_one_stored(client):
    response = client.post("/api/articles", json=_article(12, lang="no")).json()
    (warning,) = response["warnings"]
    assert warning["field"] == "lang" and warning["value"] == "no" and "clearly en" in warning["message"]
    stored = client.get("/api/articles/input-12").json()
    assert stored["lang"] == "en" and stored["extra"]["lang_given"] == "no"
    assert stored["lang_confidence"] < 1.0  # detected, not taken on trust


def test_a_given_language_is_trusted_when_detection_is_unsure_or_confuses_kin(client):
    norwegian = {"id": "input-13", "lang": "da",
                 "title": "Fergeselskapet innfører ny vinterrute fra mandag",
                 "text": "Den siste avgangen går klokken ni om kvelden frem til slutten av mars, opplyser "
                         "selskapet. Passasjerene må regne med lengre ventetid i helgene."}
    headline = {"id": "input-14", "lang": "no", "title": "Port strike ends after three days of talks"}
    response = client.post("/api/articles", json=[norwegian, headline]).json()
    assert response["ingested"] == 2 and response["warnings"] == []
    assert client.get("/api/articles/input-13").json()["lang"] == "da"
    assert client.get("/api/articles/input-14").json()["lang"] == "no"
