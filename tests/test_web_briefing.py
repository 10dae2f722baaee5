"""Briefs off the request path (web/briefing.py): a story page answers at once while its brief is still
being built, marks it as coming, and shows it once it is ready; the API says ``pending`` or waits when asked."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest
from fastapi.testclient import TestClient

from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.types import Brief, RawRecord
from storyline.web import create_app
from storyline.web.briefing import BriefWorker

TEXT = ("The old bridge over the Varena closed on Monday for repairs, the city said. "
        '"It will reopen in May," said engineer Ana Ruiz. Traffic moves to the ring road until then.')


class GatedEncoder(HashingEncoder):
    """The hashing encoder, but ``encode`` waits for ``gate``: a brief that takes as long as the test wants."""

    def __init__(self, gate: threading.Event) -> None:
        super().__init__()
        self.gate = gate

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        assert self.gate.wait(60), "the test never opened the gate"
        return super().encode(texts)


@pytest.fixture
def gated(tmp_path):
    db = tmp_path / "briefing.db"
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin="t:1", id="bridge-1", title="Varena bridge closes", text=TEXT,
                                         lang="en", source="Daily")])
    gate = threading.Event()
    with TestClient(create_app(db, GatedEncoder(gate)), base_url="http://127.0.0.1:8765") as http:
        yield http, gate
        gate.set()


def test_story_page_answers_at_once_while_its_brief_is_pending(gated):
    client, gate = gated
    story = client.get("/api/articles/bridge-1").json()["story_id"]
    started = time.perf_counter()
    page = client.get(f"/stories/{story}")
    assert time.perf_counter() - started < 5  # the brief's encoder is blocked: only a page that never waits answers
    assert page.status_code == 200
    assert 'id="brief" data-status="pending"' in page.text and "being written" in page.text
    assert "bridge-1" in page.text  # the articles are listed at once
    detail = client.get(f"/api/stories/{story}").json()
    assert detail["brief_status"] == "pending" and detail["brief"] is None

    gate.set()
    ready = client.get(f"/api/stories/{story}", params={"wait": 30}).json()
    assert ready["brief_status"] == "ready" and ready["brief"]["summary"]
    page = client.get(f"/stories/{story}")
    assert 'data-status="ready"' in page.text and '<section class="summary">' in page.text


def test_worker_builds_each_brief_once_and_reports_a_failure():
    calls: list[str] = []

    def build() -> Brief:
        calls.append("x")
        return Brief("s1", "Bridge", (), (), (), (), (), {})

    def fail() -> Brief:
        raise RuntimeError("no vectors")

    worker = BriefWorker(capacity=2)
    try:
        for _ in range(3):
            worker.ask("a", build)
        assert worker.wait("a", 10).status == "ready" and worker.ask("a", build).status == "ready"
        assert calls == ["x"]
        worker.ask("b", fail)
        failed = worker.wait("b", 10)
        assert failed.status == "failed" and "RuntimeError: no vectors" in (failed.error or "")
        worker.ask("c", build), worker.ask("d", build)
        worker.wait("d", 10)
        assert worker.peek("a") is None  # capacity 2: the oldest built brief went
    finally:
        worker.close()


def test_a_post_asks_for_the_briefs_of_the_stories_it_touched(tmp_path):
    with TestClient(create_app(tmp_path / "post.db", HashingEncoder()), base_url="http://127.0.0.1:8765") as client:
        posted = client.post("/api/articles", json={"id": "bridge-1", "title": "Varena bridge closes", "text": TEXT,
                                                    "lang": "en", "source": "Daily"})
        story_id = posted.json()["assignments"][0]["story_id"]
        state = client.app.state.storyline
        story = state.store().story_row(story_id)
        deadline = time.monotonic() + 30
        while state.brief_if_cached(story) is None and time.monotonic() < deadline:  # no page asked for it
            time.sleep(0.05)
        assert state.brief_if_cached(story) is not None
        assert client.get(f"/api/stories/{story_id}").json()["brief_status"] == "ready"


def test_serve_keeps_the_front_page_briefed_when_another_process_ingests(tmp_path):
    db = tmp_path / "watch.db"
    with TestClient(create_app(db, HashingEncoder(), warm_up=True), base_url="http://127.0.0.1:8765") as client:
        with Engine(db, encoder=HashingEncoder()) as engine:  # as `storyline ingest` would, beside the server
            report = engine.ingest_records([RawRecord(origin="t:1", id="bridge-1", title="Varena bridge closes",
                                                      text=TEXT, lang="en", source="Daily")])
        state = client.app.state.storyline
        story = state.store().story_row(report.assignments[0].story_id)
        deadline = time.monotonic() + 60
        while state.brief_if_cached(story) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert state.brief_if_cached(story) is not None  # built before any reader asked
