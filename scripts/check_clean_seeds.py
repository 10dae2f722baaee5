"""Measure the cleaner on the seed articles and on labelled corpora (reads /work/shared at run time).

    python scripts/check_clean_seeds.py seeds [--encoder use]      # removed/kept per seed + acceptance
    python scripts/check_clean_seeds.py corpus FILE... [--encoder use] [--sample 100]
    python scripts/check_clean_seeds.py speed [--n 2000]

The seeds' noise is recognised here by generic markers (and, for the one stray headline, by a
hash of the line), so no seed text is copied into the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

from storyline.clean import clean, clean_many

SEEDS = Path("/work/shared/data/seeds")
# The aggregator seed's stray headline of another story (sha1 of the line, first 10 hex digits).
STRAY_HASHES = {"96d9759926"}
# Lines a reader could file either way: the aggregator's own headline and an uncredited caption.
EITHER_HASHES = {"dbc8826f0e", "3e8194f7ff"}
NOISE = re.compile(
    r"^(?:Click Here:|LEE:|MIRA:|READ MORE:|Leave a Reply$|Your email address will not be published|"
    r"Latest News$)|Credit:\s*$"
)


def _hash(line: str) -> str:
    return hashlib.sha1(line.encode()).hexdigest()[:10]


def _is_noise(line: str) -> bool:
    return bool(NOISE.search(line)) or _hash(line) in STRAY_HASHES


def _encoder(name: str | None):
    if not name:
        return None
    from storyline.embed import get_encoder

    return get_encoder(name)


def check_seeds(encoder_name: str | None) -> int:
    """Print what the cleaner removed and kept in each seed; return the number of failures."""
    encoder = _encoder(encoder_name)
    failures = 0
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lang = path.name[:2]
        out = clean(text, lang=lang, encoder=encoder)
        removed = {r.line: r.reason for r in out.removed}
        print(f"== {path.name} (encoder={encoder_name})")
        for r in out.removed:
            print(f"  REMOVED [{r.reason}] {r.line[:120]}")
        kept = [line for line in out.text.split("\n") if line]
        for line in kept:
            print(f"  kept    {line[:120]}")
        for line in (raw.strip() for raw in text.splitlines()):
            if not line or _hash(line) in EITHER_HASHES:
                continue
            if _is_noise(line) and line not in removed:
                failures += 1
                print(f"  FAIL noise kept: {line[:100]}")
            elif not _is_noise(line) and line in removed:
                failures += 1
                print(f"  FAIL article line removed: {line[:100]}")
    print(f"seed check (encoder={encoder_name}): {failures} failure(s)")
    return failures


def _rows(paths: list[str]):
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for raw in handle:
                row = json.loads(raw)
                yield row.get("text") or "", row.get("title") or "", row.get("lang")


def check_corpus(paths: list[str], encoder_name: str | None, sample: int, seed: int) -> None:
    """Count removed lines per reason over corpora, and print a random sample to judge by eye."""
    items = list(_rows(paths))
    encoder = _encoder(encoder_name)
    start = time.perf_counter()
    results = []
    for i in range(0, len(items), 64):
        results.extend(clean_many(items[i : i + 64], encoder=encoder))
    elapsed = time.perf_counter() - start
    n_lines = sum(1 for text, _, _ in items for line in text.splitlines() if line.strip())
    reasons = Counter(r.reason for c in results for r in c.removed)
    total = sum(reasons.values())
    print(f"{len(items)} articles, {n_lines} lines, {total} removed ({total / max(n_lines, 1):.1%}), "
          f"{elapsed:.1f}s (encoder={encoder_name})")
    for reason, count in reasons.most_common():
        print(f"  {reason:16s} {count}")
    pool = [(r.reason, r.line) for c in results for r in c.removed]
    random.Random(seed).shuffle(pool)
    print(f"-- sample of {min(sample, len(pool))} removed lines")
    for reason, line in pool[:sample]:
        print(f"  [{reason}] {line[:140]}")


def check_speed(n: int) -> None:
    """Articles per second without an encoder, on invented ~3,000-character articles."""
    para = ("The council voted on Tuesday to extend the tram line to the harbour district, a plan "
            "first proposed in 2019 that has since doubled in cost, officials said.")
    noise = ["READ MORE: Council unveils new parking rules", "Photo: Jane Doe/Reuters", "Share | Tweet | Email",
             "Leave a Reply", "Latest News", "Transport Minister To Visit Harbour Next Week"]
    rng = random.Random(0)
    items = []
    for k in range(n):
        lines = [f"{para} Item {k}-{j}." for j in range(16)]
        for line in noise:
            lines.insert(rng.randrange(len(lines)), line)
        items.append(("\n\n".join(lines), "Tram line extended", "en"))
    chars = sum(len(t) for t, _, _ in items) / n
    start = time.perf_counter()
    clean_many(items)
    elapsed = time.perf_counter() - start
    print(f"{n} articles of ~{chars:.0f} chars: {n / elapsed:.0f} articles/s (encoder=None)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["seeds", "corpus", "speed"])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--encoder", default=None, help="encoder name, e.g. use (default: none)")
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    if args.mode == "seeds":
        return 1 if check_seeds(args.encoder) else 0
    if args.mode == "corpus":
        check_corpus(args.files, args.encoder, args.sample, args.seed)
        return 0
    check_speed(args.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
