"""Story assignment + store cost per article as the stream grows (fast stand-in encoder), and the ratio of
that cost late to early: the clusterer's work must not grow with the stories it has seen."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from bench_kit import WordHashEncoder, peak_rss_mb

from storyline.engine import Engine
from storyline.settings import Settings
from storyline.sources import read_paths


def scaling(stream_path: str | Path, chunk: int = 5000, quiet: bool = False, stop_at_stories: int | None = None,
            extra_chunks: int = 2) -> dict:
    """Assign + store cost per article as the number of stories seen grows (fast stand-in encoder).

    ``stop_at_stories``: end ``extra_chunks`` chunks after that many stories were seen.
    """
    points = []
    left = extra_chunks
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "scale.db"), encoder="bench-words", clean_with_encoder=False)
        with Engine(settings.db, settings=settings, encoder=WordHashEncoder()) as engine:
            records = read_paths([str(stream_path)])
            while True:
                # small chunks at first, so the cost near 1,000 stories is measured there (chunks of 1,000
                # put the first point at 1.2k stories, after most of the growth)
                size = min(chunk, 250) if len(points) < 20 else chunk
                block = list(islice(records, size))
                if not block:
                    break
                report = engine.ingest_records(block)
                cost = report.stage_seconds["assign"] + report.stage_seconds["store"]
                cpu = report.stage_cpu_seconds["assign"] + report.stage_cpu_seconds["store"]
                points.append({
                    "articles_seen": engine.store.count_articles(),
                    "stories_seen": engine.store.counter("story"),
                    "active_stories": len(engine.clusterer.active_story_ids()),
                    "assign_store_ms_per_article": round(1000 * cost / max(report.ingested, 1), 3),
                    "assign_store_cpu_ms_per_article": round(1000 * cpu / max(report.ingested, 1), 3),
                    "assign_ms": round(1000 * report.stage_seconds["assign"] / max(report.ingested, 1), 3),
                    "store_ms": round(1000 * report.stage_seconds["store"] / max(report.ingested, 1), 3),
                    "storylines_ms": round(1000 * report.stage_seconds["storylines"] / max(report.ingested, 1), 3),
                    "rss_mb": round(peak_rss_mb(), 1),
                })
                if not quiet:
                    print(f"  {points[-1]}", file=sys.stderr, flush=True)
                if stop_at_stories is not None and points[-1]["stories_seen"] >= stop_at_stories:
                    if left == 0:
                        break
                    left -= 1
            db_mb = os.path.getsize(settings.db) / 2**20
    return {"points": points, "peak_rss_mb": round(peak_rss_mb(), 1), "seconds": round(time.perf_counter() - started),
            "db_mb": round(db_mb, 1)}


def cost_ratio(points: list[dict], low: int = 1000, high: int = 100_000,
               key: str = "assign_store_ms_per_article") -> dict:
    """Cost per article near ``low`` stories seen vs. near ``high`` (or the end): medians of 3 chunks.

    ``key`` picks wall time (default) or ``assign_store_cpu_ms_per_article``, this process's CPU
    time, which other jobs sharing the cores do not inflate.
    """
    def median(values):
        values = sorted(values)
        return values[len(values) // 2]

    first = next((i for i, p in enumerate(points) if p["stories_seen"] >= low), 0)
    last = next((i for i, p in enumerate(points) if p["stories_seen"] >= high), len(points) - 1)
    early = median([p[key] for p in points[first : first + 3]])
    late = median([p[key] for p in points[max(0, last - 2) : last + 1]])
    return {"at_stories": points[first]["stories_seen"], "ms_early": early,
            "final_stories": points[last]["stories_seen"], "ms_late": late,
            "ratio": round(late / early, 2) if early else None}
