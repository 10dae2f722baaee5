"""PostgreSQL vs SQLite write throughput on the same input: one ingest of the same articles into each
backend, alternating, the best of ``rounds`` each (other jobs share the cores).

    python benchmarks/bench_store.py [N]       # N articles (2000): prints JSON, writes benchmarks/STORE.md

The figure compared is the background writer's own rate (articles / seconds spent writing batches:
one transaction each, articles, vectors, signatures, stories), and the whole ingest's rate beside it.
The per-article work (extract, clean, language, encode) is the same for both and uses a fast
stand-in encoder, so the store's share shows. PostgreSQL is a throwaway local cluster on a unix
socket (tests/pg_cluster.py) with ``synchronous_commit=off`` — durable as SQLite's WAL with
``synchronous=NORMAL``: a crash may lose the last commits, never corrupt — or the server named by
``STORYLINE_BENCH_POSTGRES`` (a URL; a scratch schema there, dropped afterwards). Where no PostgreSQL
can start, the result says why and the rest of ``make bench`` goes on.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from storyline.engine import Engine  # noqa: E402
from storyline.settings import Settings  # noqa: E402
from storyline.storage import scratch_location  # noqa: E402

# the server a benchmark cluster runs: durable files (fsync on), commits not waited for (as SQLite WAL NORMAL)
CLUSTER_SETTINGS = "-c synchronous_commit=off"


@contextmanager
def postgres_server() -> Iterator[tuple[str, str]]:
    """(URL, what it is) of the PostgreSQL to measure; raises pg_cluster.NoPostgres if there is none."""
    given = os.environ.get("STORYLINE_BENCH_POSTGRES")
    if given:
        yield given, "the server in STORYLINE_BENCH_POSTGRES"
        return
    import subprocess

    from pg_cluster import start_cluster  # the tests' throwaway cluster

    cluster = start_cluster(CLUSTER_SETTINGS)
    try:
        version = subprocess.run([str(cluster.bin_dir / "postgres"), "--version"], capture_output=True,
                                 text=True).stdout.strip()
        yield cluster.url(), f"{version}, local cluster on a unix socket, {CLUSTER_SETTINGS}"
    finally:
        cluster.stop()


def ingest_once(location: str, subset: Path, encoder, batch_size: int) -> dict:
    """One ingest of ``subset`` into a fresh database at ``location``: the writer's and the whole rate."""
    settings = Settings(db=location, encoder="hashing", batch_size=batch_size)
    with Engine(location, settings=settings, encoder=encoder) as engine:
        report = engine.ingest_paths([str(subset)])
    return {"articles": report.ingested,
            "writer_per_s": round(report.ingested / report.writer_seconds, 1) if report.writer_seconds else None,
            "ingest_per_s": round(report.ingested / report.seconds, 1)}


def compare(stream_path: Path, n: int, rounds: int = 2, batch_size: int = Settings().batch_size) -> dict:
    """SQLite and PostgreSQL on the first ``n`` articles of the stream, in batches of ``batch_size`` (the
    engine's default); ``skipped`` says why when no PostgreSQL could be had."""
    from bench_kit import WordHashEncoder

    from pg_cluster import NoPostgres

    folder = Path(tempfile.mkdtemp())
    subset = folder / "subset.jsonl"
    with stream_path.open(encoding="utf-8") as src, subset.open("w", encoding="utf-8") as dst:
        dst.writelines(islice(src, n))
    encoder = WordHashEncoder()
    try:
        with postgres_server() as (url, server):
            best: dict[str, dict] = {}
            for _ in range(rounds):
                for backend, base in (("sqlite", None), ("postgres", url)):
                    with scratch_location(base) as location:
                        run = ingest_once(location, subset, encoder, batch_size)
                    if backend not in best or (run["writer_per_s"] or 0) > (best[backend]["writer_per_s"] or 0):
                        best[backend] = run
    except NoPostgres as exc:
        return {"skipped": f"no PostgreSQL: {exc}"}
    sqlite_rate, pg_rate = best["sqlite"]["writer_per_s"], best["postgres"]["writer_per_s"]
    return {"articles": best["sqlite"]["articles"], "rounds": rounds, "server": server, "batch_size": batch_size,
            **best,
            "ratio": round(pg_rate / sqlite_rate, 2) if sqlite_rate and pg_rate else None}


def report_lines(result: dict | None) -> list[str]:
    """The RESULTS.md section of :func:`compare`'s result."""
    if not result:
        return []
    head = ["", "## Store backends: PostgreSQL vs SQLite writes (same input)", ""]
    if "skipped" in result:
        return [*head, f"- not measured: {result['skipped']}"]
    sqlite, pg = result["sqlite"], result["postgres"]
    return [*head,
            f"{result['articles']} synthetic articles, content-word hashing encoder, best of {result['rounds']} "
            f"alternating runs each; PostgreSQL: {result['server']}.", "",
            "| backend | writer articles/s | whole ingest articles/s |", "|---|---:|---:|",
            f"| SQLite (WAL) | {sqlite['writer_per_s']} | {sqlite['ingest_per_s']} |",
            f"| PostgreSQL | {pg['writer_per_s']} | {pg['ingest_per_s']} |", "",
            f"PostgreSQL writes at **{result['ratio']}×** SQLite's rate (one transaction per batch of "
            f"{result.get('batch_size', 64)}, "
            "written on a background thread while the next batch is prepared)."]


def main(argv: list[str]) -> int:
    import synth
    from bench_kit import kept_tail, load_average
    from machine import describe

    count = int(argv[0]) if argv else 2000
    started, load = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), load_average()
    result = compare(synth.write(30_000), count)
    print(json.dumps(result, indent=2))
    lines = ["# Store backends", "", f"Regenerated by `python benchmarks/bench_store.py {count}` on {started}.",
             f"Machine: {describe()}. Load average at start {load}, at end {load_average()} (other jobs share "
             "these cores: compare the two backends within this run).", *report_lines(result)]
    target = HERE / "STORE.md"
    target.write_text("\n".join([*lines, *kept_tail(target)]) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
