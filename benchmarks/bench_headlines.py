"""Headline streams: the whole ingest pipeline against the bare encoder on the same texts, in one run.

    python benchmarks/bench_headlines.py                       # OG2021 dev headlines, USE, one round
    python benchmarks/bench_headlines.py PATH --rounds 3 --limit 2000

The USE encoder runs on one thread in this process (``threads=1, workers=0``: no helper process), so the
pipeline and the bare encoder do the same encoding work. The pipeline's encoder records the batches it
is given; the bare encoder then encodes exactly those batches. Rounds alternate (pipeline, bare), each
pipeline round on a fresh database; the ratio is the bare encoder's time over the pipeline's (1.0: the
pipeline adds nothing to the encoding), from the medians, on wall and on process CPU time (the background
writer thread included). The pipeline's own CPU ms per headline, stage by stage, show where it adds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
DEFAULT = HERE.parent.parent / "shared" / "data" / "og2021-dev.jsonl"
WARM_UP = ["warm up " * 60] * 16


class Recording:
    """An encoder that keeps the batches it encodes (to give the bare encoder the very same ones)."""

    def __init__(self, encoder) -> None:
        self.inner, self.batches = encoder, []
        self.name, self.dim, self.languages = encoder.name, encoder.dim, encoder.languages

    def encode(self, texts):
        self.batches.append(list(texts))
        return self.inner.encode(texts)


def pipeline(records: list, encoder) -> tuple[float, float, dict, list[list[str]]]:
    """(wall s, CPU s, CPU ms per headline by stage, the encoded batches) of one ingest on a fresh database."""
    from storyline.engine import Engine
    from storyline.settings import Settings

    recording = Recording(encoder)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "headlines.db"), encoder="use")
        with Engine(settings.db, settings=settings, encoder=recording) as engine:
            wall, cpu = time.perf_counter(), time.process_time()
            report = engine.ingest_records(records)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    stages = {stage: round(1000 * seconds / max(report.ingested, 1), 3)
              for stage, seconds in sorted(report.stage_cpu_seconds.items())}
    return wall, cpu, stages, recording.batches


def bare(batches: list[list[str]], encoder) -> tuple[float, float]:
    """(wall s, CPU s) of the encoder alone on ``batches``."""
    wall, cpu = time.perf_counter(), time.process_time()
    for batch in batches:
        encoder.encode(batch)
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="only the first N headlines")
    args = parser.parse_args(argv)
    from bench_kit import load_average

    from storyline.embed.use import USEEncoder
    from storyline.sources import read_paths

    records = list(read_paths([str(args.path)]))[: args.limit]  # OG2021 dev: titles only
    encoder = USEEncoder(threads=1, workers=0)
    encoder.encode(WARM_UP)
    runs: dict[str, list[tuple[float, float]]] = {"pipeline": [], "bare": []}
    stages: dict = {}
    load = [load_average()]
    for _ in range(args.rounds):
        wall, cpu, stages, batches = pipeline(records, encoder)
        runs["pipeline"].append((wall, cpu))
        runs["bare"].append(bare(batches, encoder))
    load.append(load_average())
    n = len(records)
    mid = {name: (median(w for w, _ in got), median(c for _, c in got)) for name, got in runs.items()}
    out = {
        "headlines": n, "rounds": args.rounds, "load": load,
        "pipeline_per_s": round(n / mid["pipeline"][0], 1), "bare_per_s": round(n / mid["bare"][0], 1),
        "ratio_wall": round(mid["bare"][0] / mid["pipeline"][0], 3),
        "ratio_cpu": round(mid["bare"][1] / mid["pipeline"][1], 3),
        "added_cpu_ms_per_headline": round(1000 * (mid["pipeline"][1] - mid["bare"][1]) / n, 3),
        "stage_cpu_ms_per_headline": stages,
    }
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
