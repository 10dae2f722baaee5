"""The SQLite store: schema versioning, WAL, transactions, lineage."""

from datetime import datetime, timezone

import numpy as np
import pytest

from storyline.errors import StoreError
from storyline.store import MIGRATIONS, Store, from_iso, to_iso
from storyline.types import Article, RemovedLine


def _article(article_id: str, **kw) -> Article:
    base = dict(id=article_id, title=f"Title {article_id}", text="Body text here.", lang="en",
                content_hash=f"h-{article_id}", origin="test:1",
                ingested=datetime(2026, 3, 1, tzinfo=timezone.utc))
    base.update(kw)
    return Article(**base)


def test_new_database_is_wal_and_at_latest_schema(tmp_path):
    store = Store(tmp_path / "s.db")
    assert store.schema_version() == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


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
                       published=datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc),
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
    with pytest.raises(RuntimeError):
        with store.transaction():
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
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    assert to_iso(moment) == "2026-03-02T09:30:00Z"
    assert from_iso(to_iso(moment)) == moment
    assert to_iso(None) is None and from_iso(None) is None
