"""Rejections at scale: counted in full, kept as objects only as a bounded sample, stored once per
input and reason however often the input is re-run."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tracemalloc

from builders import database_at_version
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.ingest_report import REJECTION_SAMPLE
from storyline.settings import Settings
from storyline.storage import open_store

ENV = dict(os.environ, STORYLINE_ENCODER="hashing")


def _bad_file(path, count: int, good: int = 0):
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            out.write(f'{{"title": broken {n}\n')
        for n in range(good):
            out.write(f'{{"title": "Ferry line {n} resumes its service after the storm"}}\n')
    return path


def test_a_report_keeps_counts_and_a_bounded_sample_not_every_rejection(tmp_path):
    path = _bad_file(tmp_path / "bad.jsonl", 40_000, good=3)
    db = tmp_path / "x.db"
    with Engine(db, encoder=HashingEncoder(), settings=Settings(db=str(db))) as engine:
        warm = tmp_path / "warm.jsonl"
        warm.write_text('{"title": broken\n{"title": "A warm-up headline about the river ferry"}\n')
        engine.ingest_paths([str(warm)])  # modules and models loaded before measuring
        tracemalloc.start()
        try:
            report = engine.ingest_paths([str(path)])
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert report.rejected == {"malformed_json": 40_000} and report.ingested == 3 and report.already_stored == 0
    assert len(report.rejections) == REJECTION_SAMPLE and report.rejections[0].origin == f"{path}:1"
    # a Rejection object costs ~300 bytes: keeping all 40,000 would take 12 MB on its own
    assert peak < 6_000_000, f"peak {peak / 1e6:.1f} MB of Python objects for 40,000 bad lines"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM rejections").fetchone()[0] == 40_000 + 1


def test_a_rerun_stores_its_rejections_once_and_counts_the_runs(tmp_path):
    path = _bad_file(tmp_path / "bad.jsonl", 300, good=2)
    db = tmp_path / "x.db"
    for _ in range(2):
        result = subprocess.run([sys.executable, "-m", "storyline.cli", "ingest", str(path), "--db", str(db)],
                                capture_output=True, text=True, env=ENV, timeout=300)
        assert result.returncode == 0, result.stderr
        assert "rejected 300" in result.stdout and "… and 295 more" in result.stderr
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT COUNT(*), MIN(times), MAX(times) FROM rejections").fetchone()
    assert rows == (300, 2, 2)


def test_repeats_stored_by_older_versions_are_folded_on_upgrade(tmp_path):
    path = tmp_path / "old.db"
    conn = database_at_version(path, 3)
    rows = [("a.jsonl:1", "malformed_json", "old", "2026-01-01T00:00:00Z"),
            ("a.jsonl:2", "empty", "no text", "2026-01-01T00:00:00Z"),
            ("a.jsonl:1", "malformed_json", "new", "2026-01-02T00:00:00Z")]
    conn.executemany("INSERT INTO rejections(origin, reason, detail, at) VALUES(?,?,?,?)", rows)
    conn.commit()
    conn.close()
    store = open_store(path)
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT origin, reason, detail, at, times FROM rejections ORDER BY id").fetchall()
    assert found == [("a.jsonl:1", "malformed_json", "new", "2026-01-02T00:00:00Z", 2),
                     ("a.jsonl:2", "empty", "no text", "2026-01-01T00:00:00Z", 1)]
    assert store.rejection_counts() == {"malformed_json": 1, "empty": 1}
