"""Load test of the story list: requests per second to GET /api/stories on a 10,000-article database.

Builds the database once (synthetic articles, hashing encoder) under benchmarks/data/, starts
`storyline serve` (uvicorn, one worker) in a child process on 127.0.0.1, and drives it from this
process with concurrent keep-alive connections: a bounded number of requests per run, several runs,
median reported. Usage:

    .venv/bin/python benchmarks/bench_web.py [--articles 10000] [--runs 5] [--requests 2000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from machine import cpu_model  # noqa: E402

from web_corpus import Server  # noqa: E402  (the tests' launcher of `storyline serve`)

LANGS = ["en", "es", "de", "fr", "it", "pt", "nl", "pl"]
PLACES = ["Valmare", "Corvana", "Mirel", "Sorenne", "Varena", "Tosca", "Ostrava", "Kelmar", "Doria", "Belvo"]
SYLLABLES = ["ka", "lo", "mir", "ten", "sa", "vu", "ri", "don", "pe", "zal", "or", "ni", "bre", "tu", "go",
             "lam", "ve", "shi", "kor", "an", "das", "mu", "fel", "ix"]
THINGS = ["strike", "flood", "election", "fire", "summit", "trial", "storm", "merger", "protest", "festival",
          "outbreak", "budget", "drought", "derby", "launch", "recall"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def synthetic_rows(n: int, seed: int = 7) -> list[dict]:
    """``n`` articles on about n/4 invented events (each with its own names and words), 8 languages,
    60 sources, 60 days: a story list of a few thousand stories, like a busy news week."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    events = max(1, n // 4)
    vocab = [[_word(random.Random(seed * 100_003 + e)) for _ in range(25)] for e in range(events)]
    pool = [_word(rng) for _ in range(3000)]  # shared filler keeps same-event articles from being near-copies
    rows = []
    for i in range(n):
        event = rng.randrange(events)
        words = vocab[event]
        place, thing = PLACES[event % len(PLACES)], THINGS[(event // len(PLACES)) % len(THINGS)]
        when = start + timedelta(days=event * 60 / events, hours=rng.random() * 30)
        body = [rng.choice(words) for _ in range(25)] + [rng.choice(pool) for _ in range(35)]
        rng.shuffle(body)
        rows.append({
            "id": f"b{i}", "lang": rng.choice(LANGS), "source": f"outlet{rng.randrange(60)}.example",
            "published": when.isoformat().replace("+00:00", "Z"),
            "title": f"{words[0].title()} {words[1]} {thing} in {place}: {words[2]} {words[3]}",
            "text": f"{' '.join(body)}. The {thing} in {place} continued, officials said.",
        })
    return rows


def build_db(path: Path, n: int) -> float:
    """Ingest ``n`` synthetic articles with the hashing encoder; returns seconds taken."""
    from storyline.embed import HashingEncoder
    from storyline.engine import Engine
    from storyline.settings import Settings
    from storyline.types import RawRecord

    started = time.perf_counter()
    settings = Settings(db=str(path), encoder="hashing", batch_size=256, clean_with_encoder=False)
    with Engine(path, encoder=HashingEncoder(), settings=settings) as engine:
        records = [RawRecord(origin=f"bench:{k}", **row) for k, row in enumerate(synthetic_rows(n))]
        report = engine.ingest_records(records)
    print(f"built {path.name}: {report.summary()}", file=sys.stderr)
    return time.perf_counter() - started


async def _connection(host: str, port: int, paths: list[str], counter, latencies: list[float]) -> int:
    """One keep-alive HTTP/1.1 connection sending requests one after another; returns non-200 count.

    A bare asyncio client, so the load generator spends little of the 2 cores the server also needs.
    """
    reader, writer = await asyncio.open_connection(host, port)
    failures = 0
    try:
        for n in counter:
            path = paths[n % len(paths)]
            t = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t)
            failures += status != 200
    finally:
        writer.close()
    return failures


async def _run(base: str, paths: list[str], requests: int, concurrency: int) -> dict:
    host, port = base.split("//", 1)[1].split(":")
    latencies: list[float] = []
    counter = iter(range(requests))
    started = time.perf_counter()
    failures = await asyncio.gather(*(_connection(host, int(port), paths, counter, latencies)
                                      for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"rps": requests / elapsed, "p50_ms": 1000 * latencies[len(latencies) // 2],
            "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)], "failures": sum(failures)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000, help="requests per run")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    data = HERE / "data"
    data.mkdir(exist_ok=True)
    db = data / f"web-{args.articles}.db"
    build_seconds = None
    if not db.exists():
        build_seconds = build_db(db, args.articles)
    server = Server(db, "hashing", data / "bench-web-server.log")
    scenarios = {
        "list (first page)": ["/api/stories"],
        "list, pages 1-20": [f"/api/stories?offset={30 * k}" for k in range(20)],
        "list, language filter": [f"/api/stories?lang={lang}" for lang in LANGS],
        "list, text query": [f"/api/stories?q={p}+{t}" for p in PLACES for t in THINGS[:4]],
        "version poll": ["/api/version"],
    }
    results = {}
    try:
        asyncio.run(_run(server.base, ["/api/stories?q=warm"], 20, 2))  # fills the search index
        for name, paths in scenarios.items():
            runs = [asyncio.run(_run(server.base, paths, args.requests, args.concurrency))
                    for _ in range(args.runs)]
            results[name] = {
                "rps_median": round(statistics.median(r["rps"] for r in runs), 1),
                "rps_runs": [round(r["rps"], 1) for r in runs],
                "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
                "p95_ms": round(statistics.median(r["p95_ms"] for r in runs), 2),
                "failures": sum(r["failures"] for r in runs),
            }
    finally:
        server.stop()
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"), "articles": args.articles,
        "stories": _count_stories(db), "runs": args.runs, "requests_per_run": args.requests,
        "concurrency": args.concurrency, "cpus": os.cpu_count(), "machine": platform.platform(),
        "processor": cpu_model(), "python": platform.python_version(), "db_build_seconds": build_seconds,
        "results": results,
    }
    print(json.dumps(report, indent=2))


def _count_stories(db: Path) -> int:
    from storyline.storage import open_store

    store = open_store(db)
    try:
        return len(store.list_stories())
    finally:
        store.close()


if __name__ == "__main__":
    main()
