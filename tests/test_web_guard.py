"""Cross-site writes, DNS rebinding and write tokens, against real servers on 127.0.0.1 (issue 16, item 5)."""

from __future__ import annotations

import httpx
import pytest

from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.types import RawRecord
from web_corpus import AppServer, Server, corpus

ROW = {"title": "Lighthouse keepers of Corvana vote to keep the old lamp burning",
       "text": "The lighthouse keepers of Corvana voted on Monday to keep the old oil lamp burning through "
               "the winter, after the harbour board proposed an electric beacon for the headland.",
       "lang": "en", "published": "2026-04-16T09:00:00Z"}


def _db(folder):
    db = folder / "guard.db"
    rows = corpus()[:2]
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin=f"f:{n}", **row) for n, row in enumerate(rows)])
    return db


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guard")
    srv = Server(_db(folder), "hashing", folder / "server.log")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def with_token(tmp_path_factory):
    folder = tmp_path_factory.mktemp("token")
    srv = Server(_db(folder), "hashing", folder / "server.log", env={"STORYLINE_TOKEN": "s3cret-token"})
    yield srv
    srv.stop()


def _version(base):
    return httpx.get(f"{base}/api/version", timeout=30).json()["version"]


def _post(base, body, **headers):
    return httpx.post(f"{base}/api/articles", content=body, headers=headers, timeout=60)


def _json(row, n):
    import json

    return json.dumps({**row, "id": f"guard-{n}", "title": f"{row['title']} ({n})"})


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", ""])
def test_bodies_a_page_can_send_without_asking_are_refused(local, content_type):
    before = _version(local.base)
    response = _post(local.base, _json(ROW, 1), **({"content-type": content_type} if content_type else {}))
    assert response.status_code == 415, response.text
    assert set(response.json()) == {"error", "hint"} and "application/json" in response.json()["hint"]
    assert _version(local.base) == before


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example"},
    {"origin": "null"},
    {"origin": "http://127.0.0.1:1"},
    {"sec-fetch-site": "cross-site"},
])
def test_writes_from_another_site_are_refused(local, headers):
    before = _version(local.base)
    response = _post(local.base, _json(ROW, 2), **{"content-type": "application/json", **headers})
    assert response.status_code == 403, response.text
    assert response.json()["error"] and response.json()["hint"]
    assert _version(local.base) == before


def test_writes_from_the_servers_own_page_and_from_scripts_go_through(local):
    own = _post(local.base, _json(ROW, 3), **{"content-type": "application/json; charset=utf-8",
                                              "origin": local.base, "sec-fetch-site": "same-origin"})
    assert own.status_code == 200, own.text
    script = _post(local.base, _json(ROW, 4), **{"content-type": "application/json"})
    assert script.status_code == 200 and script.json()["ingested"] == 1


def test_a_rebound_name_reads_and_writes_nothing(local):
    """DNS rebinding: evil.example now resolves to 127.0.0.1; the browser sends Host: evil.example."""
    rebound = f"evil.example:{local.port}"
    for path in ("/api/stories", "/api/articles/bridge-en", "/", "/api/version"):
        response = httpx.get(local.base + path, headers={"host": rebound}, timeout=30)
        assert response.status_code == 403, (path, response.text)
    page = httpx.get(local.base + "/", headers={"host": rebound, "accept": "text/html"}, timeout=30)
    assert page.headers["content-type"].startswith("text/html") and "localhost only" in page.text
    before = _version(local.base)
    write = _post(local.base, _json(ROW, 5), **{"host": rebound, "origin": f"http://{rebound}",
                                                "content-type": "application/json"})
    assert write.status_code == 403 and _version(local.base) == before
    for name in (f"localhost:{local.port}", f"127.0.0.1:{local.port}"):
        assert httpx.get(local.base + "/api/stories", headers={"host": name}, timeout=30).status_code == 200


def test_a_token_is_needed_for_every_write_when_set(with_token):
    base = with_token.base
    before = _version(base)
    missing = _post(base, _json(ROW, 6), **{"content-type": "application/json"})
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    wrong = _post(base, _json(ROW, 6), **{"content-type": "application/json", "authorization": "Bearer nope"})
    assert wrong.status_code == 403
    assert _version(base) == before
    assert httpx.get(f"{base}/api/stories", timeout=30).status_code == 200  # reads need none
    right = _post(base, _json(ROW, 6), **{"content-type": "application/json",
                                          "authorization": "Bearer s3cret-token"})
    assert right.status_code == 200 and right.json()["ingested"] == 1


def test_an_app_shared_on_the_network_answers_any_host_but_writes_need_its_token(tmp_path):
    from storyline.web import create_app

    app = create_app(_db(tmp_path), HashingEncoder(), bind="0.0.0.0", token="net-token")
    server = AppServer(app)
    try:
        named = {"host": f"newsroom.lan:{server.port}"}
        assert httpx.get(server.base + "/api/stories", headers=named, timeout=30).status_code == 200
        body = _json(ROW, 7)
        refused = _post(server.base, body, **{**named, "content-type": "application/json"})
        assert refused.status_code == 401
        done = _post(server.base, body, **{**named, "content-type": "application/json",
                                           "authorization": "Bearer net-token"})
        assert done.status_code == 200, done.text
    finally:
        server.stop()


def test_serve_makes_up_and_prints_a_token_off_loopback():
    from storyline.commands.serve import write_token

    token, made_up = write_token("0.0.0.0", None)
    assert made_up and len(token) >= 24
    assert write_token("192.168.1.20", "mine") == ("mine", False)
    assert write_token("::1", None) == (None, False) and write_token("localhost", "") == (None, False)
