"""How long a search by meaning takes as stories pile up: N one-article stories with random unit vectors
(the USE dimension) stored through the Store protocol, then the search index synced, then searches
through the web app (the encoder loaded once, the centroids cached while no article arrives) and
through ``storyline.search``'s path (a fresh read of every centroid).

    .venv/bin/python benchmarks/bench_search.py --stories 20000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from storyline.storage import StoryFilter, open_store
from storyline.story_search import query_encoder, search_store
from storyline.types import Article

QUERIES = ("terremoto en la costa", "port strike", "選挙")
WORDS = ("port", "strike", "storm", "vote", "fire", "bridge", "museum", "match", "court", "flood")


def build(path: Path, stories: int, encoder: str, dim: int) -> None:
    store = open_store(path)
    rng = np.random.default_rng(0)
    when = datetime(2026, 3, 1, tzinfo=UTC)
    for start in range(0, stories, 1000):
        with store.transaction():
            rows = []
            for i in range(start, min(stories, start + 1000)):
                story_id = f"s{i + 1}"
                store.create_story(story_id, i + 1)
                vector = rng.standard_normal(dim).astype(np.float32)
                title = " ".join(rng.choice(WORDS, 4))
                article = Article(id=f"a{i}", title=title, text=f"{title} text body", lang="en", content_hash=f"h{i}",
                                  origin="bench", ingested=when, published=when)
                rows.append((article, story_id, 1.0, None, vector / np.linalg.norm(vector), np.zeros(8, np.uint32)))
            store.insert_articles(rows, encoder)
            for _, story_id, *_ in rows:
                store.grow_story(story_id, [("en", None, "2026-03-01T00:00:00Z")])
    store.close()


def median_ms(call, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    encoder = query_encoder("use-m3")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "search.db"
        started = time.perf_counter()
        build(path, args.stories, encoder.name, encoder.dim)
        print(f"{args.stories} stories stored in {time.perf_counter() - started:.1f} s")
        store = open_store(path)
        store.prepare_reads()
        started = time.perf_counter()
        store.sync_search()
        print(f"first sync (text index + centroids): {time.perf_counter() - started:.2f} s;"
              f" with nothing new: {median_ms(store.sync_search, args.runs)} ms")
        from fastapi.testclient import TestClient

        from storyline.web import create_app

        with TestClient(create_app(path, encoder), base_url="http://127.0.0.1:8765") as client:
            client.get("/api/stories", params={"q": "warm up"})
            for query in QUERIES:
                direct = median_ms(lambda q=query: search_store(store, encoder, q, StoryFilter()), args.runs)
                web = median_ms(lambda q=query: client.get("/api/stories", params={"q": q}), args.runs)
                encode = median_ms(lambda q=query: encoder.encode([q]), args.runs)
                found = len(search_store(store, encoder, query, StoryFilter()))
                print(f"{query!r}: {found} found; API {web} ms, uncached read {direct} ms,"
                      f" of which encoding {encode} ms")
        store.close()


if __name__ == "__main__":
    main()
