"""Watches (storyline.watches, storyline.webhooks): what an ingest creates or grows is caught and sent to a
real loopback webhook receiver, with retries; failures are counted, and ingest never waits for a receiver."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from storyline import webhooks
from storyline.cli import main
from storyline.embed import HashingEncoder, get_encoder
from storyline.engine import Engine
from storyline.types import Assignment, RawRecord
from storyline.watches import TouchedStories, add_watch, changed_stories
from webserver import Route, WebServer

QUAKE = [
    ("quake-1", "Strong earthquake shakes the coastal town of Marisca",
     "A magnitude 6.1 earthquake struck off the coast of Marisca early on Monday, cracking walls and toppling "
     "chimneys. The seismological institute said the tremor lasted about forty seconds."),
    ("quake-2", "Aftershocks rattle Marisca after Monday's earthquake",
     "Dozens of aftershocks rattled Marisca on Monday after the morning earthquake damaged houses along the "
     "seafront. Schools stayed shut and the town council opened a sports hall for families."),
]
BRIDGE = ("bridge-1", "New pedestrian bridge opens over the river Alda",
          "A new pedestrian and cycle bridge over the river Alda opened on Wednesday, linking the old quarter "
          "with the railway district. The steel arch took two years to build.")


def _record(item: tuple[str, str, str], n: int = 0) -> RawRecord:
    article_id, title, text = item
    return RawRecord(origin=f"t:{article_id}", id=article_id, title=title, text=text, lang="en",
                     source=f"outlet{n}.example", published=f"2026-05-04T0{n}:00:00Z")


def _posts(web: WebServer, path: str) -> list[dict]:
    return [json.loads(r.body) for r in web.requests if r.method == "POST" and r.path == path]


@pytest.fixture
def fast_retries(monkeypatch):
    monkeypatch.setattr(webhooks, "BACKOFF", 0.01)
    monkeypatch.setattr(webhooks, "TIMEOUT", 3.0)


def test_a_spanish_watch_catches_the_english_story_when_new_and_when_grown(tmp_path):
    with WebServer({"/hook": Route('{"ok": true}', content_type="application/json")}) as web:
        engine = Engine(tmp_path / "w.db", encoder=get_encoder("use"))
        engine.ingest_records([_record(BRIDGE)])  # the database has its encoder
        watch = add_watch(engine.store, "terremoto", encoder_name=engine.encoder.name, webhook=web.url("/hook"))
        assert watch.vector is not None
        first = engine.ingest_records([_record(QUAKE[0], 1)])
        second = engine.ingest_records([_record(QUAKE[1], 2)])
        unrelated = engine.ingest_records([_record(("bridge-2", *BRIDGE[1:]), 3)])
        assert (first.watch_hits, second.watch_hits, unrelated.watch_hits) == (1, 1, 0)
        story = engine.store.story_of("quake-1")
        engine.close()  # waits (bounded) for the notices to go out
        posts = _posts(web, "/hook")
    assert [(p["event"], p["story"]["id"], p["story"]["size"]) for p in posts] == [
        ("story.new", story, 1), ("story.grown", story, 2)]
    assert posts[0]["watch"]["query"] == "terremoto" and "earthquake" in posts[0]["story"]["headline"].lower()
    from storyline.storage import open_store

    store = open_store(tmp_path / "w.db")
    (listed,) = store.list_watches()
    assert listed.hits == 2 and listed.deliveries == {"sent": 2}
    assert [h.kind for h in store.watch_hits(listed.id)] == ["grown", "new"]
    store.close()


def test_a_failing_receiver_is_retried_with_backoff_then_counted_failed(tmp_path, fast_retries):
    routes = {"/flaky": Route("ok", fail_first=2), "/down": Route("boom", status=500)}
    with WebServer(routes) as web:
        engine = Engine(tmp_path / "f.db", encoder=HashingEncoder())
        engine.ingest_records([_record(BRIDGE)])
        add_watch(engine.store, "Marisca", encoder_name="hashing", webhook=web.url("/flaky"))
        add_watch(engine.store, "earthquake", encoder_name="hashing", webhook=web.url("/down"))
        report = engine.ingest_records([_record(QUAKE[0], 1)])
        assert report.watch_hits == 2
        engine.close()
        assert web.hits("/flaky") == 3 and web.hits("/down") == 1 + webhooks.RETRIES
    result = CliRunner().invoke(main, ["watch", "list", "--db", str(tmp_path / "f.db"), "--hits", "5"])
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0, pending 0" in result.output
    assert "sent 0, failed 1, pending 0" in result.output and "HTTP 500" in result.output


def test_ingest_does_not_wait_for_a_slow_receiver(tmp_path, fast_retries):
    with WebServer({"/slow": Route("ok", delay=2.0)}) as web:
        engine = Engine(tmp_path / "s.db", encoder=HashingEncoder())
        engine.ingest_records([_record(BRIDGE)])
        watch = add_watch(engine.store, "Marisca", encoder_name="hashing", webhook=web.url("/slow"))
        started = time.monotonic()
        engine.ingest_records([_record(QUAKE[0], 1)])
        took = time.monotonic() - started
        (hit,) = engine.store.watch_hits(watch.id)
        assert hit.delivery == "pending" and took < 2.0  # the notice is still on its way
        engine.close()
        (hit,) = _reopen_hits(tmp_path / "s.db", watch.id)
        assert hit.delivery == "sent" and hit.attempts == 1


def _reopen_hits(path, watch_id):
    from storyline.storage import open_store

    store = open_store(path)
    try:
        return store.watch_hits(watch_id)
    finally:
        store.close()


def test_watch_commands_add_list_remove(tmp_path):
    db = str(tmp_path / "c.db")
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([_record(BRIDGE)])
    runner = CliRunner()
    added = runner.invoke(main, ["watch", "add", "river Alda", "--db", db, "--json"])
    assert added.exit_code == 0, added.output
    watch = json.loads(added.output)
    assert watch["query"] == "river Alda" and watch["by_meaning"] is False  # hashing vectors carry no meaning
    bad = runner.invoke(main, ["watch", "add", "x", "--db", db, "--webhook", "file:///etc/passwd"])
    assert bad.exit_code == 2 and "http(s)" in bad.output
    listed = runner.invoke(main, ["watch", "list", "--db", db])
    assert "'river Alda'" in listed.output and "caught 0" in listed.output
    with Engine(db, encoder=HashingEncoder()) as engine:
        assert engine.ingest_records([_record(("bridge-2", *BRIDGE[1:]), 2)]).watch_hits == 1
    assert "caught 1" in runner.invoke(main, ["watch", "list", "--db", db]).output
    assert runner.invoke(main, ["watch", "remove", str(watch["id"]), "--db", db]).exit_code == 0
    gone = runner.invoke(main, ["watch", "remove", str(watch["id"]), "--db", db])
    assert gone.exit_code == 2 and "no watch" in gone.output
    assert "no watches" in runner.invoke(main, ["watch", "list", "--db", db]).output


def test_a_web_post_that_grows_a_story_is_caught(tmp_path):
    from fastapi.testclient import TestClient

    from storyline.web import create_app

    db = tmp_path / "p.db"
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([_record(QUAKE[0], 1)])
        watch = add_watch(engine.store, "Marisca", encoder_name="hashing")
    with TestClient(create_app(db, HashingEncoder()), base_url="http://127.0.0.1:8765") as client:
        article_id, title, text = QUAKE[1]
        posted = client.post("/api/articles", json={"id": article_id, "title": title, "text": text, "lang": "en",
                                                    "published": "2026-05-04T02:00:00Z"})
        assert posted.status_code == 200, posted.text
    (hit,) = _reopen_hits(db, watch.id)
    assert hit.kind in ("grown", "new") and hit.delivery == "none"


def test_a_watch_failure_is_reported_and_the_articles_stay_stored(tmp_path, monkeypatch):
    from storyline import watches

    def broken(self, assignments):
        raise RuntimeError("watch table unreadable")

    monkeypatch.setattr(watches.Watcher, "after_ingest", broken)
    with Engine(tmp_path / "w.db", encoder=HashingEncoder()) as engine:
        report = engine.ingest_records([_record(BRIDGE)])
        assert engine.store.story_of("bridge-1") is not None
    assert report.ingested == 1 and report.watch_error == "RuntimeError: watch table unreadable"
    assert "watches could not be matched" in report.summary() and "articles are stored" in report.summary()


def test_closing_an_engine_closes_the_store_even_when_the_preparer_fails(tmp_path, monkeypatch):
    engine = Engine(tmp_path / "w.db", encoder=HashingEncoder())
    closed: list[str] = []
    monkeypatch.setattr(engine.preparer, "close", lambda: (_ for _ in ()).throw(OSError("worker gone")))
    monkeypatch.setattr(engine.store, "close", lambda: closed.append("store"))
    with pytest.raises(OSError, match="worker gone"):
        engine.close()
    assert closed == ["store"]


def _changed_by_assignments(final_story, assignments) -> list[tuple[str, str]]:
    """The stories an ingest changed, as they were found from every assignment before #21 (the reference)."""
    kinds: dict[str, str] = {}
    for assignment in assignments:
        touched = [(assignment.story_id, "new" if assignment.is_new else "grown")]
        touched += [(into, "grown") for _, into in assignment.merged]
        for story_id, kind in touched:
            final = final_story(story_id)
            if kinds.get(final) != "new":
                kinds[final] = "new" if kind == "new" and final == story_id else kinds.get(final, kind)
    return list(kinds.items())


@given(st.lists(st.tuples(st.integers(0, 5), st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=2)),
                max_size=12),
       st.dictionaries(st.integers(0, 5), st.integers(0, 5)))
def test_the_touched_stories_give_what_every_assignment_gave(steps, merged_into):
    """A long ingest keeps one entry per story for its watches, not its assignments: the same stories, kinds
    and order. A story is new at its first assignment; ``merged_into`` says where merged stories went."""
    seen: set[str] = set()
    assignments = []
    for n, (story, merges) in enumerate(steps):
        story_id = f"s{story}"
        assignments.append(Assignment(f"a{n}", story_id, 1.0, story_id not in seen,
                                      merged=tuple((f"s{a}", f"s{b}") for a, b in merges)))
        seen.add(story_id)
        seen.update(f"s{b}" for _, b in merges)

    class Finals:
        def final_story(self, story_id: str) -> str:
            return f"s{merged_into.get(int(story_id[1:]), int(story_id[1:]))}"

    touched = TouchedStories()
    touched.add(assignments)
    found = [(c.story_id, c.kind) for c in changed_stories(Finals(), touched)]  # type: ignore[arg-type]
    assert found == _changed_by_assignments(Finals().final_story, assignments)


def test_a_cli_sized_ingest_that_keeps_no_assignments_still_tells_the_watches(tmp_path):
    engine = Engine(tmp_path / "w.db", encoder=HashingEncoder())
    engine.ingest_records([_record(BRIDGE)])
    add_watch(engine.store, "earthquake", encoder_name=engine.encoder.name)
    report = engine.ingest_records([_record(QUAKE[0], 1), _record(QUAKE[1], 2)], keep_assignments=False)
    engine.close()
    assert report.assignments == [] and report.watch_hits == 1
