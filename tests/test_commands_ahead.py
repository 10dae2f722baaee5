"""`--briefs N` of ingest, fetch and follow (issue 19): the stories a run grew are briefed right after it, so
their first brief or story page finds its sentences encoded; off by default, and never failing the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from builders import event_rows, write_jsonl
from storyline.commands.ahead import brief_grown, grown_since
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.storage import utcnow
from storyline.types import RawRecord

ENV = dict(os.environ, STORYLINE_ENCODER="hashing")


def _records(rows: list[dict]) -> list[RawRecord]:
    return [RawRecord(origin=f"t:{n}", **{k: v for k, v in row.items() if k != "story"}) for n, row in enumerate(rows)]


def _briefed(engine: Engine, story_id: str) -> bool:
    """Whether every article of the story has its sentences stored (what a brief leaves behind)."""
    ids = [a.id for a in engine.store.story_articles(story_id)]
    return all(engine.store.sentence_vectors(ids, engine.encoder.name).get(i) for i in ids)


def test_only_the_stories_grown_since_are_briefed_most_recent_first(tmp_path):
    rows = event_rows()
    with Engine(tmp_path / "x.db", encoder=HashingEncoder()) as engine:
        engine.ingest_records(_records(rows[:-1]))
        stories = sorted({engine.store.story_of(r["id"]) for r in rows[:-1]})
        assert len(stories) >= 2 and not any(_briefed(engine, s) for s in stories)
        since = utcnow()
        assert grown_since(engine.store, since, 10) == []
        engine.ingest_records(_records(rows[-1:]))  # one article more: one story grows
        grown = engine.store.story_of(rows[-1]["id"])
        assert grown_since(engine.store, since, 10) == [grown]
        done = brief_grown(engine.store, since, 10, encoder=engine.encoder)
        assert (done.briefed, done.failed) == (1, ()) and done.summary().startswith("briefed 1 story in ")
        assert _briefed(engine, grown) and not any(_briefed(engine, s) for s in stories if s != grown)


def test_the_limit_keeps_the_most_recently_grown(tmp_path):
    with Engine(tmp_path / "x.db", encoder=HashingEncoder()) as engine:
        since = utcnow()
        engine.ingest_records(_records(event_rows()))
        everything = grown_since(engine.store, since, 100)
        assert len(everything) >= 2
        assert grown_since(engine.store, since, 1) == everything[:1]


def test_a_failing_brief_is_reported_and_the_others_still_made(tmp_path, monkeypatch):
    import storyline.briefs as briefs

    real = briefs.build_brief
    with Engine(tmp_path / "x.db", encoder=HashingEncoder()) as engine:
        since = utcnow()
        engine.ingest_records(_records(event_rows()))
        first, *rest = grown_since(engine.store, since, 100)

        def flaky(store, story_id, **kw):
            if story_id == first:
                raise RuntimeError("disk full")
            return real(store, story_id, **kw)

        monkeypatch.setattr(briefs, "build_brief", flaky)
        done = brief_grown(engine.store, since, 100, encoder=engine.encoder)
    assert done.briefed == len(rest) and done.failed == ((first, "RuntimeError: disk full"),)
    assert f"1 failed (first: {first}: RuntimeError: disk full)" in done.summary()


def _cli(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True,
                            env=ENV, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def test_ingest_briefs_what_it_grew_when_asked_and_says_so(tmp_path):
    rows = event_rows()
    db = str(tmp_path / "x.db")
    plain = _cli("ingest", str(write_jsonl(tmp_path / "a.jsonl", rows[:-1])), "--db", db)
    assert "briefed" not in plain.stdout + plain.stderr  # off by default: the output is as it was
    more = _cli("ingest", str(write_jsonl(tmp_path / "b.jsonl", rows[-1:])), "--db", db, "--briefs", "5")
    assert more.stdout.strip().splitlines()[-1].startswith("briefed 1 story in ")
    with Engine(db, encoder=HashingEncoder()) as engine:
        grown = engine.store.story_of(rows[-1]["id"])
        assert _briefed(engine, grown)
        stories = json.loads(_cli("stories", "--db", db, "--json").stdout)
        assert [s["id"] for s in stories if _briefed(engine, s["id"])] == [grown]


@pytest.mark.parametrize("bad", ["-1", "1001", "many"])
def test_a_bad_count_is_a_usage_error(tmp_path, bad):
    corpus = write_jsonl(tmp_path / "a.jsonl", event_rows()[:1])
    result = subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", str(corpus), "--db",
                             str(tmp_path / "x.db"), "--briefs", bad], capture_output=True, text=True, env=ENV,
                            timeout=300)
    assert result.returncode == 2 and "--briefs" in result.stderr
