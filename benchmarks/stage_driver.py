"""One preparation stage alone, for instruction counts (callgrind) that compare branches without load noise.

    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.dedup python benchmarks/stage_driver.py PATH dedup
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.setup python benchmarks/stage_driver.py PATH dedup --setup
    python benchmarks/stage_driver.py PATH extract                          # CPU µs per article, no valgrind

The records are read and taken through every stage before ``stage`` (the setup) in batches of 64, as the
engine does; then ``stage`` runs on every batch, unless ``--setup``. A run with ``--setup`` does everything
but the stage, so the stage's instructions are the difference of the two runs' totals (imports and setup
cancel out). Stages: ``extract`` (extract and check ids), ``dedup`` (MinHash signatures, then find and add in
the index, oldest first), ``keys`` (what the clusterer sees of each article: stored vector and lead keys). Only
the plain ingest's stage functions are called, so any branch runs it.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

BATCH = 64
NOW = datetime(2026, 12, 4, tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("stage", choices=("extract", "dedup", "keys"))
    parser.add_argument("--setup", action="store_true", help="everything but the stage")
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    args = parser.parse_args(argv)

    from storyline.compute import WorkOptions
    from storyline.compute.local import LocalBatch
    from storyline.dedup import DuplicateIndex
    from storyline.engine import stored_items
    from storyline.prepare import clean_batch, extract_batch, find_duplicates, to_articles
    from storyline.sources import read_paths

    records = list(read_paths([str(args.path)]))[: args.limit]
    batches = [records[i : i + BATCH] for i in range(0, len(records), BATCH)]
    options = WorkOptions(3, False, 64, make_items=stored_items)
    index = DuplicateIndex()
    rng = np.random.default_rng(0)
    done = 0
    cpu = 0.0
    for batch in batches:
        local = LocalBatch(batch, options, encoder=None)  # type: ignore[arg-type]  # no stage here encodes
        started = time.process_time()
        if args.stage == "extract":
            if not args.setup:
                local.extraction(lambda _: {})
            cpu += time.process_time() - started
            continue
        extraction = extract_batch(batch, min_words=3, stored_hashes=lambda _: {})
        articles = to_articles(clean_batch(extraction.accepted, min_words=3, encoder=None).kept, NOW).articles
        if args.stage == "dedup":
            started = time.process_time()
            if not args.setup:
                find_duplicates(articles, index, local.signatures(articles))
            cpu += time.process_time() - started
        else:
            vectors = rng.normal(size=(len(articles), 512)).astype(np.float32)
            prepared = find_duplicates(articles, index)[0]
            started = time.process_time()
            if not args.setup:
                local.items(prepared, vectors)
            cpu += time.process_time() - started
        done += len(articles)
    print(f"{args.stage}{' setup' if args.setup else ''}: {len(records)} records, "
          f"{1e6 * cpu / max(done or len(records), 1):.1f} CPU µs per article in the stage")
    return 0


if __name__ == "__main__":
    sys.exit(main())
