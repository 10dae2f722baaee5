"""Score storyline parameters on labelled JSONL files: each file is ingested once (in a temporary
database, through the engine), its batches recorded, and the storyline linker replayed over them for
each setting in seconds. Prints B-cubed of storylines against the `thread` label (articles without one:
their `story`), and of the pairs of one thread and two events how many are apart and linked.

Usage: python scripts/score_storylines.py FILE.jsonl [...] [--set KEY=V1,V2 ...]
e.g.   python scripts/score_storylines.py wikinews.jsonl gva.jsonl --set min_share=0.3,0.5 --set min_shared=2,3
"""

from __future__ import annotations

import argparse
import itertools
import json
import pickle
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from storyline.engine import Engine
from storyline.evaluation import bcubed, gold_labels, thread_pairs
from storyline.settings import Settings
from storyline.storylines import StorylineLinker, StorylineParams, StorylineUpdate


class _Recorder(StorylineLinker):
    """Links nothing; keeps each batch's (items, assignments, merges) to replay."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[tuple] = []

    def link(self, items, assignments, merges) -> StorylineUpdate:
        self.batches.append((list(items), list(assignments), list(merges)))
        return StorylineUpdate()


def record(path: str) -> tuple[list[tuple], dict[str, str]]:
    """The batches of one ingest of ``path`` and each article's input origin."""
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "s.db")
        with Engine(db, settings=Settings.load(db=db)) as engine:
            recorder = _Recorder()
            engine.storylines = recorder
            engine.ingest_paths([path])
            origin_of = {row.id: row.origin for row in engine.store.article_summaries()}
    return recorder.batches, origin_of


def recorded_once(path: str, cache: str | None) -> tuple[list[tuple], dict[str, str]]:
    """``record(path)``, kept in ``cache`` (keyed by the file's name, size and time) when one is given."""
    if cache is None:
        return record(path)
    stat = Path(path).stat()
    kept = Path(cache) / f"{Path(path).stem}-{stat.st_size}-{int(stat.st_mtime)}.pickle"
    if kept.exists():
        with kept.open("rb") as handle:
            return pickle.load(handle)
    result = record(path)
    kept.parent.mkdir(parents=True, exist_ok=True)
    with kept.open("wb") as handle:
        pickle.dump(result, handle)
    return result


def replay(batches: list[tuple], params: StorylineParams) -> tuple[dict[str, str], dict[str, str]]:
    """(article -> final story, story -> storyline) under ``params``."""
    linker = StorylineLinker(params)
    story_of: dict[str, str] = {}
    for items, assignments, merges in batches:
        linker.link(items, assignments, merges)
        for assignment in assignments:
            story_of[assignment.article_id] = assignment.story_id
        for absorbed, into in merges:
            story_of = {a: (into if s == absorbed else s) for a, s in story_of.items()}
    return story_of, {s: linker.storyline_of(s) or f"none:{s}" for s in set(story_of.values())}


def split_pairs(gold_thread: list[str], pred_story: list[str], pred_line: list[str]) -> tuple[int, int]:
    """Pairs of one gold thread that story assignment put in two stories, and how many of them one
    storyline joins again (a late trial, a rising toll: what storylines are for).

    >>> split_pairs(["t", "t", "t", "u"], ["s1", "s2", "s3", "s3"], ["L1", "L1", "L2", "L2"])
    (3, 1)
    """
    from collections import Counter

    split = rejoined = 0
    by_thread: dict[str, list[int]] = {}
    for i, thread in enumerate(gold_thread):
        by_thread.setdefault(thread, []).append(i)
    for members in by_thread.values():
        n = len(members)
        same_story = sum(k * (k - 1) // 2 for k in Counter(pred_story[i] for i in members).values())
        same_line = sum(k * (k - 1) // 2 for k in Counter(pred_line[i] for i in members).values())
        split += n * (n - 1) // 2 - same_story
        rejoined += same_line - same_story  # a story lies in one storyline: its pairs are in both counts
    return split, rejoined


def umbrella(gold_thread: list[str], pred_story: list[str], pred_line: list[str]) -> str:
    """How much of the largest gold thread (OG2021's Games guides) its biggest story and its biggest
    storyline hold.

    >>> umbrella(["t", "t", "t", "u"], ["s1", "s2", "s2", "s3"], ["L1", "L1", "L1", "L2"])
    ' biggest thread (3): story 67%, storyline 100%'
    """
    from collections import Counter

    top, size = Counter(gold_thread).most_common(1)[0]
    members = [i for i, thread in enumerate(gold_thread) if thread == top]
    in_story = Counter(pred_story[i] for i in members).most_common(1)[0][1]
    in_line = Counter(pred_line[i] for i in members).most_common(1)[0][1]
    return f" biggest thread ({size}): story {in_story / size:.0%}, storyline {in_line / size:.0%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=V1,V2")
    parser.add_argument("--cache", default=None, metavar="DIR",
                        help="keep each file's recorded ingest here (pickles), so the next run skips the ingest")
    args = parser.parse_args()
    grid = {key: [json.loads(v) for v in values.split(",")]
            for key, _, values in (pair.partition("=") for pair in args.set)}
    recorded = {}
    for path in args.files:
        batches, origin_of = recorded_once(path, args.cache)
        labelled = '"thread"' in Path(path).read_text(encoding="utf-8")
        recorded[path] = (batches, origin_of, gold_labels(path), gold_labels(path, "thread") if labelled else {})
        print(f"recorded {path}: {sum(len(b[0]) for b in batches)} articles", file=sys.stderr)
    base = StorylineParams.load()
    for combo in itertools.product(*grid.values()) if grid else [()]:
        params = replace(base, **dict(zip(grid, combo, strict=True)))
        cells = []
        for path, (batches, origin_of, stories, threads) in recorded.items():
            story_of, line_of = replay(batches, params)
            keys = [a for a in story_of if origin_of.get(a) in stories]
            gold_story = [stories[origin_of[a]] for a in keys]
            gold_thread = [threads.get(origin_of[a], f"story:{stories[origin_of[a]]}") for a in keys]
            pred_line = [line_of[story_of[a]] for a in keys]
            p, r, f1 = bcubed(gold_thread, pred_line)
            fate = thread_pairs(gold_story, gold_thread, [story_of[a] for a in keys], pred_line)
            linked = f" linked {fate.apart_linked}/{fate.pairs}" if fate.pairs else ""
            split, rejoined = split_pairs(gold_thread, [story_of[a] for a in keys], pred_line)
            linked += f" split {rejoined}/{split}" + umbrella(gold_thread, [story_of[a] for a in keys], pred_line)
            cells.append(f"{Path(path).stem[:14]} P {p:.3f} R {r:.3f} F1 {f1:.3f} ({len(set(pred_line))}){linked}")
        print(dict(zip(grid, combo, strict=True)), " | ".join(cells))


if __name__ == "__main__":
    main()
