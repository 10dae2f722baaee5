"""Lone UTF-16 surrogates ("\\ud800" is valid JSON, but no UTF-8 text can hold it): repaired, counted,
never a crash, in the CLI, the Python API and the web API."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import httpx

from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.settings import Settings
from storyline.types import RawRecord
from web_corpus import Server

ENV = dict(os.environ, STORYLINE_ENCODER="hashing")
GOOD = {"title": "Dock workers end the harbour strike", "text": "The strike at the port of Valmare ended on Monday."}
# as a JavaScript dump writes them: an emoji cut in two by a length limit, and stray halves elsewhere
LINES = [
    '{"id": "cut", "title": "Ferry service resumes after the storm \\ud83d", '
    '"text": "Boats sail again from the pier."}',
    '{"id": "body", "title": "Bridge reopens to traffic", "text": "Cars cross \\udc80 the river again today."}',
    '{"title": "Stray half in an unknown field of the market report", "note": {"k": ["\\ud800"]}}',
    json.dumps({"id": "good", **GOOD}),
]


def test_cli_ingest_repairs_lone_surrogates_and_keeps_the_batch(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    db = tmp_path / "x.db"
    result = subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", str(path), "--db", str(db)],
                            capture_output=True, text=True, env=ENV, timeout=300)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "ingested 4" in result.stdout and "rejected 0" in result.stdout
    assert "3 inputs held lone UTF-16 surrogates" in result.stdout
    conn = sqlite3.connect(db)
    rows = dict(conn.execute("SELECT id, title || ' ' || text || ' ' || extra FROM articles").fetchall())
    assert rows["cut"].startswith("Ferry service resumes after the storm \ufffd")
    assert "cross \ufffd the river" in rows["body"]
    assert sum('"note": {"k": ["\ufffd"]}' in v for v in rows.values()) == 1
    again = subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", str(path), "--db", str(db)],
                           capture_output=True, text=True, env=ENV, timeout=300)
    assert "ingested 0; already stored 4" in again.stdout  # the repaired text has a stable id and hash


def test_engine_records_with_surrogates_in_any_field(tmp_path):
    records = [RawRecord(origin="m:1", id="x\ud800", title="Storm closes \udfff the coast road", text="Rain all night.",
                         source="Paper \ud83d", extra={"\ud800": 1}),
               RawRecord(origin="m:2", id="ok", **GOOD)]
    with Engine(tmp_path / "e.db", encoder=HashingEncoder(), settings=Settings(db=str(tmp_path / "e.db"))) as engine:
        report = engine.ingest_records(records)
        assert report.ingested == 2 and report.repaired_surrogates == 1
        article = engine.store.get_article("x\ufffd")
    assert article.source == "Paper \ufffd" and article.extra == {"\ufffd": 1}


def test_web_post_with_lone_surrogates_is_answered_not_a_500(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYLINE_MAX_BYTES", "4000")  # items over 1,000 characters have their bytes counted
    server = Server(tmp_path / "w.db", "hashing", tmp_path / "server.log")
    try:
        long_text = "The council met again to discuss the harbour. " * 40 + "\ud83d"
        body = [json.loads(line) for line in LINES] + [{"id": "long", "title": "Council meets", "text": long_text}]
        answer = httpx.post(f"{server.base}/api/articles", content=json.dumps(body),
                            headers={"content-type": "application/json"}, timeout=120)
        assert answer.status_code == 200, answer.text
        result = answer.json()
        assert result["ingested"] == 5 and result["rejected"] == []
        assert httpx.get(f"{server.base}/api/articles/cut", timeout=60).json()["title"].endswith("\ufffd")
    finally:
        server.stop()
