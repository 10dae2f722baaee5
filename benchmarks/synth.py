"""Synthesise a long, real-looking article stream from the project's own demo corpus.

Each synthetic story takes a few core sentences from one language's sentence pool and gives
them invented names and numbers; its articles reuse that core plus other sentences, spread over
up to two days; story starts are spread over several weeks. Nothing here is committed as data:
the stream is written to benchmarks/data/ (git-ignored) by

    python benchmarks/synth.py --n 100000
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "demo-corpus.jsonl"
DATA = ROOT / "benchmarks" / "data"
_SENTENCE = re.compile(r"(?<=[.!?»”\"])\s+(?=[A-ZÀ-Ý«“\"])")
_SYLLABLES = "ka lo mi ra te su va no ri de la be zo fa gu ni sha tor vel mar dan ko ple".split()


def sentence_pools(corpus: Path = CORPUS) -> dict[str, list[str]]:
    """Sentences of the demo corpus grouped by language (noise lines included: real feeds have them)."""
    pools: dict[str, list[str]] = {}
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            for paragraph in (row.get("text") or "").split("\n\n"):
                for sentence in _SENTENCE.split(paragraph.strip()):
                    if len(sentence.split()) >= 6:
                        pools.setdefault(row["lang"], []).append(sentence.strip())
    return pools


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _personalise(sentence: str, names: list[str], rng: random.Random) -> str:
    """Swap capitalised words (after the first) and numbers for the story's own."""
    words = sentence.split()
    for i in range(1, len(words)):
        if words[i][:1].isupper() and rng.random() < 0.6:
            words[i] = names[i % len(names)]
        elif words[i].isdigit():
            words[i] = str(rng.randint(2, 900))
    return " ".join(words)


def stream(n: int, *, seed: int = 7, days: int = 42, start: datetime | None = None):
    """Yield ``n`` synthetic JSONL rows in publication order, with gold ``story`` labels."""
    rng = random.Random(seed)
    pools = sentence_pools()
    langs = sorted(pools, key=lambda lang: -len(pools[lang]))
    weights = [len(pools[lang]) for lang in langs]
    start = start or datetime(2026, 1, 5, tzinfo=timezone.utc)
    rows = []
    story = 0
    while len(rows) < n:
        story += 1
        lang = rng.choices(langs, weights)[0]
        pool = pools[lang]
        names = [_name(rng) for _ in range(4)]
        core = [_personalise(s, names, rng) for s in rng.sample(pool, min(3, len(pool)))]
        begin = start + timedelta(seconds=rng.uniform(0, days * 86400))
        size = min(1 + int(rng.expovariate(1 / 5)), 40)
        for k in range(size):
            extra = [_personalise(s, names, rng) for s in rng.sample(pool, min(rng.randint(1, 4), len(pool)))]
            body = core[: rng.randint(2, 3)] + extra
            rng.shuffle(body)
            published = begin + timedelta(seconds=rng.uniform(0, 2 * 86400))
            rows.append({
                "id": f"syn-{story}-{k}", "story": f"syn-{story}", "lang": lang,
                "title": f"{names[0]} {names[1]}: {core[0][:70]}",
                "text": "\n\n".join(body), "source": f"outlet{rng.randint(1, 60)}.example",
                "published": published.isoformat().replace("+00:00", "Z"),
            })
    rows = rows[:n]
    rows.sort(key=lambda r: r["published"])
    yield from rows


def write(n: int, path: Path | None = None, seed: int = 7) -> Path:
    path = path or DATA / f"stream-{n}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        with path.open("w", encoding="utf-8") as handle:
            for row in stream(n, seed=seed):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(write(args.n, seed=args.seed))
