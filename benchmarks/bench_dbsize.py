"""Database bytes per article (issue #21): a headline stream and a full-text stream ingested into fresh
SQLite files, each file's size (after folding in its write-ahead log) over its articles, and the tables
that take the room (``Store.space_by_table``).

    python benchmarks/bench_dbsize.py [STREAM.jsonl ...]   # prints JSON; default: the synthetic stream

A headline stream is each row's title alone (feeds that carry no bodies); a full-text stream the rows as
they are. The vectors come from the content-word hashing encoder of ``bench_kit.py`` (512 dimensions, as USE):
the stored bytes depend on the dimension, not on the model.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from itertools import islice
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from storyline.engine import Engine  # noqa: E402
from storyline.settings import Settings  # noqa: E402
from storyline.sources import read_paths  # noqa: E402
from storyline.types import RawRecord, Rejection  # noqa: E402

# the targets of issue #21, bytes per article
TARGETS = {"headlines": 2560, "full_text": 5120}


def records(path: Path, n: int, headlines: bool) -> Iterator[RawRecord | Rejection]:
    """The first ``n`` records of a stream as its reader gives them: the title alone for a headline stream."""
    for record in islice(read_paths([str(path)]), n):
        yield replace(record, text="") if headlines and isinstance(record, RawRecord) else record


def measure(path: Path, n: int, headlines: bool) -> dict:
    """Ingest ``n`` rows of ``path`` into a fresh database: bytes per article, whole file and by table."""
    from bench_kit import WordHashEncoder  # the bench's fast stand-in encoder

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "size.db")
        settings = Settings(db=db, encoder="bench-words", clean_with_encoder=False)
        with Engine(db, settings=settings, encoder=WordHashEncoder()) as engine:
            report = engine.ingest_records(records(path, n, headlines))
            engine.store.checkpoint()
            articles = engine.store.count_articles()
            by_table = engine.store.space_by_table()
        size = Path(db).stat().st_size
    return {"stream": path.name, "kind": "headlines" if headlines else "full_text", "articles": articles,
            "stories": report.stories_created, "bytes": size, "bytes_per_article": round(size / max(articles, 1)),
            "tables_per_article": {name: round(b / max(articles, 1)) for name, b in list(by_table.items())[:6]}}


def compare(paths: list[Path], n: int = 4000) -> list[dict]:
    """Headline and full-text runs over each stream."""
    return [measure(path, n, headlines) for path in paths for headlines in (True, False)]


def report_lines(results: list[dict] | None) -> list[str]:
    """The RESULTS.md section."""
    if not results:
        return []
    lines = ["", "## Database size per article (#21)", "",
             "Fresh SQLite files, write-ahead log folded in; content-word hashing encoder (512 dimensions, as "
             "USE). Targets: headlines ≤ 2.5 KB, full text ≤ 5 KB per article.", "",
             "| stream | kind | articles | stories | bytes/article | biggest tables (bytes/article) |",
             "|---|---|---:|---:|---:|---|"]
    for r in results:
        biggest = ", ".join(f"{name} {b}" for name, b in list(r["tables_per_article"].items())[:3])
        lines.append(f"| {r['stream']} | {r['kind']} | {r['articles']} | {r['stories']} | "
                     f"**{r['bytes_per_article']}** | {biggest} |")
    return lines


def main(argv: list[str]) -> int:
    import synth

    paths = [Path(a) for a in argv] or [synth.write(8000)]
    results = compare(paths)
    print(json.dumps(results, indent=2))
    print("\n".join(report_lines(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
