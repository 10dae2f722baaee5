"""Measure briefs on the seed articles (reads /work/shared at run time; nothing of it enters the repo).

    python scripts/check_brief_seeds.py [--seeds DIR] [--format text|md|json|html] [--lang es]

Ingests the seeds/*.txt into a temporary database with the default encoder, prints the story's
brief, then checks the acceptance criteria of issue 4. The expected quotations and claims are
named by a hash of their words (sha1 of the lower-cased word sequence), so no seed text is copied
here; the printed brief shows them.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import tempfile
import time
from pathlib import Path

from storyline.briefs import build_brief, render
from storyline.briefs.quotes import article_quotes
from storyline.briefs.text import sentence_bounds
from storyline.engine import Engine
from storyline.sources.files import split_headline
from storyline.types import Brief, RawRecord

SEEDS = Path("/work/shared/data/seeds")
# Quote groups that must exist: each a set of variants (Spanish, English) that must share one group.
GROUPS = {
    "Americans should leave": {"72a5a7752a", "65275b39ab"},
    "came to Iraq with no legal basis": {"94d75de84c", "a188972af6"},
}
# Single-source claims that must be listed: Assad's no-nickname answer (es), "no Iranian troops" (aggregator).
CLAIMS = {"no nickname for Trump (es)": "878525f796", "no Iranian troops (aggregator)": "addf87d783"}
# What all three carry must not be a single-source claim.
NOT_CLAIMS = {"72a5a7752a", "65275b39ab", "54e59dcab3", "ec54e3c1ac"}
NOISE = re.compile(r"Click Here:|\bLEE:|\bMIRA:|READ MORE:|Leave a Reply|Your email address|Latest News|Credit:")


def key(text: str) -> str:
    """The hash the expectations above are written in."""
    words = re.findall(r"\w+", text.lower().replace("’", "'"))
    return hashlib.sha1(" ".join(words).encode()).hexdigest()[:10]


def keys_of(text: str) -> set[str]:
    """Keys of a text, of its sentences and of the sentences of its quotations."""
    out = {key(text)} | {key(text[s:e]) for s, e in sentence_bounds(text)}
    return out | {key(seg.text) for seg in article_quotes("x", text)}


def records(folder: Path) -> list[RawRecord]:
    out = []
    for path in sorted(folder.glob("*.txt")):
        title, body = split_headline(path.read_text(encoding="utf-8"))
        # File names read LANG-SOURCE-…: the source is the second part ("cnn", "telegraph", "aggregator").
        out.append(RawRecord(origin=str(path), id=path.stem, title=title, text=body, source=path.stem.split("-")[1]))
    return out


def check(brief: Brief) -> int:
    failures = 0
    for name, wanted in GROUPS.items():
        hit = next((g for g in brief.quote_groups
                    if wanted <= set().union(*(keys_of(v.text) for v in g.variants))), None)
        if hit is None:
            print(f"FAIL quote group {name!r} not found")
            failures += 1
        else:
            print(f"ok   quote group {name!r}: {', '.join(hit.sources)} ({', '.join(hit.languages)}), "
                  f"speaker {hit.speaker}")
    claim_keys = [keys_of(c.text) for c in brief.single_source_claims]
    for name, wanted in CLAIMS.items():
        found = any(wanted in ks for ks in claim_keys)
        print(f"{'ok  ' if found else 'FAIL'} single-source claim {name}")
        failures += not found
    wrong = [c.text for c, ks in zip(brief.single_source_claims, claim_keys, strict=False) if ks & NOT_CLAIMS]
    for text in wrong:
        print(f"FAIL carried by all sources, listed as single-source: {text[:80]}")
    failures += len(wrong)
    for fmt in ("text", "md", "json", "html"):
        noise = NOISE.findall(render(brief, fmt))
        if noise:
            print(f"FAIL noise in {fmt}: {noise}")
            failures += 1
    print(f"noise check: {'none' if not failures else 'see above'} in text/md/json/html")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default=str(SEEDS))
    parser.add_argument("--format", default="text", choices=["text", "md", "json", "html"])
    parser.add_argument("--lang", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Engine(Path(tmp) / "seeds.db") as engine:
        report = engine.ingest_records(records(Path(args.seeds)))
        print(report.summary(), file=sys.stderr)
        story_ids = {engine.store.story_of(r.id) for r in records(Path(args.seeds))}
        if len(story_ids) != 1:
            print(f"FAIL the seeds landed in {len(story_ids)} stories: {sorted(story_ids)}")
            return 1
        story_id = story_ids.pop()
        times = []
        for _ in range(2):
            start = time.perf_counter()
            brief = build_brief(engine.store, story_id, lang=args.lang, encoder=engine.encoder)
            times.append(time.perf_counter() - start)
    print(render(brief, args.format))
    print(f"brief: {times[0]:.2f} s cold (encodes sentences), {times[1]:.2f} s cached")
    failures = check(brief)
    print(f"seed brief acceptance: {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
