"""The pipeline's stages besides the encoder, alone: a fixed small driver to profile and to compare branches.

    python benchmarks/bench_stages.py ../shared/data/og2021-dev.jsonl            # CPU ms per article by stage
    python benchmarks/bench_stages.py PATH --foreground --profile /tmp/p.prof     # cProfile, the store included
    valgrind --tool=callgrind python benchmarks/bench_stages.py PATH --limit 1000 --foreground
    python benchmarks/bench_stages.py PATH --dump /tmp/a.sql                      # the database, to diff

The articles are encoded by the cheap content-word hashing encoder (``bench_kit.WordHashEncoder``), so the
encoder hardly counts and what is left is extraction, cleaning, language, near-duplicates, keys, assignment and
the store. ``--foreground`` writes each batch in this thread (a profiler sees only this thread). ``--dump``
writes the database as SQL (the ``sqlite3`` shell's ``.dump``) with the ingest's clock times masked: two
branches that store the same rows write the same file. The digest printed is that of the masked dump, so runs
can be compared without keeping it (run both with the same PYTHONHASHSEED: some JSON lists follow set order).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# the clock times an ingest writes (ingested, updated, …): this year's, unlike any article's date in the data
_NOW = re.compile(r"20[2-9]\d-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")


def masked_dump(db: Path) -> str | None:
    """The database as SQL (the ``sqlite3`` shell's ``.dump``: the SQL stays in the storage backends), the
    ingest's clock times masked, the rows otherwise as stored; None without the shell."""
    shell = shutil.which("sqlite3")
    if shell is None:
        return None
    dump = subprocess.run([shell, str(db), ".dump"], check=True, capture_output=True, text=True).stdout
    now = time.strftime("%Y", time.gmtime())
    return _NOW.sub(lambda m: "<now>" if m.group(0).startswith(now) else m.group(0), dump)


def run(path: Path, limit: int | None, foreground: bool, profile: Path | None, db: Path) -> dict:
    from bench_kit import WordHashEncoder, load_average

    from storyline.engine import Engine
    from storyline.settings import Settings
    from storyline.sources import read_paths

    records = list(read_paths([str(path)]))[:limit]
    settings = Settings(db=str(db), encoder="bench-words", clean_with_encoder=False,
                        store_in_background=not foreground)
    load = [load_average()]
    with Engine(settings.db, settings=settings, encoder=WordHashEncoder()) as engine:
        profiler = cProfile.Profile() if profile else None
        cpu = time.process_time()
        if profiler:
            profiler.enable()
        report = engine.ingest_records(records)
        if profiler:
            profiler.disable()
            profiler.dump_stats(str(profile))
        cpu = time.process_time() - cpu
    load.append(load_average())
    n = max(report.ingested, 1)
    return {"articles": report.ingested, "load": load, "cpu_ms_per_article": round(1000 * cpu / n, 3),
            "stage_cpu_ms_per_article": {stage: round(1000 * seconds / n, 3)
                                         for stage, seconds in sorted(report.stage_cpu_seconds.items())}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    parser.add_argument("--foreground", action="store_true", help="write batches in this thread")
    parser.add_argument("--profile", type=Path, default=None, help="write cProfile stats here")
    parser.add_argument("--dump", type=Path, default=None, help="write the masked SQL dump here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "stages.db"
        out = run(args.path, args.limit, args.foreground, args.profile, db)
        dump = masked_dump(db)
    out["dump_digest"] = None if dump is None else hashlib.sha256(dump.encode()).hexdigest()[:12]
    if args.dump and dump is not None:
        args.dump.write_text(dump)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
