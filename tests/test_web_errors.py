"""The web's one error path: every Storyline error answers with its own status and hint, JSON to the API
and a page to people; a setting that cannot serve a request is the user's to fix (409), not a bug (500)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.errors import ConfigError, InputError, NotFoundError, StoreError, StorylineError
from storyline.types import RawRecord
from storyline.web.app import create_app
from storyline.web.errors import status_of

ARTICLE = {"id": "w1", "title": "Harbour pilots of Corvana guide the tall ship Meridian home",
           "text": "The harbour pilots of Corvana guided the tall ship Meridian into port on Sunday after a "
                   "storm damaged her rigging off the island of Mirel, the port authority said."}


class OtherEncoder(HashingEncoder):
    """An encoder the database was not built with."""

    name = "other-hashing"


def test_each_kind_of_error_has_its_status():
    assert status_of(NotFoundError("x")) == 404
    assert status_of(InputError("x")) == 400
    assert status_of(ConfigError("x")) == 409
    assert status_of(StoreError("x")) == 503
    assert status_of(StorylineError("x")) == 500


def test_a_post_the_database_cannot_take_is_a_clear_409_not_a_bug(tmp_path):
    db = tmp_path / "w.db"
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin="seed", **{**ARTICLE, "id": "w0"})])
    app = create_app(db, encoder=OtherEncoder())
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        response = client.post("/api/articles", json=ARTICLE)
        assert response.status_code == 409, response.text
        body = response.json()
        assert set(body) == {"error", "hint"} and "hashing" in body["error"] and "--encoder" in body["hint"]
        assert "bug" not in body["hint"]
        page = client.get("/api/stories")  # the server goes on serving
        assert page.status_code == 200
