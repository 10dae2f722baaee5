"""Map the brief and clean cosine cut-offs calibrated on USE onto another encoder's cosine scale.

    python benchmarks/brief_thresholds.py [--encoder e5] [--seeds /work/shared/data/seeds]

Sentences of the brief fixture, the demo corpus and (when present) the seed articles are paired
within each story across articles; both encoders score every pair. A USE cut-off t is mapped to the
other encoder's cosine at the same quantile of the pair distribution (the share of pairs below t
stays the same). Prints the table recorded in benchmarks/THRESHOLDS.md; the brief checks then
verify the mapped values (see that file).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from storyline.briefs.text import split_units
from storyline.embed import get_encoder, registry

ROOT = Path(__file__).resolve().parents[1]
CORPORA = [ROOT / "tests" / "fixtures" / "briefs" / "dam_story.jsonl", ROOT / "examples" / "demo-corpus.jsonl"]
# Cut-offs that are margins above another cut-off: mapped as the distance between the two mapped values.
MARGINS = {"join_penalty": "quote"}
MAX_SENTENCES = 40  # per article: the leads carry the facts; long tails only cost encoder time


def stories(seeds: Path | None) -> dict[str, list[list[str]]]:
    """Story -> articles -> sentences."""
    out: dict[str, list[list[str]]] = defaultdict(list)
    for path in CORPORA:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            units = [u.text for u in split_units(row.get("text") or "")][:MAX_SENTENCES]
            out[row.get("story") or path.stem].append(units)
    if seeds is not None and seeds.is_dir():
        for path in sorted(seeds.glob("*.txt")):
            out["seeds"].append([u.text for u in split_units(path.read_text(encoding="utf-8"))][:MAX_SENTENCES])
    return out


def pair_cosines(encoder_option: str, groups: dict[str, list[list[str]]]) -> np.ndarray:
    """Cosines of every cross-article sentence pair within each story, in a fixed order."""
    encoder = get_encoder(encoder_option)
    out = []
    for articles in groups.values():
        texts = [t for a in articles for t in a]
        owner = np.array([i for i, a in enumerate(articles) for _ in a])
        vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
        sims = vectors @ vectors.T
        cross = np.triu(owner[:, None] != owner[None, :], 1)
        out.append(sims[cross])
    return np.concatenate(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="e5", help="the encoder to map the default's cut-offs onto")
    parser.add_argument("--seeds", default="/work/shared/data/seeds")
    args = parser.parse_args()
    base, other = registry.default_entry(), registry.lookup(args.encoder)
    groups = stories(Path(args.seeds))
    n_articles = sum(len(a) for a in groups.values())
    print(f"{len(groups)} stories, {n_articles} articles, {sum(len(s) for a in groups.values() for s in a)} sentences")
    start = time.perf_counter()
    ref = pair_cosines(base.option, groups)
    mid = time.perf_counter()
    new = pair_cosines(other.option, groups)
    print(f"{len(ref)} cross-article pairs; encoded in {mid - start:.0f} s ({base.option}), "
          f"{time.perf_counter() - mid:.0f} s ({other.option})")
    print(f"Pearson of the two encoders' pair cosines: {np.corrcoef(ref, new)[0, 1]:.3f}")
    print(f"| cut-off | {base.option} | share of pairs below | {other.option} at that share | {other.option} now |")
    print("|---|---|---|---|---|")
    def mapped(t: float) -> tuple[float, float]:
        share = float((ref < t).mean())
        return share, float(np.quantile(new, share))

    for field in dataclasses.fields(base.thresholds):
        t = getattr(base.thresholds, field.name)
        now = getattr(other.thresholds, field.name)
        if field.name in MARGINS:
            anchor = getattr(base.thresholds, MARGINS[field.name])
            margin = mapped(anchor)[1] - mapped(anchor - t)[1]
            print(f"| {field.name} (margin below {MARGINS[field.name]}) | {t:.2f} | | {margin:.3f} | {now:.2f} |")
            continue
        share, value = mapped(t)
        print(f"| {field.name} | {t:.2f} | {share:.4f} | {value:.3f} | {now:.2f} |")


if __name__ == "__main__":
    main()
