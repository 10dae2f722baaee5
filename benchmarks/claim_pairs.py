"""Cross-language claim matching per language pair: cosines of one fact told in two languages against two
facts of one story, measured on invented parallel facts (tests/fixtures/briefs/parallel_facts.jsonl) and the
speed benchmark's en/es/fr templates (bench_briefs.py), to set ``BriefThresholds.claim_across``.

    python benchmarks/claim_pairs.py [--encoder use]

For each language pair (and each language with itself, other facts only) it prints the positives' 5th and
10th percentile and minimum, the negatives' 95th percentile and maximum, and the cut-off chosen: midway
between the negatives' maximum and the positives' 10th percentile, never above the encoder's ``claim``.
Results are recorded in benchmarks/THRESHOLDS.md ("Claims across languages").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_briefs import TEMPLATES

from storyline.embed import get_encoder
from storyline.embed.registry import thresholds_for

PARALLEL = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "briefs" / "parallel_facts.jsonl"
FILL = {"n": "40", "k": "3", "p": "Sella", "w": "Lucía Moreno", "d": "Monday"}


def facts() -> list[tuple[str, int, dict[str, str]]]:
    """(story, fact number, language -> sentence) of the parallel file and the bench templates."""
    out = []
    for line in PARALLEL.read_text("utf-8").splitlines():
        row = json.loads(line)
        out.append((row["story"], row["fact"], {k: v for k, v in row.items() if len(k) == 2}))
    shared = min(len(v) for v in TEMPLATES.values())
    for n in range(shared):
        out.append(("dam", n, {lang: TEMPLATES[lang][n].format(**FILL) for lang in TEMPLATES}))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encoder", default="use")
    args = parser.parse_args()
    encoder = get_encoder(args.encoder)
    claim = thresholds_for(encoder.name).claim
    rows = [(story, fact, lang, text) for story, fact, texts in facts() for lang, text in texts.items()]
    vectors = encoder.encode([r[3] for r in rows])
    sims = vectors @ vectors.T
    pos: dict[tuple[str, str], list[float]] = defaultdict(list)
    neg: dict[tuple[str, str], list[float]] = defaultdict(list)
    for i, j in combinations(range(len(rows)), 2):
        (s1, f1, l1, _), (s2, f2, l2, _) = rows[i], rows[j]
        if s1 != s2:
            continue
        pair = tuple(sorted((l1, l2)))
        (pos if f1 == f2 else neg)[pair].append(float(sims[i, j]))  # type: ignore[index]
    print(f"encoder {encoder.name}, claim {claim}")
    print("| pair | same fact: min / p5 / p10 (n) | other facts: p95 / max (n) | cut-off |")
    print("|---|---|---|---|")
    for pair in sorted(set(pos) | set(neg)):
        if pair[0] == pair[1]:
            continue  # one language: no parallel facts here, and its cut-off stays ``claim``
        p, q = np.array(pos[pair]), np.array(neg[pair])
        p10, top = float(np.percentile(p, 10)), float(q.max())
        cut = min(claim, round((p10 + top) / 2, 2))
        same = f"{p.min():.3f} / {np.percentile(p, 5):.3f} / {p10:.3f} ({len(p)})"
        print(f"| {pair[0]}–{pair[1]} | {same} | {np.percentile(q, 95):.3f} / {top:.3f} ({len(q)}) | {cut:.2f} |")

if __name__ == "__main__":
    main()
