"""The SQLite store: schema versioning, WAL, transactions, lineage."""

import sqlite3
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from storyline.errors import StoreError
from storyline.store import MIGRATIONS, Store, from_iso, to_iso
from storyline.types import Article, RemovedLine


def _article(article_id: str, **kw) -> Article:
    base = dict(id=article_id, title=f"Title {article_id}", text="Body text here.", lang="en",
                content_hash=f"h-{article_id}", origin="test:1",
                ingested=datetime(2026, 3, 1, tzinfo=UTC))
    base.update(kw)
    return Article(**base)


def test_new_database_is_wal_and_at_latest_schema(tmp_path):
    store = Store(tmp_path / "s.db")
    assert store.schema_version() == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_older_database_is_migrated_in_place(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version=2")
    conn.execute("INSERT INTO counters(name, value) VALUES('story', 7)")
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.schema_version() == len(MIGRATIONS)
    assert store.counter("story") == 7
    indexes = {row[0] for row in store.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "articles_story" in indexes and "articles_hash" not in indexes


def test_newer_schema_is_refused_with_hint(tmp_path):
    path = tmp_path / "s.db"
    Store(path).conn.execute("PRAGMA user_version=99")
    with pytest.raises(StoreError) as err:
        Store(path)
    assert "schema version 99" in err.value.message and err.value.hint


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store(path)


def test_article_round_trip_keeps_every_field(tmp_path):
    store = Store(tmp_path / "s.db")
    article = _article("a1", url="https://x.example/1", source="x.example",
                       published=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
                       removed=(RemovedLine("Leave a Reply", "comment_form"),),
                       extra={"section": "world"})
    with store.transaction():
        store.create_story("s1", 1)
        store.insert_article(article, story_id="s1", similarity=1.0, duplicate_of=None)
        store.insert_vector("a1", "test", np.ones(4, dtype=np.float32))
    assert store.get_article("a1") == article
    assert store.find_article_by_url("https://x.example/1").id == "a1"
    assert store.get_vector("a1").tolist() == [1.0] * 4
    assert store.get_article("nope") is None


def test_failed_transaction_writes_nothing(tmp_path):
    store = Store(tmp_path / "s.db")
    with pytest.raises(RuntimeError), store.transaction():
        store.create_story("s1", 1)
        store.insert_article(_article("a1"), story_id="s1", similarity=1.0, duplicate_of=None)
        raise RuntimeError("killed")
    assert store.count_articles() == 0 and store.get_story("s1") is None


def test_refresh_and_merge_keep_lineage(tmp_path):
    store = Store(tmp_path / "s.db")
    with store.transaction():
        for n, (sid, lang, src) in enumerate([("s1", "en", "a.example"), ("s2", "es", "b.example")], 1):
            store.create_story(sid, n)
            store.insert_article(_article(f"a{n}", lang=lang, source=src), story_id=sid,
                                 similarity=1.0, duplicate_of=None)
            store.refresh_story(sid, f"head {n}", f"a{n}")
        store.merge_story("s2", "s1")
        store.refresh_story("s1", "head 1", "a1")
    merged = store.get_story("s1")
    assert merged.article_ids == ("a1", "a2") and merged.languages == ("en", "es")
    assert merged.merged_from == ("s2",) and merged.size == 2
    assert store.get_story("s2").merged_into == "s1"
    assert [s.id for s in store.list_stories()] == ["s1"]


def test_iso_round_trip():
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert to_iso(moment) == "2026-03-02T09:30:00Z"
    assert from_iso(to_iso(moment)) == moment
    assert to_iso(None) is None and from_iso(None) is None


def test_insert_articles_writes_what_insert_article_writes(tmp_path):
    store = Store(tmp_path / "s.db")
    one, many = _article("a1", url="https://x.example/1", extra={"k": 1}), _article("a2", source="y.example")
    with store.transaction():
        store.create_story("s1", 1)
        store.insert_articles(
            [(one, "s1", 0.5, None, np.ones(4), np.arange(8, dtype=np.uint32)),
             (many, "s1", 0.9, "a1", np.zeros(4), np.arange(8, dtype=np.uint32) + 1)], "test")
    assert store.get_article("a1") == one and store.get_article("a2") == many
    assert store.article_meta("a2") == {"story_id": "s1", "duplicate_of": "a1", "similarity": 0.9}
    assert store.get_vector("a1").tolist() == [1.0] * 4
    assert [aid for aid, _, _ in store.iter_minhashes(10)] == ["a1", "a2"]


def _published(day: int) -> datetime:
    return datetime(2026, 3, day, 12, tzinfo=UTC)


@hyp_settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(["en", "es", "de"]),
                                   st.sampled_from([None, "a.example", "b.example"]),
                                   st.one_of(st.none(), st.integers(1, 28))), min_size=1, max_size=4),
                min_size=1, max_size=5))
def test_grow_story_matches_a_full_refresh(batches):
    store = Store(":memory:")
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


def test_headline_candidates_are_the_newest_members_without_texts(tmp_path):
    store = Store(tmp_path / "s.db")
    with store.transaction():
        store.create_story("s1", 1)
        for n in range(1, 6):
            store.insert_article(_article(f"a{n}"), story_id="s1", similarity=1.0, duplicate_of=None)
            if n != 4:
                store.insert_vector(f"a{n}", "test", np.full(4, n, dtype=np.float32))
        store.set_headline("s1", "Title a5", "a5")
    rows = store.headline_candidates("s1", 3)
    assert [(aid, title) for aid, title, _ in rows] == [("a3", "Title a3"), ("a4", "Title a4"), ("a5", "Title a5")]
    assert rows[1][2] is None and rows[2][2].tolist() == [5.0] * 4
    assert store.get_story("s1").headline == "Title a5"
    assert store.text_start("a1", 4) == "Body" and store.text_start("nope", 4) == ""


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
    from storyline.store import open_existing

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
