"""The PostgreSQL backend beyond the contract suite: the CLI on a URL (same stories as SQLite), schemas
of their own, scratch schemas for eval, reads that create nothing, leases that die with their process,
and writers at once. All against the session's throwaway cluster (tests/pg_cluster.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import psycopg
import pytest

from storyline.errors import NotFoundError, StoreError
from storyline.storage import encoder_at, open_existing, open_store, scratch_location, store_exists
from storyline.storage.postgres.connect import with_schema
from storyline.storage.stored_form import int8_blob, sentence_as_stored, vector_from_blob

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-corpus.jsonl"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True,
                            env=dict(os.environ, **(env or {})), timeout=600)
    assert result.returncode == 0, result.stderr
    return result


def _stories(location: str) -> tuple[list[tuple[str, str]], list[tuple]]:
    store = open_existing(location)
    try:
        pairs = store.article_story_pairs()
        stories = [(s.id, s.size, s.headline, s.languages, s.sources, s.status, s.first_seen, s.last_seen)
                   for s in store.list_stories(include_merged=True)]
        return pairs, stories
    finally:
        store.close()


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory) -> str:
    """The demo corpus ingested into SQLite (the default encoder), as the runs on PostgreSQL must match."""
    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    run("ingest", str(DEMO), "--db", db, "--batch-size", "16")
    return db


def test_ingest_of_the_demo_corpus_gives_the_stories_of_sqlite(sqlite_demo, postgres_url):
    """`storyline ingest` into PostgreSQL (named by STORYLINE_DB) and into SQLite: the same article →
    story partition, the same story ids and summaries; then the readers work on the URL."""
    out = run("ingest", str(DEMO), "--batch-size", "16", env={"STORYLINE_DB": postgres_url}).stdout
    assert "ingested" in out
    assert _stories(postgres_url) == _stories(sqlite_demo)
    assert encoder_at(postgres_url) == encoder_at(sqlite_demo) is not None
    listed = json.loads(run("stories", "--db", postgres_url, "--json").stdout)
    assert listed == json.loads(run("stories", "--db", sqlite_demo, "--json").stdout)
    biggest = max(listed, key=lambda s: s["size"])["id"]
    shown = run("show", biggest, "--db", postgres_url, "--json").stdout
    assert shown == run("show", biggest, "--db", sqlite_demo, "--json").stdout
    assert biggest in run("brief", biggest, "--db", postgres_url).stdout


def test_ingest_through_dask_workers_into_postgres_gives_the_stories_of_sqlite(sqlite_demo, postgres_url):
    """The issue's whole path: the per-article work on a local Dask cluster of two workers, the stories in
    PostgreSQL, and exactly the stories of the plain SQLite run."""
    pytest.importorskip("distributed", reason="ingest --dask needs the dask extra: pip install -e '.[test]'")
    if "--dask" not in run("ingest", "--help").stdout:
        pytest.skip("this Storyline has no ingest --dask")
    run("ingest", str(DEMO), "--db", postgres_url, "--batch-size", "16", "--dask", "local:2")
    assert _stories(postgres_url) == _stories(sqlite_demo)


def test_eval_stories_runs_in_a_scratch_schema_it_drops(postgres_url):
    plain = json.loads(run("eval", "stories", str(DEMO), "--json", "--encoder", "hashing").stdout)
    on_server = json.loads(run("eval", "stories", str(DEMO), "--json", "--encoder", "hashing",
                               "--db", postgres_url).stdout)
    for result in (plain, on_server):
        result.pop("docs_per_s")
    assert on_server == plain
    with psycopg.connect(postgres_url) as conn:
        left = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'storyline_scratch%'").fetchall()
    assert left == []


def test_a_scratch_location_is_dropped_even_when_the_run_fails(postgres_url):
    with pytest.raises(RuntimeError), scratch_location(postgres_url) as location:
        open_store(location).close()
        assert store_exists(location)
        raise RuntimeError("the run failed")
    assert not store_exists(location)


def test_reading_a_missing_store_creates_nothing(postgres_url):
    assert not store_exists(postgres_url) and encoder_at(postgres_url) is None
    with pytest.raises(NotFoundError, match="no Storyline database"):
        open_existing(postgres_url)
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT to_regclass('storyline_migrations')").fetchone() == (None,)


def test_vectors_stored_as_float32_are_converted_by_migration_4(postgres_url):
    """A schema left at version 3 (float32 vectors, as before #21) opens with the same article vectors, rounded
    to float16 (migration 4), then to today's form (migration 6); the briefs' sentence vectors (migration 5) to
    float16."""
    from datetime import UTC, datetime

    from storyline.storage.postgres.schema import MIGRATIONS
    from storyline.types import Article

    store = open_store(postgres_url)
    rng = np.random.default_rng(0)
    vectors = {f"a{n}": rng.normal(size=8).astype(np.float32) for n in range(5)}
    with store.transaction():
        store.create_story("s1", 1)
        store.insert_articles([(Article(id=a, title=a, text="Body.", lang="en", content_hash=a, origin=f"t:{a}",
                                        ingested=datetime(2026, 3, 1, tzinfo=UTC)), "s1", 1.0, None, v,
                                np.arange(4, dtype=np.uint32)) for a, v in vectors.items()], "test")
        store.replace_sentences("a1", "test", [("sentence", "One.", None, vectors["a2"])])
    store.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:  # as a Storyline before migration 4 wrote it
        for a, v in vectors.items():
            conn.execute("UPDATE vectors SET vector=%s WHERE article_id=%s", (v.tobytes(), a))
        conn.execute("UPDATE sentences SET vector=%s", (vectors["a2"].tobytes(),))
        conn.execute("DELETE FROM storyline_migrations WHERE version >= 4")
    store = open_store(postgres_url)
    try:
        assert store.schema_version() == len(MIGRATIONS)
        found = store.get_vectors(list(vectors))
        assert all(np.array_equal(found[a], vector_from_blob(int8_blob(v.astype("<f2").tobytes())))
                   for a, v in vectors.items())
        assert np.array_equal(store.sentence_vectors(["a1"], "test")["a1"]["One."], sentence_as_stored(vectors["a2"]))
    finally:
        store.close()
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT DISTINCT length(vector) FROM vectors").fetchall() == [(8 + 4,)]


def test_sentence_vectors_stored_as_float32_are_converted_by_migration_5(postgres_url):
    """A schema left at version 4 (briefs' sentence vectors float32) opens with the same sentence vectors in
    float16 rows: the numbers a brief reads back are the float16 rounding of the cached ones."""
    from storyline.storage.postgres.schema import MIGRATIONS

    store = open_store(postgres_url)
    rng = np.random.default_rng(1)
    rows = [("sentence", f"Line {n}.", None, rng.normal(size=8).astype(np.float32)) for n in range(5)]
    store.replace_sentences("a1", "test", rows)
    store.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:  # as a Storyline before migration 5 wrote it
        for idx, (*_, vector) in enumerate(rows):
            conn.execute("UPDATE sentences SET vector=%s WHERE article_id='a1' AND idx=%s", (vector.tobytes(), idx))
        conn.execute("DELETE FROM storyline_migrations WHERE version >= 5")
        assert conn.execute("SELECT DISTINCT length(vector) FROM sentences").fetchall() == [(32,)]
    store = open_store(postgres_url)
    try:
        assert store.schema_version() == len(MIGRATIONS)
        found = store.sentence_vectors(["a1"], "test")["a1"]
        assert all(np.array_equal(found[text], sentence_as_stored(vector)) for _, text, _, vector in rows)
    finally:
        store.close()
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT DISTINCT length(vector) FROM sentences").fetchall() == [(16,)]


def test_article_vectors_stored_as_float16_are_converted_by_migration_6(postgres_url):
    """A schema left at version 5 (float16 article vectors) opens with them in today's form (a byte per
    dimension and a scale), within half a step; stories, headlines chosen again from the converted vectors,
    a brief and the briefs' cache are unchanged."""
    from builders import ingest_event_rows
    from storyline.briefs import build_brief
    from storyline.embed import HashingEncoder
    from storyline.engine import Engine
    from storyline.storage.postgres.schema import MIGRATIONS
    from storyline.writer import _refresh_headline

    with Engine(postgres_url, encoder=HashingEncoder()) as engine:
        stories, story_id, brief, vectors = ingest_event_rows(engine)
    with psycopg.connect(postgres_url, autocommit=True) as conn:  # as a Storyline before migration 6 wrote it
        cached = conn.execute("SELECT article_id, idx, text, vector FROM sentences ORDER BY 1, 2").fetchall()
        for a, v in vectors.items():
            conn.execute("UPDATE vectors SET vector=%s WHERE article_id=%s", (v.astype("<f2").tobytes(), a))
        conn.execute("DELETE FROM storyline_migrations WHERE version=6")
        assert conn.execute("SELECT DISTINCT length(vector) FROM vectors").fetchall() == [(2 * 256,)]

    class NoEncoding(HashingEncoder):
        def encode(self, texts):
            raise AssertionError(f"encoded {len(texts)} texts: the cache was lost")

    with Engine(postgres_url, encoder=HashingEncoder()) as engine:
        store = engine.store
        assert store.schema_version() == len(MIGRATIONS)
        for story in store.list_stories():
            _refresh_headline(store, story.id)
        assert [(s.id, s.size, s.headline) for s in store.list_stories()] == stories
        found = store.get_vectors(list(vectors))
        for a, v in vectors.items():
            old = v.astype("<f2").astype(np.float32)
            assert np.array_equal(found[a], vector_from_blob(int8_blob(old.astype("<f2").tobytes())))
            assert np.abs(found[a] - old).max() <= np.abs(old).max() / 254 * 1.0001
        assert build_brief(store, story_id, encoder=NoEncoding()) == brief
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT DISTINCT length(vector) FROM vectors").fetchall() == [(256 + 4,)]
        assert conn.execute("SELECT article_id, idx, text, vector FROM sentences ORDER BY 1, 2").fetchall() == cached


def test_an_unreachable_server_is_a_clear_error(tmp_path):
    url = f"postgresql://nobody@/none?host={tmp_path}&connect_timeout=2"
    with pytest.raises(StoreError, match="cannot connect to") as caught:
        open_store(url)
    assert "PostgreSQL server runs" in caught.value.hint


def test_two_schemas_are_two_stores_with_leases_of_their_own(postgres_url):
    from storyline.storage.postgres.connect import redact

    one, two = open_store(with_schema(postgres_url, "news_a")), open_store(with_schema(postgres_url, "news_b"))
    with one.transaction():
        one.create_story("s1", 1)
    assert two.get_story("s1") is None and one.get_story("s1") is not None
    with one.writer_lease(), two.writer_lease(timeout=0.5):  # no wait: another schema's lease
        pass
    one.close()
    two.close()
    assert redact("postgresql://ann:pw@h/db") == "postgresql://ann:***@h/db"


def test_a_killed_writer_leaves_no_lease(postgres_url):
    open_store(postgres_url).close()  # migrated before the holder starts
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from storyline.storage import open_store\n"
         "store = open_store(sys.argv[1])\n"
         "with store.writer_lease():\n    print('held', flush=True); time.sleep(600)",
         postgres_url], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        store = open_store(postgres_url)
        told: list[str] = []
        with pytest.raises(StoreError, match="still writing"), store.writer_lease(timeout=0.3, on_wait=told.append):
            pass
        assert f"(pid {holder.pid}: " in told[0]  # the waiter names the holder
    finally:
        holder.kill()
        holder.wait()
    started = time.monotonic()
    with store.writer_lease(timeout=30):  # the server dropped the dead session's lock
        pass
    assert time.monotonic() - started < 30
    store.close()


def test_two_ingests_at_once_never_share_ids_or_stories(tmp_path, postgres_url):
    """Two `storyline ingest` processes on one PostgreSQL database at the same time: writers take turns,
    no article is lost or stored twice, and two unrelated corpora never share a story."""
    from test_concurrent_writers import corpus, write

    first = write(tmp_path / "a.jsonl", corpus("a", 12, 3, seed=1))
    second = write(tmp_path / "b.jsonl", corpus("b", 12, 3, seed=2))
    env = dict(os.environ, STORYLINE_ENCODER="hashing")
    procs = [subprocess.Popen([sys.executable, "-m", "storyline.cli", "ingest", str(path), "--db", postgres_url,
                               "--batch-size", "8"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) for path in (first, second)]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    store = open_existing(postgres_url)
    pairs = store.article_story_pairs()
    live = {s.id: s.size for s in store.list_stories()}
    numbers = [int(s.id[1:]) for s in store.list_stories(include_merged=True)]
    assert len(pairs) == len({a for a, _ in pairs}) == 72
    tags: dict[str, set[str]] = {}
    for article_id, story_id in pairs:
        assert story_id in live
        tags.setdefault(story_id, set()).add(article_id.split("-")[0])
    assert all(len(t) == 1 for t in tags.values())
    assert len(numbers) == len(set(numbers)) and store.counter("story") == max(numbers)
    store.close()


def test_without_server_binaries_the_tests_skip_saying_what_to_install(monkeypatch):
    import pg_cluster

    monkeypatch.setattr(pg_cluster, "server_binaries", lambda: None)
    with pytest.raises(pg_cluster.NoPostgres, match="apt-get install postgresql"):
        pg_cluster.start_cluster()
