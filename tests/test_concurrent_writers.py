"""Several writers on one database: real `storyline ingest` processes at once, and two engines taking turns.

Two unrelated corpora (disjoint invented vocabularies) must never share a story, every article must
sit in exactly one live story, and the stored story counter must never go backwards.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.errors import StoreError
from storyline.lease import WriterLease
from storyline.settings import Settings
from storyline.storage import open_store
from storyline.types import RawRecord
from storyline.writer import write_batch

ENV = dict(os.environ, STORYLINE_ENCODER="hashing")
# Two alphabets with no letter in common: no word, nor any piece of one, occurs in both corpora.
ALPHABETS = {"a": ("bcdfghjk", "aeiouy"), "b": ("lmnpqrstvwxz", "lmnpqrstvwxz")}


def corpus(tag: str, events: int, per_event: int, seed: int) -> list[dict]:
    """Invented headlines: ``events`` events, ``per_event`` rewordings of each (ids carry the corpus tag)."""
    rng = random.Random(seed)
    consonants, vowels = ALPHABETS[tag]

    def word() -> str:
        return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(3))

    rows = []
    for event in range(events):
        core = [word() for _ in range(8)]
        day = 1 + event % 20
        for n in range(per_event):
            words = rng.sample(core, 6)
            rows.append({
                "id": f"{tag}-{event}-{n}", "title": " ".join(words),
                "source": f"{tag}{n}.example", "published": f"2026-04-{day:02d}T{8 + n:02d}:00:00Z",
            })
    rng.shuffle(rows)
    return rows


def write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def check_stories(db: Path, expected_ids: set[str]) -> dict[str, int]:
    """Assert the invariants; return figures (articles, live stories, mixed stories)."""
    conn = sqlite3.connect(db)
    try:
        articles = conn.execute("SELECT id, story_id FROM articles").fetchall()
        live = dict(conn.execute("SELECT id, size FROM stories WHERE status != 'merged'").fetchall())
        numbers = [int(s[1:]) for (s,) in conn.execute("SELECT id FROM stories")]
        counter = conn.execute("SELECT value FROM counters WHERE name='story'").fetchone()[0]
    finally:
        conn.close()
    ids = [a for a, _ in articles]
    assert len(ids) == len(set(ids)) and set(ids) == expected_ids  # every article stored exactly once
    corpora: dict[str, set[str]] = {}
    for article_id, story_id in articles:
        assert story_id in live, f"{article_id} is in {story_id}, which is not a live story"
        corpora.setdefault(story_id, set()).add(article_id.split("-")[0])
    mixed = [s for s, tags in corpora.items() if len(tags) > 1]
    assert not mixed, f"{len(mixed)} stories hold articles of both corpora, e.g. {mixed[:5]}"
    sizes = {s: 0 for s in live}
    for _, story_id in articles:
        sizes[story_id] += 1
    assert sizes == live, "a story's size differs from the number of its articles"
    assert counter == max(numbers) and len(numbers) == len(set(numbers))
    return {"articles": len(ids), "stories": len(live), "mixed": len(mixed)}


def _counter(db: Path) -> int | None:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        try:
            row = conn.execute("SELECT value FROM counters WHERE name='story'").fetchone()
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet, or the schema is being written
        return None
    return row[0] if row else None


def _ingest(path: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "ingest", str(path), "--db", str(db), "--batch-size", "8"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
    )


def _run_together(*paths: Path, db: Path) -> tuple[list[tuple[int, str, str]], list[int]]:
    """Start one ingest per path at once; sample the stored counter until all end."""
    procs = [_ingest(path, db) for path in paths]
    seen: list[int] = []
    deadline = time.monotonic() + 600  # a generous bound on a loaded machine; never asserted on
    while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
        value = _counter(db)
        if value is not None:
            seen.append(value)
        time.sleep(0.05)
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        results.append((proc.returncode, out, err))
    return results, seen


def test_two_ingest_processes_of_unrelated_corpora_never_share_a_story(tmp_path):
    a = write(tmp_path / "a.jsonl", corpus("a", events=30, per_event=5, seed=1))
    b = write(tmp_path / "b.jsonl", corpus("b", events=30, per_event=5, seed=2))
    db = tmp_path / "x.db"
    results, seen = _run_together(a, b, db=db)
    for code, out, err in results:
        assert code == 0 and "Traceback" not in err, err
        assert "ingested 150" in out, out
    assert seen == sorted(seen), "the stored story counter went backwards"
    figures = check_stories(db, {r["id"] for r in corpus("a", 30, 5, 1) + corpus("b", 30, 5, 2)})
    assert figures["articles"] == 300 and figures["mixed"] == 0


def test_two_ingests_of_the_same_file_at_once_store_it_once(tmp_path):
    rows = corpus("a", events=20, per_event=5, seed=3)
    a = write(tmp_path / "a.jsonl", rows)
    db = tmp_path / "x.db"
    results, _ = _run_together(a, a, db=db)
    for code, _out, err in results:
        assert code == 0 and "Traceback" not in err and "IntegrityError" not in err, err
    outs = sorted(out for _, out, _ in results)
    assert "ingested 0" in outs[0] and "already stored 100" in outs[0]
    assert "ingested 100" in outs[1]
    check_stories(db, {r["id"] for r in rows})


def _engine(path: Path) -> Engine:
    return Engine(path, encoder=HashingEncoder(), settings=Settings(db=str(path), batch_size=8))


def _records(rows: list[dict]) -> list[RawRecord]:
    return [RawRecord(origin=f"mem:{r['id']}", **r) for r in rows]


def test_a_long_lived_engine_sees_what_another_writer_stored_meanwhile(tmp_path):
    """The web server's engine lives across requests: stories another process made in between must
    not be reissued from its stale counter, nor its stale stories joined."""
    db = tmp_path / "x.db"
    rows_a, rows_b = corpus("a", 12, 4, 4), corpus("b", 12, 4, 5)
    server, other = _engine(db), _engine(db)
    try:
        server.ingest_records(_records(rows_a[:24]))
        before = _counter(db)
        other.ingest_records(_records(rows_b))
        assert _counter(db) > before
        server.ingest_records(_records(rows_a[24:]))
    finally:
        server.close()
        other.close()
    check_stories(db, {r["id"] for r in rows_a + rows_b})


def test_a_second_writer_waits_naming_the_holder_then_goes_on(tmp_path):
    rows = corpus("a", events=3, per_event=2, seed=6)
    path = write(tmp_path / "a.jsonl", rows)
    db = tmp_path / "x.db"
    open_store(db).close()
    with WriterLease(str(db)):
        proc = _ingest(path, db)
        told = threading.Event()
        lines: list[str] = []

        def watch() -> None:
            for line in proc.stderr:
                lines.append(line)
                if "waiting for another writer" in line:
                    told.set()

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        assert told.wait(timeout=300), "".join(lines)
        assert proc.poll() is None  # still waiting: the lease is held here
    proc.wait(timeout=300)
    watcher.join(timeout=60)
    assert proc.returncode == 0, "".join(lines)
    assert f"waiting for another writer (pid {os.getpid()}" in "".join(lines)
    assert "ingested 6" in proc.stdout.read()


def test_a_writer_given_a_time_limit_gives_up_with_the_holder_named(tmp_path):
    db = tmp_path / "x.db"
    told: list[str] = []
    with (WriterLease(str(db)), pytest.raises(StoreError) as err,
          WriterLease(str(db), timeout=0.2, on_wait=told.append)):
        pass
    assert f"pid {os.getpid()}" in err.value.message and err.value.hint
    assert told and "waiting for another writer" in told[0]
    with WriterLease(str(db), timeout=0.2):  # free again once its holder let go
        pass


def test_stories_stored_behind_an_engines_back_are_never_reissued(tmp_path):
    """A writer that did not take turns (an older Storyline) left stories past the engine's counter:
    the engine notices on its next ingest, and a batch whose ids are taken is refused, not mixed in."""
    db = tmp_path / "x.db"
    rows = corpus("a", 4, 2, 7)
    with _engine(db) as engine:
        other = open_store(db)
        with other.transaction():
            other.create_story("s1", 1)
            other.create_story("s2", 2)
        engine.ingest_records(_records(rows))
        with pytest.raises(StoreError, match="taken by another writer"):
            write_batch(other, [], [], [], [], [], 1, 3, "hashing", None)
        other.close()
    conn = sqlite3.connect(db)
    taken = conn.execute("SELECT COUNT(*) FROM articles WHERE story_id IN ('s1', 's2')").fetchone()[0]
    assert taken == 0 and conn.execute("SELECT value FROM counters WHERE name='story'").fetchone()[0] >= 6


def test_a_lock_file_that_cannot_be_made_is_a_clear_error(tmp_path):
    db = tmp_path / "x.db"
    os.mkdir(f"{db}-lock")  # a folder where the lock file should be: os.open fails whoever runs the test
    with pytest.raises(StoreError, match="cannot open the writer lock"), WriterLease(str(db)):
        pass


def test_a_server_taking_posts_while_ingests_run_keeps_every_article_in_a_live_story(tmp_path):
    """`serve` holds one engine for its lifetime: POSTs made while other processes ingest must take
    turns with them and build on their stories (once, 30 % of articles ended in merged stories)."""
    from web_corpus import Server

    db = tmp_path / "x.db"
    posted = corpus("b", events=20, per_event=4, seed=8)
    for row in posted:
        row["id"] = "b" + row["id"]  # still corpus b: ids "bb-…"
    server = Server(db, "hashing", tmp_path / "server.log")
    try:
        procs = [_ingest(write(tmp_path / f"{tag}.jsonl", corpus(tag, 30, 5, seed)), db)
                 for tag, seed in (("a", 9), ("b", 10))]
        for start in range(0, len(posted), 10):
            answer = httpx.post(f"{server.base}/api/articles", json=posted[start:start + 10], timeout=600)
            assert answer.status_code == 200, answer.text
        for proc in procs:
            out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0 and "ingested 150" in out, err
    finally:
        server.stop()
    figures = check_stories(db, {r["id"] for r in corpus("a", 30, 5, 9) + corpus("b", 30, 5, 10) + posted})
    assert figures["articles"] == 380 and figures["mixed"] == 0
