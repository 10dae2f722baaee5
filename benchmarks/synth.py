"""Synthesise a long, real-looking article stream from the project's own demo corpus.

Each synthetic story takes a few core sentences from one language's sentence pool and makes them
its own: invented names and numbers, and a story vocabulary (a share of the longer words swapped,
the same way in every article of the story), so that stories drawn from one small pool still read
as different events. Its articles reuse that core plus other sentences, spread over up to two
days; story starts arrive at random over several weeks. Story sizes are heavy-tailed (most
stories have one or two articles, a few have dozens), as in real news.

Rows are generated in publication order with bounded memory (a heap holds the articles of the
stories still being written), so a stream of a million rows costs little RAM. Nothing here is
committed as data: the stream is written to benchmarks/data/ (git-ignored) by

    python benchmarks/synth.py --n 100000
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "demo-corpus.jsonl"
DATA = ROOT / "benchmarks" / "data"
_SENTENCE = re.compile(r"(?<=[.!?»”\"])\s+(?=[A-ZÀ-Ý«“\"])")
_SYLLABLES = ["ka", "lo", "mi", "ra", "te", "su", "va", "no", "ri", "de", "la", "be", "zo", "fa", "gu", "ni", "sha",
              "tor", "vel", "mar", "dan", "ko", "ple"]
VERSION = 2  # bump when the generator changes: cached streams are keyed by it
MAX_STORY = 60
SIZE_ALPHA = 2.0  # Pareto shape of story sizes
MEAN_SIZE = 1.65
SPREAD_DAYS = 2.0
# Share of the longer words (5+ letters) a story swaps for its own vocabulary.
VOCABULARY_SHARE = 0.5


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


class _Story:
    """One synthetic event: its language, names, vocabulary and core sentences."""

    def __init__(self, number: int, lang: str, pool: list[str], rng: random.Random) -> None:
        self.id = f"syn-{number}"
        self.pool = pool
        self.names = [_name(rng) for _ in range(4)]
        self.vocabulary: dict[str, str] = {}
        self.core = [self.personalise(s, rng) for s in rng.sample(pool, min(3, len(pool)))]
        self.lang = lang

    def personalise(self, sentence: str, rng: random.Random) -> str:
        """Swap capitalised words (after the first) and numbers for the story's own, and a share
        of the longer words for the story's vocabulary (always the same swap within a story)."""
        words = sentence.split()
        for i in range(len(words)):
            word = words[i]
            if i and word[:1].isupper() and rng.random() < 0.6:
                words[i] = self.names[i % len(self.names)]
            elif word.isdigit():
                words[i] = str(rng.randint(2, 900))
            elif len(word) >= 5 and word.isalpha() and word.islower():
                if word not in self.vocabulary:
                    swap = rng.random() < VOCABULARY_SHARE
                    self.vocabulary[word] = _name(rng).lower() + word[-2:] if swap else word
                words[i] = self.vocabulary[word]
        return " ".join(words)

    def article(self, k: int, published: datetime, rng: random.Random) -> dict:
        extra = [self.personalise(s, rng) for s in rng.sample(self.pool, min(rng.randint(1, 4), len(self.pool)))]
        body = self.core[: rng.randint(2, 3)] + extra
        rng.shuffle(body)
        return {
            "id": f"{self.id}-{k}", "story": self.id, "lang": self.lang,
            "title": f"{self.names[0]} {self.names[1]}: {self.core[0][:70]}",
            "text": "\n\n".join(body), "source": f"outlet{rng.randint(1, 60)}.example",
            "published": published.isoformat().replace("+00:00", "Z"),
        }


def story_size(rng: random.Random) -> int:
    """Heavy-tailed: 3 in 4 stories are one article, the mean is about 1.65, a few reach dozens."""
    return min(int(rng.paretovariate(SIZE_ALPHA)), MAX_STORY)


def stream(n: int, *, seed: int = 7, days: float = 42.0, start: datetime | None = None) -> Iterator[dict]:
    """Yield ``n`` synthetic JSONL rows in publication order, with gold ``story`` labels."""
    rng = random.Random(seed)
    pools = sentence_pools()
    langs = sorted(pools, key=lambda lang: -len(pools[lang]))
    weights = [len(pools[lang]) for lang in langs]
    start = start or datetime(2026, 1, 5, tzinfo=UTC)
    mean_gap = days * 86400 / max(1.0, n / MEAN_SIZE)  # seconds between story starts
    pending: list[tuple[datetime, int, dict]] = []
    clock = start
    emitted = story = tie = 0
    while emitted < n:
        story += 1
        clock += timedelta(seconds=rng.expovariate(1 / mean_gap))
        while pending and pending[0][0] <= clock and emitted < n:
            yield heapq.heappop(pending)[2]
            emitted += 1
        lang = rng.choices(langs, weights)[0]
        event = _Story(story, lang, pools[lang], rng)
        for k in range(story_size(rng)):
            published = clock + timedelta(seconds=rng.uniform(0, SPREAD_DAYS * 86400))
            tie += 1
            heapq.heappush(pending, (published, tie, event.article(k, published, rng)))
    # every story start is past the last emitted row, so the loop ends with n rows out


def write(n: int, path: Path | None = None, seed: int = 7, days: float = 42.0) -> Path:
    """Write the stream once (cached by size and seed) and return its path.

    Processes may write the same stream at once (two benchmarks started together): each writes a file
    of its own name and renames it into place, which is atomic, so the stream is never read half-written
    and a rival's rename never fails; the content is the same whoever renames last.
    """
    path = path or DATA / f"stream-v{VERSION}-{n}-s{seed}-d{days:g}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        partial = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:12]}.partial")
        try:
            with partial.open("x", encoding="utf-8") as handle:
                for row in stream(n, seed=seed, days=days):
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)  # gone once renamed; left only by a failed write
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=float, default=42.0)
    args = parser.parse_args()
    print(write(args.n, seed=args.seed, days=args.days))
