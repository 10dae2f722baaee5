#!/usr/bin/env python3
"""Validate the demo corpus (examples/demo-corpus.jsonl) and its HTML pages, and print its make-up.

Checks required fields, unique ids and URLs, dates, body lengths, paragraph layout, the gold noise
lines, event sizes and language mix, and that each page in examples/html/ matches its gold record.
Exit status 0 when all is well, 1 when any problem is found (each is printed).

Usage: python scripts/check_demo_corpus.py [CORPUS.jsonl] [--html DIR]
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = ("id", "story", "lang", "title", "text", "source", "url", "published")
LANGS = {"en", "es", "fr", "de", "pt", "it", "sl"}
CORE_LANGS = {"en", "es", "fr", "de", "pt", "it"}
ID_RE = re.compile(r"^demo-\d{3}$")
STORY_RE = re.compile(r"^ev-[a-z0-9]+(-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https://[a-z0-9-]+(\.[a-z0-9-]+)*\.example/\S*$")
MIN_WORDS, MAX_WORDS = 120, 400
MIN_BODIES, MIN_EVENTS, MIN_MULTILINGUAL = 48, 10, 6
MIN_SIZE, MAX_SIZE = 2, 8

Record = dict[str, Any]


def load(path: Path) -> tuple[list[Record], list[str]]:
    """Read one JSON object per line; return the records and the problems met while parsing."""
    records: list[Record] = []
    problems: list[str] = []
    raw = path.read_bytes()
    try:
        lines = raw.decode("utf-8").split("\n")
    except UnicodeDecodeError as exc:
        return [], [f"{path}: not UTF-8 ({exc})"]
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: invalid JSON ({exc})")
            continue
        if not isinstance(obj, dict):
            problems.append(f"line {n}: not a JSON object")
            continue
        obj["_line"] = n
        records.append(obj)
    return records, problems


def parse_utc(value: str) -> datetime | None:
    """Parse an ISO 8601 timestamp that carries an explicit UTC offset; None if it does not."""
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    if dt.tzinfo is None or dt.utcoffset() != UTC.utcoffset(None):
        return None
    return dt


def words(text: str) -> int:
    """Whitespace-separated word count."""
    return len(text.split())


def check_record(rec: Record) -> list[str]:
    """Problems with one record on its own: fields, formats, body layout and gold noise lines."""
    where = f"line {rec.get('_line')} ({rec.get('id', '?')})"
    out: list[str] = []
    for key in REQUIRED:
        if not isinstance(rec.get(key), str):
            out.append(f"{where}: field {key!r} missing or not a string")
    if out:
        return out
    for key in REQUIRED:
        if key != "text" and not rec[key].strip():
            out.append(f"{where}: field {key!r} is empty")
    if not ID_RE.match(rec["id"]):
        out.append(f"{where}: id {rec['id']!r} is not like demo-001")
    if not STORY_RE.match(rec["story"]):
        out.append(f"{where}: story {rec['story']!r} is not like ev-port-strike")
    if rec["lang"] not in LANGS:
        out.append(f"{where}: lang {rec['lang']!r} not in {sorted(LANGS)}")
    if not URL_RE.match(rec["url"]):
        out.append(f"{where}: url {rec['url']!r} is not https://<outlet>.example/...")
    if parse_utc(rec["published"]) is None:
        out.append(f"{where}: published {rec['published']!r} is not ISO 8601 UTC")
    out += _check_body(where, rec["text"], rec.get("noise", []))
    return out


def _check_body(where: str, text: str, noise: Any) -> list[str]:
    out: list[str] = []
    if not isinstance(noise, list) or not all(isinstance(x, str) for x in noise):
        return [f"{where}: noise must be a list of strings"]
    if text == "":
        return [f"{where}: headline-only record lists noise lines"] if noise else []
    n = words(text)
    if not MIN_WORDS <= n <= MAX_WORDS:
        out.append(f"{where}: body has {n} words, want {MIN_WORDS}-{MAX_WORDS}")
    paras = text.split("\n\n")
    for i, p in enumerate(paras):
        if not p or p != p.strip() or "\n" in p:
            out.append(f"{where}: paragraph {i + 1} is empty, padded or holds a single newline")
    missing = [x for x in noise if x not in paras]
    if missing:
        out.append(f"{where}: noise lines not found as paragraphs: {missing}")
    clean = [p for p in paras if p not in noise]
    if words(" ".join(clean)) < MIN_WORDS * 0.9:
        out.append(f"{where}: only {words(' '.join(clean))} words left once noise is removed")
    return out


def check_corpus(records: list[Record]) -> list[str]:
    """Problems across records: duplicates and the corpus make-up the demo promises."""
    out: list[str] = []
    for key in ("id", "url"):
        seen = Counter(r.get(key) for r in records)
        out += [f"duplicate {key}: {v!r} ({c} times)" for v, c in seen.items() if c > 1]
    bodies = [r for r in records if r.get("text")]
    if len(bodies) < MIN_BODIES:
        out.append(f"only {len(bodies)} articles with a body, want >= {MIN_BODIES}")
    if len(bodies) == len(records):
        out.append("no headline-only records")
    events = _events(records)
    if len(events) < MIN_EVENTS:
        out.append(f"only {len(events)} events, want >= {MIN_EVENTS}")
    for story, recs in events.items():
        if not MIN_SIZE <= len(recs) <= MAX_SIZE:
            out.append(f"event {story} has {len(recs)} articles, want {MIN_SIZE}-{MAX_SIZE}")
    multi = [s for s, recs in events.items() if len({r.get("lang") for r in recs}) > 1]
    if len(multi) < MIN_MULTILINGUAL:
        out.append(f"only {len(multi)} multilingual events, want >= {MIN_MULTILINGUAL}")
    langs = {r.get("lang") for r in records}
    if not langs >= CORE_LANGS:
        out.append(f"languages missing: {sorted(CORE_LANGS - langs)}")
    sl_events = {r["story"] for r in records if r.get("lang") == "sl"}
    if sl_events and not sl_events & set(multi):
        out.append("Slovenian articles are not part of any multilingual event")
    return out


def _events(records: list[Record]) -> dict[str, list[Record]]:
    events: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        events[str(r.get("story"))].append(r)
    return dict(events)


def page_text(markup: str) -> str:
    """Visible text of an HTML page, whitespace collapsed (enough to find paragraphs in it)."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _meta(markup: str, attr: str, name: str) -> str | None:
    m = re.search(rf'<meta\s+{attr}="{re.escape(name)}"\s+content="([^"]*)"', markup)
    return html.unescape(m.group(1)) if m else None


def check_html(folder: Path, records: list[Record]) -> list[str]:
    """Each page in gold.jsonl exists, has the chrome we promise, and carries its record's title, time and body."""
    gold_path = folder / "gold.jsonl"
    if not gold_path.exists():
        return [f"{gold_path} missing"]
    by_id = {r.get("id"): r for r in records}
    out: list[str] = []
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pages = {p.name for p in folder.glob("*.html")}
    listed = {g.get("file") for g in gold}
    out += [f"{folder / p}: page not listed in gold.jsonl" for p in sorted(pages - listed)]
    for g in gold:
        out += _check_page(folder, g, by_id)
    if len({g.get("lang") for g in gold}) < 2:
        out.append("HTML pages cover fewer than two languages")
    return out


def _check_page(folder: Path, g: Record, by_id: dict[Any, Record]) -> list[str]:
    where = f"html/{g.get('file')}"
    path = folder / str(g.get("file"))
    if not path.exists():
        return [f"{where}: file missing"]
    rec = by_id.get(g.get("id"))
    if rec is None:
        return [f"{where}: gold id {g.get('id')!r} not in the corpus"]
    out: list[str] = []
    if g.get("story") != rec.get("story"):
        out.append(f"{where}: gold story {g.get('story')!r} differs from {rec.get('id')}'s {rec.get('story')!r}")
    markup = path.read_text(encoding="utf-8")
    if _meta(markup, "property", "og:title") != rec["title"]:
        out.append(f"{where}: og:title differs from the record's title")
    if _meta(markup, "name", "article:published_time") != rec["published"]:
        out.append(f"{where}: article:published_time differs from the record's published")
    if f'<time datetime="{rec["published"]}"' not in markup:
        out.append(f"{where}: no <time datetime> with the record's published time")
    for marker in ("<nav", "cookie", "share", "<form", "<footer", 'class="related"'):
        if marker not in markup:
            out.append(f"{where}: page chrome {marker!r} missing")
    text = page_text(markup)
    for p in rec["text"].split("\n\n"):
        if " ".join(p.split()) not in text:
            out.append(f"{where}: paragraph not on the page: {p[:60]!r}")
    return out


def summary(records: list[Record]) -> str:
    """A table of events (size, languages, span) and counts per language."""
    lines = [f"{'event':28} {'n':>2}  {'languages':32} first .. last"]
    for story, recs in sorted(_events(records).items()):
        langs = Counter(str(r.get("lang")) for r in recs)
        times = sorted(str(r.get("published", ""))[:10] for r in recs)
        lang_s = " ".join(f"{k}:{v}" for k, v in sorted(langs.items()))
        lines.append(f"{story:28} {len(recs):>2}  {lang_s:32} {times[0]} .. {times[-1]}")
    per_lang = Counter(str(r.get("lang")) for r in records)
    bodies = [r for r in records if r.get("text")]
    noisy = [r for r in bodies if r.get("noise")]
    wc = sorted(words(r["text"]) for r in bodies) or [0]
    multi = sum(1 for recs in _events(records).values() if len({r.get("lang") for r in recs}) > 1)
    lines += [
        "",
        "per language: " + ", ".join(f"{k}={v}" for k, v in sorted(per_lang.items())),
        f"records={len(records)} with_body={len(bodies)} headline_only={len(records) - len(bodies)} "
        f"events={len(_events(records))} multilingual_events={multi}",
        f"body words min={wc[0]} median={wc[len(wc) // 2]} max={wc[-1]}; "
        f"bodies with noise lines={len(noisy)} ({len(noisy) / max(len(bodies), 1):.0%}), "
        f"noise lines={sum(len(r['noise']) for r in noisy)}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run every check, print the summary and the problems; 0 if none."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=ROOT / "examples" / "demo-corpus.jsonl")
    ap.add_argument("--html", type=Path, default=ROOT / "examples" / "html", help="folder of pages with gold.jsonl")
    args = ap.parse_args(argv)
    records, problems = load(args.corpus)
    for rec in records:
        problems += check_record(rec)
    problems += check_corpus(records)
    if args.html and args.html.exists():
        problems += check_html(args.html, records)
    print(summary(records))
    if problems:
        print(f"\n{len(problems)} problem(s):")
        print("\n".join(f"  - {p}" for p in problems))
        return 1
    print("\nOK: no problems found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
