"""Score story params on labelled JSONL files in seconds (no fitting): B-cubed P/R/F1 per file.

Usage: python scripts/score_stories.py FILE.jsonl [FILE.jsonl ...] [--params PARAMS.json]
       [--set KEY=VALUE ...] [--encoder use|e5] [--order file|reversed|shuffled]

Uses the calibration script's data loading and embedding cache (~/.cache/storyline/calibration), so
a quick check of one change (a threshold, a window, a new feature's weights) needs no full
calibration. Also prints F1 over the articles in languages outside the encoder, where there are some.
`--order` feeds the articles newest first or shuffled (seeds 0, 1, 2: one line each) instead of in file
order: how much the clustering depends on arrival order (an archive or a folder in any order).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calibrate_stories import Dataset, score

from storyline.clustering import StoryParams


def parse_overrides(pairs: list[str]) -> dict:
    """KEY=VALUE pairs as JSON values (numbers, lists) where they parse, else strings.

    >>> parse_overrides(["threshold=0.3", "shortlist=20"])
    {'threshold': 0.3, 'shortlist': 20}
    """
    out = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def report(params: StoryParams, data: Dataset) -> str:
    """One line: B-cubed figures on the whole file, and on the items the encoder cannot read."""
    result = score(params, data)
    line = (f"{data.name}: P {result['P']:.3f} R {result['R']:.3f} F1 {result['F1']:.3f} "
            f"stories {result['stories']}")
    unknown = [i for i, item in enumerate(data.items) if item.lang not in params.encoder_languages]
    if unknown and len(unknown) < len(data.items):
        line += f"; {len(unknown)} items outside the encoder: F1 {score(params, data, unknown)['F1']:.3f}"
    return line


def reordered(data: Dataset, order: str, seed: int = 0) -> Dataset:
    """The same labelled items in another arrival order ("reversed" or "shuffled" by ``seed``).

    >>> d = Dataset.__new__(Dataset); d.name, d.items, d.gold = "x", [1, 2, 3], ["a", "b", "c"]
    >>> reordered(d, "reversed").gold
    ['c', 'b', 'a']
    """
    index = list(range(len(data.items)))
    if order == "reversed":
        index.reverse()
    elif order == "shuffled":
        random.Random(seed).shuffle(index)
    out = Dataset.__new__(Dataset)
    out.name = data.name if order == "file" else f"{data.name} ({order}{f' {seed}' if order == 'shuffled' else ''})"
    out.items, out.gold = [data.items[i] for i in index], [data.gold[i] for i in index]
    out.duplicate_of = [data.duplicate_of[i] for i in index] if getattr(data, "duplicate_of", None) else None
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--params", help="params JSON (default: the shipped file for the encoder)")
    ap.add_argument("--encoder", choices=["use", "e5"], default="use", help="the encoder whose vectors to score")
    ap.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override single params")
    ap.add_argument("--order", choices=["file", "reversed", "shuffled"], default="file",
                    help="arrival order (shuffled: three seeds, a line each)")
    args = ap.parse_args()
    params = StoryParams.load(args.params, encoder=args.encoder)
    overrides = parse_overrides(args.set)
    if "weights" in overrides:
        overrides["weights"] = tuple(overrides["weights"])
    params = replace(params, **overrides)
    for path in args.files:
        data = Dataset(path, encoder=args.encoder)
        for seed in (0, 1, 2) if args.order == "shuffled" else (0,):
            print(report(params, reordered(data, args.order, seed)), flush=True)


if __name__ == "__main__":
    main()
