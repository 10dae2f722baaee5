"""The calibration's prepared databases: today's code's when there is one, else the nearest code's, said aloud."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from builders import script_module

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def cache(tmp_path):
    module = script_module("prepared_cache")
    module.CACHE = tmp_path / "cache"
    module.CACHE.mkdir()
    return module


def _cached(cache, path: Path, key: str, age: int, sources: dict[str, str] | None, file_sha: str | None = None):
    """A stand-in prepared database ``age`` seconds old, with its code record (None: unrecorded)."""
    db = cache.CACHE / f"use-{path.stem}-{key}.db"
    db.write_bytes(b"")
    if sources is not None:
        record = {"file_sha256": file_sha or cache._file_digest(path), "sources": sources}
        cache.code_file(db).write_text(json.dumps(record), encoding="utf-8")
    stamp = 2_000_000_000 - age
    os.utime(db, (stamp, stamp))
    return db


def _changed(sources: dict[str, str], *names: str) -> dict[str, str]:
    return {name: ("0" * 64 if name in names else digest) for name, digest in sources.items()}


def test_the_nearest_code_is_replayed_and_the_files_that_differ_are_named(cache, tmp_path, capsys):
    labelled = tmp_path / "set.jsonl"
    labelled.write_text('{"title": "t"}\n', encoding="utf-8")
    today = cache.module_digests()
    near = _cached(cache, labelled, "near", 300, _changed(today, "storyline.writer"))
    _cached(cache, labelled, "far", 100, _changed(today, "storyline.writer", "storyline.dedup", "storyline.extract"))
    _cached(cache, labelled, "unrecorded", 10, None)
    _cached(cache, labelled, "otherfile", 5, today, file_sha="f" * 64)  # today's code on another version of the set
    assert cache.closest_prepared_db(labelled) == near
    said = capsys.readouterr().err
    assert "storyline.writer" in said and "storyline.dedup" not in said


def test_unrecorded_preparations_serve_only_when_nothing_recorded_does(cache, tmp_path, capsys):
    labelled = tmp_path / "set.jsonl"
    labelled.write_text('{"title": "t"}\n', encoding="utf-8")
    _cached(cache, labelled, "old", 300, None)
    newest = _cached(cache, labelled, "new", 10, None)
    assert cache.closest_prepared_db(labelled) == newest
    assert "not recorded" in capsys.readouterr().err


def test_a_preparation_of_another_version_of_the_file_is_never_replayed(cache, tmp_path, monkeypatch):
    labelled = tmp_path / "set.jsonl"
    labelled.write_text('{"title": "t"}\n', encoding="utf-8")
    _cached(cache, labelled, "otherfile", 5, cache.module_digests(), file_sha="f" * 64)
    prepared = []
    monkeypatch.setattr(cache, "_prepare", lambda path, encoder, db: prepared.append(db) or db.write_bytes(b""))
    db = cache.closest_prepared_db(labelled)
    assert prepared == [db] and db.name == cache.cached_name(labelled, "use")
    record = json.loads(cache.code_file(db).read_text(encoding="utf-8"))
    assert record == {"file_sha256": cache._file_digest(labelled), "sources": cache.module_digests()}


def test_todays_preparation_wins_and_gets_its_code_recorded(cache, tmp_path, monkeypatch):
    labelled = tmp_path / "set.jsonl"
    labelled.write_text('{"title": "t"}\n', encoding="utf-8")
    _cached(cache, labelled, "near", 1, _changed(cache.module_digests(), "storyline.writer"))
    today = cache.CACHE / cache.cached_name(labelled, "use")
    today.write_bytes(b"")  # prepared before the record existed
    os.utime(today, (1_000_000_000, 1_000_000_000))
    monkeypatch.setattr(cache, "_prepare", lambda *args: pytest.fail("today's preparation exists"))
    assert cache.closest_prepared_db(labelled) == today
    assert json.loads(cache.code_file(today).read_text(encoding="utf-8"))["sources"] == cache.module_digests()
