"""Golden brief outputs: what `brief` prints in every format, and what the web API and story page show.

The demo corpus and the dam-story fixture are briefed with the bundled USE encoder; the files under
``fixtures/briefs/golden/`` hold the outputs as they were before the brief became typed (issue 17),
so a refactor of the brief must reproduce them byte for byte (the web API's brief is the JSON one).
Regenerate them only when a change of output is meant (and say so in the commit):
``.venv/bin/python tests/brief_golden.py``.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from storyline.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "fixtures" / "briefs" / "golden"
CORPORA = {"demo": ROOT / "examples" / "demo-corpus.jsonl",
           "dam": Path(__file__).parent / "fixtures" / "briefs" / "dam_story.jsonl"}
FORMATS = {"text": "txt", "md": "md", "json": "json", "html": "html"}
# Preferred languages briefed besides none, per corpus (the headline, summary and quote shown change).
LANGS = {"demo": ("es",), "dam": ("fr",)}
_BRIEF_SECTION = re.compile(r'(<section class="summary">.*?)\s*<section class="articles">', re.S)


def ingest(corpus: str, folder: Path, encoder) -> Path:
    """The corpus ingested into a new database in ``folder``; its path."""
    db = folder / f"{corpus}.db"
    with Engine(db, encoder=encoder) as engine:
        engine.ingest_paths([str(CORPORA[corpus])])
    return db


def story_ids(db: Path) -> list[str]:
    """The stories with articles, in id order (s1, s2, … s10)."""
    from storyline.storage import open_store

    store = open_store(db)
    try:
        ids = {story_id for _, story_id in store.article_story_pairs()}
    finally:
        store.close()
    return sorted(ids, key=lambda s: (len(s), s))


def cli_outputs(corpus: str, db: Path, encoder) -> Iterator[tuple[str, str]]:
    """(file name, text) of every story's brief in every format, with no preferred language and with each of LANGS."""
    from storyline.briefs import build_brief, render
    from storyline.storage import open_store

    store = open_store(db)
    try:
        for story_id in story_ids(db):
            for lang in (None, *LANGS[corpus]):
                brief = build_brief(store, story_id, lang=lang, encoder=encoder)
                for fmt, ext in FORMATS.items():
                    if lang is None or fmt == "json":
                        yield f"{corpus}-{story_id}{'-' + lang if lang else ''}.{ext}", render(brief, fmt)
    finally:
        store.close()


def page_section(html: str) -> str:
    """The brief's part of a story page (summary to timeline), without the page around it."""
    found = _BRIEF_SECTION.search(html)
    return (found.group(1) if found else "(no brief section)") + "\n"


def shown_lines(html: str) -> list[str]:
    """The lines of a page section that show something: a template's blank lines are not compared."""
    return [line for line in html.splitlines() if line.strip()]


def write_all() -> None:
    """Regenerate every golden file (CLI formats and web story pages) from the code as it is now."""
    import httpx

    sys.path.insert(0, str(Path(__file__).parent))
    from storyline.embed import get_encoder
    from storyline.web import create_app
    from web_corpus import AppServer

    encoder = get_encoder("use")
    GOLDEN.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for corpus in CORPORA:
            db = ingest(corpus, Path(tmp), encoder)
            for name, text in cli_outputs(corpus, db, encoder):
                (GOLDEN / name).write_text(text, encoding="utf-8")
            server = AppServer(create_app(db, encoder))
            try:
                for story_id in story_ids(db):  # the brief built in the background, then the page that shows it
                    httpx.get(f"{server.base}/api/stories/{story_id}", params={"wait": 120}, timeout=150)
                    page = httpx.get(f"{server.base}/stories/{story_id}", timeout=120).text
                    (GOLDEN / f"{corpus}-{story_id}.page.html").write_text(page_section(page), encoding="utf-8")
            finally:
                server.stop()


if __name__ == "__main__":
    write_all()
