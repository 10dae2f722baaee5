"""Story assignment alone, replayed: the engine's clusterer calls on the synthetic stream, recorded once,
then replayed on a fresh clusterer and timed on this process's CPU clock (CPU ms per article).

    python benchmarks/assign_replay.py record 20000 /tmp/calls.pkl   # run the engine once, keep its calls
    python benchmarks/assign_replay.py replay /tmp/calls.pkl          # time the calls (run it per branch)
    valgrind --tool=callgrind python benchmarks/assign_replay.py replay /tmp/calls.pkl --limit 3000

Replaying the same calls on two branches, alternately in one session, compares the assignment code alone
(no encoder, no store, no preparation); the partition digest printed with it must be the same on both.
The engine's batches are recorded too (``expect``: the clusterer's one sketch product per batch) and
replayed where the clusterer has it, inside one BLAS-thread limit, as the engine assigns a batch.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def record(n: int, out: Path) -> None:
    """Run ``n`` rows of the benchmark's synthetic stream through the engine, keeping each clusterer call."""
    import synth
    from bench_kit import WordHashEncoder

    from storyline.clustering import StoryClusterer, StoryParams
    from storyline.engine import Engine
    from storyline.settings import Settings
    from storyline.sources import read_paths

    calls: list[tuple[str, object, str | None]] = []

    class Recording(StoryClusterer):
        def learn_one(self, item):
            calls.append(("learn", item, None))
            return super().learn_one(item)

        def add_to(self, item, story_id):
            calls.append(("add", item, story_id))
            return super().add_to(item, story_id)

        def expect(self, items):
            calls.append(("expect", list(items), None))
            return super().expect(items)

    stream = synth.write(300_000)
    encoder = WordHashEncoder()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "replay.db"), encoder=encoder.name, clean_with_encoder=False)
        clusterer = Recording(StoryParams.load(encoder=encoder.name))
        with Engine(settings.db, settings=settings, encoder=encoder, clusterer=clusterer) as engine:
            engine.ingest_records(list(islice(read_paths([str(stream)]), n)))
    out.write_bytes(pickle.dumps(calls, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"{len(calls)} calls recorded in {out}")


def replay(path: Path, repeat: int, limit: int | None = None) -> None:
    """Replay the recorded calls on a fresh clusterer ``repeat`` times: CPU ms per call, and the partition digest."""
    from bench_kit import WordHashEncoder
    from digests import partition_digest

    from storyline.clustering import StoryClusterer, StoryParams, one_blas_thread

    calls = pickle.loads(path.read_bytes())
    if limit is not None:  # the first ``limit`` articles, with the batch announcements among them
        articles = [i for i, (kind, _, _) in enumerate(calls) if kind != "expect"]
        calls = calls[: articles[limit] if limit < len(articles) else len(calls)]
    articles = sum(1 for kind, _, _ in calls if kind != "expect")
    params = StoryParams.load(encoder=WordHashEncoder.name)
    for _ in range(repeat):
        clusterer = StoryClusterer(params)
        pairs = []
        started = time.process_time()
        with one_blas_thread():  # as the engine assigns a batch
            for kind, item, story_id in calls:
                if kind == "expect":  # the engine's batch, announced (older recordings and clusterers have none)
                    if hasattr(clusterer, "expect"):
                        clusterer.expect(item)
                    continue
                assignment = clusterer.learn_one(item) if kind == "learn" else clusterer.add_to(item, story_id)
                pairs.append((item.article_id, assignment.story_id))
        cpu = time.process_time() - started
        resolved = [(article, clusterer.resolve(story)) for article, story in pairs]
        print(f"{articles} calls  {1000 * cpu / max(articles, 1):.3f} CPU ms/article  "
              f"partition {partition_digest(resolved)}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("n", type=int)
    rec.add_argument("out", type=Path)
    rep = sub.add_parser("replay")
    rep.add_argument("calls", type=Path)
    rep.add_argument("--repeat", type=int, default=1)
    rep.add_argument("--limit", type=int, default=None, help="only the first N calls (callgrind runs)")
    args = parser.parse_args(argv)
    if args.command == "record":
        record(args.n, args.out)
    else:
        replay(args.calls, args.repeat, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
