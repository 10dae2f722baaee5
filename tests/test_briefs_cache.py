"""Sentence vectors cached in the store (briefs/cache.py)."""

from __future__ import annotations

import sqlite3

from builders import port_strike_engine
from storyline.briefs.cache import cached_vectors
from storyline.embed import HashingEncoder


def test_cache_encodes_only_new_texts(tmp_path):
    engine = port_strike_engine(tmp_path / "h.db")
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
