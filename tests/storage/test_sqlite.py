"""The SQLite backend: WAL, schema versioning from older files, and story rows kept by growth equal to
a full recompute. What every backend must do is in test_contract.py."""

import multiprocessing
import sqlite3
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from builders import database_at_version, event_rows
from storyline.errors import StoreError
from storyline.storage import open_store, to_iso
from storyline.storage.sqlite.schema import MIGRATIONS
from storyline.storage.stored_form import int8_blob, sentence_from_blob, vector_from_blob
from storyline.types import Article


def _article(article_id: str, **kw) -> Article:
    base = dict(id=article_id, title=f"Title {article_id}", text="Body text here.", lang="en",
                content_hash=f"h-{article_id}", origin="test:1",
                ingested=datetime(2026, 3, 1, tzinfo=UTC))
    base.update(kw)
    return Article(**base)


def test_new_database_is_wal_and_at_latest_schema(tmp_path):
    store = open_store(tmp_path / "s.db")
    assert store.schema_version() == len(MIGRATIONS)
    with sqlite3.connect(tmp_path / "s.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.shared_connections()


def _open_at(path: str, barrier, results) -> None:
    barrier.wait()
    try:
        open_store(path).close()
        results.put("ok")
    except Exception as exc:  # reported to the test, which names it
        results.put(repr(exc))


def test_processes_opening_one_new_file_at_once_all_succeed(tmp_path):
    """SQLite answers two processes switching one new file to WAL with "database is locked" at once,
    busy timeout or not (1 in 30 opens before the retry): every opener must get the database."""
    context = multiprocessing.get_context("spawn")
    failures = []
    for round_ in range(4):
        path = str(tmp_path / f"new-{round_}.db")
        barrier, results = context.Barrier(4), context.Queue()
        procs = [context.Process(target=_open_at, args=(path, barrier, results)) for _ in range(4)]
        for proc in procs:
            proc.start()
        outcomes = [results.get(timeout=120) for _ in procs]
        for proc in procs:
            proc.join(timeout=60)
        failures += [o for o in outcomes if o != "ok"]
        assert open_store(path).schema_version() == len(MIGRATIONS)
    assert not failures, failures


def test_an_older_database_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.db"
    conn = database_at_version(path, 2)
    conn.execute("INSERT INTO counters(name, value) VALUES('story', 7)")
    conn.commit()
    conn.close()
    store = open_store(path)
    assert store.schema_version() == len(MIGRATIONS)
    assert store.counter("story") == 7
    with sqlite3.connect(path) as conn:
        indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "articles_story" in indexes and "articles_hash" not in indexes


_READ = {"vectors": vector_from_blob, "sentences": sentence_from_blob}  # today's stored form of each table


def _as_written_before_migration(path, version: int, forms: dict[str, str]) -> None:
    """Rewrite a database's vectors of each table in ``forms`` in that dtype's bytes (``<f4``, ``<f2``), its
    schema ``version``: the file an older Storyline left (the same values, as closely as that form holds them)."""
    with sqlite3.connect(path) as conn:
        for table, dtype in forms.items():
            rows = conn.execute(f"SELECT rowid, vector FROM {table}").fetchall()
            conn.executemany(f"UPDATE {table} SET vector=? WHERE rowid=?",
                             [(_READ[table](blob).astype(dtype).tobytes(), rowid) for rowid, blob in rows])
        conn.execute(f"PRAGMA user_version={int(version)}")


def _converted(vector: np.ndarray) -> np.ndarray:
    """An article vector as migrations 8 and 10 leave it: rounded to float16, then to today's form."""
    return vector_from_blob(int8_blob(vector.astype("<f2").tobytes()))


def _vector_bytes(path) -> dict[str, set[int]]:
    with sqlite3.connect(path) as conn:
        return {table: {n for (n,) in conn.execute(f"SELECT DISTINCT length(vector) FROM {table}")}
                for table in ("vectors", "sentences")}


def test_a_schema_7_database_keeps_its_stories_and_brief_through_the_vector_migrations(tmp_path):
    from storyline.briefs import build_brief
    from storyline.embed import HashingEncoder
    from storyline.engine import Engine
    from storyline.types import RawRecord

    path = tmp_path / "old.db"
    with Engine(path, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin=f"t:{k}", **{f: v for f, v in row.items() if f != "story"})
                               for k, row in enumerate(event_rows())])
        stories = [(s.id, s.size, s.headline) for s in engine.store.list_stories()]
        story_id = max(stories, key=lambda s: s[1])[0]
        brief = build_brief(engine.store, story_id, encoder=HashingEncoder())
        vectors = engine.store.get_vectors([a for a, _ in engine.store.article_story_pairs()])
    _as_written_before_migration(path, 7, {"vectors": "<f4", "sentences": "<f4"})
    assert _vector_bytes(path) == {"vectors": {4 * 256}, "sentences": {4 * 256}}
    with Engine(path, encoder=HashingEncoder()) as engine:
        store = engine.store
        assert store.schema_version() == len(MIGRATIONS)
        assert [(s.id, s.size, s.headline) for s in store.list_stories()] == stories
        again = store.get_vectors(list(vectors))
        assert all(np.array_equal(again[a], _converted(v)) for a, v in vectors.items())
        assert build_brief(store, story_id, encoder=HashingEncoder()) == brief
    # migration 10: article vectors a byte per dimension and a scale; migration 9: the briefs' cache float16
    assert _vector_bytes(path) == {"vectors": {256 + 4}, "sentences": {2 * 256}}


def test_a_schema_8_database_keeps_its_brief_and_its_cache_through_the_sentence_migration(tmp_path):
    """Migration 9: the briefs' cached sentence vectors, float32 before, come back as the same numbers in
    float16 rows, and the brief reads them (no encoding) as it did before."""
    from storyline.briefs import build_brief
    from storyline.embed import HashingEncoder
    from storyline.engine import Engine
    from storyline.types import RawRecord

    path = tmp_path / "old.db"
    with Engine(path, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin=f"t:{k}", **{f: v for f, v in row.items() if f != "story"})
                               for k, row in enumerate(event_rows())])
        story_id = max(engine.store.list_stories(), key=lambda s: s.size).id
        brief = build_brief(engine.store, story_id, encoder=HashingEncoder())
        with sqlite3.connect(path) as conn:
            cached = conn.execute("SELECT article_id, idx, text, vector FROM sentences ORDER BY rowid").fetchall()
    _as_written_before_migration(path, 8, {"vectors": "<f2", "sentences": "<f4"})
    assert _vector_bytes(path) == {"vectors": {2 * 256}, "sentences": {4 * 256}}

    class NoEncoding(HashingEncoder):
        def encode(self, texts):
            raise AssertionError(f"encoded {len(texts)} texts: the cache was lost")

    with Engine(path, encoder=HashingEncoder()) as engine:
        assert engine.store.schema_version() == len(MIGRATIONS)
        assert build_brief(engine.store, story_id, encoder=NoEncoding()) == brief
    assert _vector_bytes(path) == {"vectors": {256 + 4}, "sentences": {2 * 256}}
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT article_id, idx, text, vector FROM sentences ORDER BY rowid").fetchall() == cached


def test_a_schema_9_database_keeps_its_stories_and_brief_through_the_int8_migration(tmp_path):
    """Migration 10: float16 article vectors come back in today's form (a byte per dimension and a scale),
    within half a step of what was stored; the stories, their headlines and a brief are unchanged, and the
    briefs' cache (float16 already) is kept as it was, byte for byte."""
    from builders import ingest_event_rows
    from storyline.briefs import build_brief
    from storyline.embed import HashingEncoder
    from storyline.engine import Engine
    from storyline.writer import _refresh_headline

    path = tmp_path / "old.db"
    with Engine(path, encoder=HashingEncoder()) as engine:
        stories, story_id, brief, vectors = ingest_event_rows(engine)
        with sqlite3.connect(path) as conn:
            cached = conn.execute("SELECT article_id, idx, text, vector FROM sentences ORDER BY rowid").fetchall()
    _as_written_before_migration(path, 9, {"vectors": "<f2"})
    assert _vector_bytes(path) == {"vectors": {2 * 256}, "sentences": {2 * 256}}
    with Engine(path, encoder=HashingEncoder()) as engine:
        store = engine.store
        assert store.schema_version() == len(MIGRATIONS)
        assert [(s.id, s.size, s.headline) for s in store.list_stories()] == stories
        for story in store.list_stories():  # chosen again from the converted vectors: the same titles
            _refresh_headline(store, story.id)
        assert [(s.id, s.size, s.headline) for s in store.list_stories()] == stories
        again = store.get_vectors(list(vectors))
        for article_id, vector in vectors.items():
            old = vector.astype("<f2").astype(np.float32)
            assert np.array_equal(again[article_id], _converted(vector))
            assert np.abs(again[article_id] - old).max() <= np.abs(old).max() / 254 * 1.0001
        assert build_brief(store, story_id, encoder=HashingEncoder()) == brief
    assert _vector_bytes(path) == {"vectors": {256 + 4}, "sentences": {2 * 256}}
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT article_id, idx, text, vector FROM sentences ORDER BY rowid").fetchall() == cached


def test_newer_schema_is_refused_with_hint(tmp_path):
    path = tmp_path / "s.db"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version=99")
    with pytest.raises(StoreError) as err:
        open_store(path)
    assert "schema version 99" in err.value.message and err.value.hint


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        open_store(path)












def _published(day: int) -> datetime:
    return datetime(2026, 3, day, 12, tzinfo=UTC)


@hyp_settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(["en", "es", "de"]),
                                   st.sampled_from([None, "a.example", "b.example"]),
                                   st.one_of(st.none(), st.integers(1, 28))), min_size=1, max_size=4),
                min_size=1, max_size=5))
def test_grow_story_matches_a_full_refresh(batches):
    store = open_store(":memory:")
    n = 0
    with store.transaction():
        store.create_story("s1", 1)
        for batch in batches:
            articles = []
            for lang, source, day in batch:
                n += 1
                articles.append(_article(f"a{n}", lang=lang, source=source,
                                         published=_published(day) if day else None))
                store.insert_article(articles[-1], story_id="s1", similarity=1.0, duplicate_of=None)
            before, after = store.grow_story(
                "s1", [(a.lang, a.source, to_iso(a.published)) for a in articles])  # as writer.py: dated only
            assert after - before == len(articles) and after == n
    grown = store.get_story("s1")
    with store.transaction():
        store.refresh_story("s1", grown.headline, None)
    full = store.get_story("s1")
    assert (grown.size, grown.first_seen, grown.last_seen, grown.languages, grown.sources) == (
        full.size, full.first_seen, full.last_seen, full.languages, full.sources)




def test_engine_story_rows_equal_a_full_recompute(tmp_path):
    from storyline.embed import HashingEncoder
    from storyline.engine import Engine
    from storyline.settings import Settings
    from storyline.types import RawRecord

    settings = Settings(db=str(tmp_path / "e.db"), batch_size=7)
    towns = ["Valmare", "Sora", "Brinn", "Kestel"]
    records = [
        RawRecord(origin=f"t:{k}", id=f"r{k}", lang="en", source=f"site{k % 3}.example",
                  published=f"2026-03-{1 + k % 5:02d}T10:00:00Z",
                  title=f"Floods in {towns[k % 4]} close the harbour road",
                  text=f"Heavy rain flooded {towns[k % 4]} on day {k % 5}; "
                       "crews pumped water from homes near the harbour.")
        for k in range(30)
    ]
    with Engine(settings.db, settings=settings, encoder=HashingEncoder()) as engine:
        engine.ingest_records(records)
        store = engine.store
        stories = store.list_stories()
        incremental = [(s.size, s.first_seen, s.last_seen, s.languages, s.sources) for s in stories]
        assert sum(s.size for s in stories) == 30
        for story in stories:
            assert story.headline and story.headline in {r.title for r in records}
            with store.transaction():
                store.refresh_story(story.id, story.headline, None)
        full = [(s.size, s.first_seen, s.last_seen, s.languages, s.sources) for s in store.list_stories()]
    assert sorted(incremental, key=str) == sorted(full, key=str)


def test_every_reader_refuses_a_missing_database_alike_and_creates_none(tmp_path):
    """Four front doors read a database (CLI, compare, the Python API, briefs): one check, one error type."""
    from click.testing import CliRunner

    import storyline
    from storyline.briefs import brief
    from storyline.cli import main
    from storyline.errors import NotFoundError
    from storyline.storage import open_existing

    missing = tmp_path / "typo.db"
    for read in (lambda: open_existing(missing), lambda: storyline.stories(db=str(missing)),
                 lambda: storyline.brief("s1", db=str(missing)), lambda: brief("s1", db=missing)):
        with pytest.raises(NotFoundError, match=f"database {missing} does not exist") as err:
            read()
        assert err.value.hint
    for args in (["stories"], ["show", "s1"], ["brief", "s1"], ["compare", "a1", "a2"]):
        result = CliRunner().invoke(main, [*args, "--db", str(missing)])
        assert result.exit_code == 2 and f"database {missing} does not exist" in result.stderr, result.output
    assert not missing.exists()
