"""Digests of the story partitions the clusterer gives: a speed change must leave every one identical.

    python benchmarks/digests.py                 # the labelled sets and the synthetic stream
    python benchmarks/digests.py --sets-only     # the labelled sets only (a minute)
    python benchmarks/digests.py --synth 20000   # the synthetic stream's first 20,000 rows, through the engine

The labelled sets (demo corpus and ../shared/data) are replayed as scripts/calibrate_stories.py does,
from its cached prepared databases (today's code's, else those of the nearest code: scripts/prepared_cache.py),
with the shipped parameters: each prints its B-cubed F1 and the
digest of its partition (which articles share a story, whatever the story ids). The synthetic stream
(the head of the benchmark's 300,000-row stream, content-word hashing encoder) goes through the whole
engine, the store included: its digest is read back from the database, so store changes are checked too.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from itertools import islice
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "scripts"))

SETS = (ROOT / "examples" / "demo-corpus.jsonl",
        *(ROOT.parent / "shared" / "data" / name for name in (
            "wikinews-stories.jsonl", "og2021-dev.jsonl", "giveme5w1h-events.jsonl", "gva-incidents-dev.jsonl")))


def partition_digest(pairs: Iterable[tuple[str, str]]) -> str:
    """Digest of a partition given as (article id, story id) pairs: equal for equal groupings, whatever the ids.

    >>> one = partition_digest([("a", "s1"), ("b", "s1"), ("c", "s2")])
    >>> one == partition_digest([("c", "x"), ("a", "y"), ("b", "y")])
    True
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for article_id, story_id in pairs:
        groups[story_id].append(article_id)
    canonical = sorted(sorted(members) for members in groups.values())
    return hashlib.sha256(repr(canonical).encode()).hexdigest()[:16]


def set_digests() -> None:
    from calibrate_stories import Dataset, run

    from storyline.clustering import StoryParams
    from storyline.evaluation import bcubed

    params = StoryParams.load()
    for path in SETS:
        if not path.exists():
            print(f"{path.stem:<24} missing ({path})")
            continue
        data = Dataset(path, cached=True)
        started = time.process_time()
        pred = run(params, data)
        cpu = time.process_time() - started
        f1 = bcubed(data.gold, pred)[2]
        digest = partition_digest((item.article_id, story) for item, story in zip(data.items, pred, strict=True))
        print(f"{path.stem:<24} F1 {f1:.4f}  stories {len(set(pred)):>5}  partition {digest}  "
              f"({len(pred)} articles, {1000 * cpu / len(pred):.3f} CPU ms/article)", flush=True)


def synth_digest(n: int) -> None:
    import synth
    from bench_kit import WordHashEncoder

    from storyline.engine import Engine
    from storyline.settings import Settings
    from storyline.sources import read_paths

    stream = synth.write(300_000)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "digest.db"), encoder="bench-words", clean_with_encoder=False)
        with Engine(settings.db, settings=settings, encoder=WordHashEncoder()) as engine:
            report = engine.ingest_records(list(islice(read_paths([str(stream)]), n)))
            pairs = [(a.id, a.story_id) for a in engine.store.article_summaries()]
    cpu = report.stage_cpu_seconds["assign"] + report.stage_cpu_seconds["store"]
    wall = report.stage_seconds["assign"] + report.stage_seconds["store"]
    print(f"synth-{n:<18} stories {len({s for _, s in pairs}):>5}  partition {partition_digest(pairs)}  "
          f"ids {hashlib.sha256(repr(sorted(pairs)).encode()).hexdigest()[:16]}  "
          f"(assign+store {1000 * cpu / n:.3f} CPU ms/article, {1000 * wall / n:.3f} wall; "
          f"assign CPU {1000 * report.stage_cpu_seconds['assign'] / n:.3f})", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets-only", action="store_true")
    parser.add_argument("--synth-only", action="store_true")
    parser.add_argument("--synth", type=int, default=20_000, help="rows of the synthetic stream")
    args = parser.parse_args(argv)
    if not args.synth_only:
        set_digests()
    if not args.sets_only:
        synth_digest(args.synth)
    return 0


if __name__ == "__main__":
    sys.exit(main())
