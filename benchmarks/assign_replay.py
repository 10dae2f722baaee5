"""Story assignment alone, replayed: the engine's clusterer calls on the synthetic stream, recorded once,
then replayed on a fresh clusterer and timed on this process's CPU clock (CPU ms per article).

    python benchmarks/assign_replay.py record 20000 /tmp/calls.pkl   # run the engine once, keep its calls
    python benchmarks/assign_replay.py replay /tmp/calls.pkl          # time the calls (run it per branch)
    python benchmarks/assign_replay.py record 0 /tmp/og.pkl --source ../shared/data/og2021-dev.jsonl --encoder use
        # a labelled file's records (0: all) through the engine with USE: the headline stream's calls
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


def record(n: int, out: Path, source: Path | None = None, encoder_name: str = "hash") -> None:
    """Run ``n`` rows of the benchmark's synthetic stream (or of ``source``; 0: all) through the engine, keeping
    each clusterer call. ``encoder_name`` "use": the bundled encoder on one thread, no helper (the headline
    bench's set-up); "hash": the benchmark's content-word hashing encoder."""
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

    stream = source if source is not None else synth.write(300_000)
    if encoder_name == "use":
        from storyline.embed.use import USEEncoder
        encoder = USEEncoder(threads=1, workers=0)
        options = {"encoder": "use"}
    else:
        encoder = WordHashEncoder()
        options = {"encoder": encoder.name, "clean_with_encoder": False}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "replay.db"), **options)
        clusterer = Recording(StoryParams.load(encoder=encoder.name))
        with Engine(settings.db, settings=settings, encoder=encoder, clusterer=clusterer) as engine:
            engine.ingest_records(list(islice(read_paths([str(stream)]), n or None)))
    recorded = {"encoder": encoder.name, "calls": calls}
    out.write_bytes(pickle.dumps(recorded, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"{len(calls)} calls recorded in {out}")


def replay(path: Path, repeat: int, limit: int | None = None) -> None:
    """Replay the recorded calls on a fresh clusterer ``repeat`` times: CPU ms per call, and the partition digest."""
    from bench_kit import WordHashEncoder
    from digests import partition_digest

    from storyline.clustering import StoryClusterer, StoryParams, one_blas_thread

    recorded = pickle.loads(path.read_bytes())  # older recordings: the calls alone, of the hashing encoder
    calls, encoder_name = (recorded["calls"], recorded["encoder"]) if isinstance(recorded, dict) \
        else (recorded, WordHashEncoder.name)
    if limit is not None:  # the first ``limit`` articles, with the batch announcements among them
        articles = [i for i, (kind, _, _) in enumerate(calls) if kind != "expect"]
        calls = calls[: articles[limit] if limit < len(articles) else len(calls)]
    articles = sum(1 for kind, _, _ in calls if kind != "expect")
    params = StoryParams.load(encoder=encoder_name)
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
    rec.add_argument("--source", type=Path, default=None, help="a JSONL file instead of the synthetic stream")
    rec.add_argument("--encoder", choices=("hash", "use"), default="hash")
    rep = sub.add_parser("replay")
    rep.add_argument("calls", type=Path)
    rep.add_argument("--repeat", type=int, default=1)
    rep.add_argument("--limit", type=int, default=None, help="only the first N calls (callgrind runs)")
    args = parser.parse_args(argv)
    if args.command == "record":
        record(args.n, args.out, args.source, args.encoder)
    else:
        replay(args.calls, args.repeat, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
