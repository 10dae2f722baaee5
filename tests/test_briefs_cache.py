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


def test_fresh_vectors_are_the_numbers_the_cache_gives_back(tmp_path):
    """A brief uses its fresh vectors as stored (float16), so the first brief and a later one agree exactly."""
    import numpy as np

    engine = port_strike_engine(tmp_path / "h.db")
    wanted = {"h1": [("sentence", "Dock workers stopped all ferries on Tuesday.", None),
                     ("quote", "We want fair pay", "Eva Lind")]}
    first = cached_vectors(engine.store, HashingEncoder(), wanted)
    again = cached_vectors(engine.store, HashingEncoder(), wanted)
    assert all(np.array_equal(first[text], again[text]) for text in first)
    assert any(not np.array_equal(first[text], HashingEncoder().encode([text])[0]) for text in first)  # rounded
