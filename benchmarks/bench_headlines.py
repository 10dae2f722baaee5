"""Headline streams: the whole ingest pipeline against the bare encoder on the same texts, in one run.

    python benchmarks/bench_headlines.py                       # OG2021 dev headlines, USE, one round
    python benchmarks/bench_headlines.py PATH --rounds 3 --limit 2000
    python benchmarks/bench_headlines.py --workers 1           # the pipeline with USE's helper process
    python benchmarks/bench_headlines.py --workers 1 --no-ahead  # the helper, batches encoded one at a time

The USE encoder runs on one thread per process. By default (``--workers 0``) the pipeline's encoder has no
helper process, so the pipeline and the bare encoder do the same encoding work in one process. With
``--workers 1`` (the default configuration on two cores) the pipeline's encoder shares batches with one
helper process and encodes the next batch ahead while this one is assigned (issue #21; ``--no-ahead``: one
batch at a time, as before); its runs are then compared with two bare encoders on the very same batches:
``one_process`` (threads=1, workers=0: the issue's definition) and ``same_config`` (the pipeline's encoder,
helper included, each batch encoded in turn). CPU time includes the helper process's (read from /proc).

The pipeline's encoder records the batches it is given; the bare encoders then encode exactly those. First an
untimed warm-up: one pipeline run, whose batches every bare encoder then encodes, so that each encoder's
tokenizer has met the texts' words (it remembers each word's pieces: without the warm-up the first pipeline run
tokenized every new word while the bare encoders, always run after it, never did) and each lazily built table
exists; ``--no-warm-up`` leaves it out. Each round runs every measurement once, in an order that rotates between
rounds; each pipeline run is on a fresh database. A ratio is the bare encoder's time over the pipeline's (1.0:
the pipeline adds nothing to the encoding), from the medians, on wall and on CPU time (the background writer
thread included). The third measure, ``busier_cpu``, is the CPU time of the busier of the two processes: with
two cores of its own the run could take no less wall time (and as little when neither process waits for the
other), a figure a loaded machine's wall time does not give. The pipeline's own CPU ms per headline, stage by
stage, show where it adds; ``partition`` is the digest of its stories (benchmarks/digests.py), equal whatever
the encoder configuration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
DEFAULT = HERE.parent.parent / "shared" / "data" / "og2021-dev.jsonl"
WARM_UP = ["warm up " * 60] * 16  # long enough to start the helper process (its model load is not timed)


class Recording:
    """An encoder that keeps the batches it encodes (to give the bare encoder the very same ones)."""

    def __init__(self, encoder) -> None:
        self.inner, self.batches = encoder, []
        self.name, self.dim, self.languages = encoder.name, encoder.dim, encoder.languages

    def encode(self, texts):
        self.batches.append(list(texts))
        return self.inner.encode(texts)


class RecordingAhead(Recording):
    """The same, for an encoder that encodes ahead (``storyline.embed.ahead``)."""

    def encode_ahead(self, texts):
        pending = self.inner.encode_ahead(texts)
        if pending is not None:  # else the engine calls encode, which records the batch
            self.batches.append(list(texts))
        return pending


def helper_cpu(encoder) -> float:
    """CPU seconds used so far by the encoder's helper processes (user + system, from /proc)."""
    total = 0.0
    for helper in getattr(encoder, "_helpers", None) or []:
        proc = getattr(helper, "_proc", None)
        try:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (AttributeError, OSError, IndexError, ValueError):
            pass
    return total


class Clock:
    """Wall time, and CPU time of this process and of the helpers, from one start."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        self.wall, self.here, self.helpers = time.perf_counter(), time.process_time(), helper_cpu(encoder)

    def read(self) -> tuple[float, float, float]:
        """(wall s, CPU s in all, CPU s of the busier process): the last is what wall time would be on
        cores of its own (two processes working in parallel), whatever else loads the machine."""
        here, helpers = time.process_time() - self.here, helper_cpu(self.encoder) - self.helpers
        return time.perf_counter() - self.wall, here + helpers, max(here, helpers)


def pipeline(records: list, encoder, ahead: bool) -> tuple[tuple[float, float, float], dict, list[list[str]], str]:
    """(``Clock.read``, CPU ms per headline by stage, the encoded batches, partition digest) of one ingest
    on a fresh database."""
    from digests import partition_digest

    from storyline.engine import Engine
    from storyline.settings import Settings

    recording = RecordingAhead(encoder) if ahead else Recording(encoder)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "headlines.db"), encoder="use")
        with Engine(settings.db, settings=settings, encoder=recording) as engine:
            clock = Clock(encoder)
            report = engine.ingest_records(records)
            times = clock.read()
    stages = {stage: round(1000 * seconds / max(report.ingested, 1), 3)
              for stage, seconds in sorted(report.stage_cpu_seconds.items())}
    digest = partition_digest((a.article_id, a.story_id) for a in report.assignments)
    return times, stages, recording.batches, digest


def bare(batches: list[list[str]], encoder) -> tuple[float, float, float]:
    """``Clock.read`` of the encoder alone on ``batches``, one after another."""
    clock = Clock(encoder)
    for batch in batches:
        encoder.encode(batch)
    return clock.read()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--limit", type=int, default=None, help="only the first N headlines")
    parser.add_argument("--workers", type=int, default=0, help="helper processes of the pipeline's encoder")
    parser.add_argument("--no-ahead", action="store_true", help="encode one batch at a time (as before #21)")
    parser.add_argument("--no-warm-up", action="store_true",
                        help="no untimed pipeline run first (the encoders' word memos then start unequal)")
    args = parser.parse_args(argv)
    from bench_kit import load_average

    from storyline.embed.use import USEEncoder
    from storyline.sources import read_paths

    records = list(read_paths([str(args.path)]))[: args.limit]  # OG2021 dev: titles only
    one_process = USEEncoder(threads=1, workers=0)
    one_process.encode(WARM_UP)
    encoder = USEEncoder(threads=1, workers=args.workers) if args.workers else one_process
    encoder.encode(WARM_UP)  # starts the helpers
    runs: dict[str, list[tuple[float, float, float]]] = {"pipeline": [], "one_process": []}
    if args.workers:
        runs["same_config"] = []
    stages: dict = {}
    digests = set()
    load = [load_average()]
    batches: list[list[str]] = []
    if not args.no_warm_up:  # every encoder meets the texts once, untimed (see the module's docstring)
        _, _, batches, digest = pipeline(records, encoder, ahead=not args.no_ahead)
        digests.add(digest)
        for name in runs:
            if name != "pipeline":
                bare(batches, one_process if name == "one_process" else encoder)
    for round_ in range(args.rounds):
        names = list(runs)
        for name in names[round_ % len(names):] + names[: round_ % len(names)]:
            if name == "pipeline":
                times, stages, batches, digest = pipeline(records, encoder, ahead=not args.no_ahead)
                digests.add(digest)
                runs["pipeline"].append(times)
            if name != "pipeline":
                runs[name].append(bare(batches, one_process if name == "one_process" else encoder))
    load.append(load_average())
    n = len(records)
    mid = {name: [median(run[k] for run in got) for k in range(3)] for name, got in runs.items()}
    out: dict = {
        "headlines": n, "rounds": args.rounds, "warm_up": not args.no_warm_up, "load": load, "workers": args.workers,
        "ahead": bool(args.workers) and not args.no_ahead,
        "batches_ahead": getattr(getattr(encoder, "share", None), "batches", 0),
        "partition": sorted(digests),
        "pipeline_per_s": round(n / mid["pipeline"][0], 1),
    }
    for name in runs:
        if name == "pipeline":
            continue
        out[f"bare_{name}_per_s"] = round(n / mid[name][0], 1)
        out[f"ratio_wall_vs_{name}"] = round(mid[name][0] / mid["pipeline"][0], 3)
        out[f"ratio_cpu_vs_{name}"] = round(mid[name][1] / mid["pipeline"][1], 3)
        out[f"ratio_busier_cpu_vs_{name}"] = round(mid[name][2] / mid["pipeline"][2], 3)
        out[f"added_cpu_ms_per_headline_vs_{name}"] = round(1000 * (mid["pipeline"][1] - mid[name][1]) / n, 3)
    share = getattr(encoder, "share", None)
    if share is not None and share.batches:
        out["helper_share"] = {"helpers_took": round(share.helpers_took, 3),
                               "work_ms_per_text": round(1000 * share.work_per_text, 3),
                               "local_us_per_char": round(1e6 * (share.local_rate or 0), 2),
                               "helper_us_per_char": round(1e6 * (share.helper_rate or 0), 2)}
    out["runs"] = {name: [tuple(round(x, 2) for x in run) for run in got] for name, got in runs.items()}
    out["stage_cpu_ms_per_headline"] = stages
    print(json.dumps(out, indent=1))
    encoder.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
