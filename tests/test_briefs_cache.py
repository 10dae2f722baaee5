"""Sentence vectors cached in the store (briefs/cache.py)."""

from __future__ import annotations

import sqlite3

from storyline.briefs.cache import cached_vectors
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.types import RawRecord


def _hash_engine(db):
    engine = Engine(db, encoder=HashingEncoder())
    engine.ingest_records([
        RawRecord(origin="t:1", id="h1", source="one.example", title="Port strike halts ferries",
                  text='Dock workers stopped all ferries on Tuesday. "We want fair pay," said union leader Eva Lind.'),
    ])
    return engine


def test_cache_encodes_only_new_texts(tmp_path):
    engine = _hash_engine(tmp_path / "h.db")
    calls = []

    class Spy(HashingEncoder):
        def encode(self, texts):
            calls.append(len(texts))
            return super().encode(texts)

    wanted = {"h1": [("sentence", "Dock workers stopped all ferries on Tuesday.", None)]}
    vectors = cached_vectors(engine.store, Spy(), wanted)
    assert calls == [1] and vectors["Dock workers stopped all ferries on Tuesday."].shape == (256,)
    cached_vectors(engine.store, Spy(), wanted)
    assert calls == [1]
    wanted["h1"].append(("quote", "We want fair pay", "Eva Lind"))
    cached_vectors(engine.store, Spy(), wanted)
    assert calls == [1, 1]
    with sqlite3.connect(engine.store.path) as conn:
        rows = conn.execute("SELECT kind, speaker FROM sentences ORDER BY idx").fetchall()
    assert rows == [("sentence", None), ("quote", "Eva Lind")]
