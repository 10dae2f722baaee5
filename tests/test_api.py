"""The function-first package API as the README shows it: ingest, stories, story, brief."""

from __future__ import annotations

import importlib
import json

import pytest

import storyline
from storyline.errors import NotFoundError


def _jsonl(tmp_path):
    path = tmp_path / "news.jsonl"
    rows = [{"id": "a", "title": "Ferry strike ends at the port of Valmare after two days of talks"},
            {"id": "b", "title": "Heavy snow closes the mountain pass above Castrel for a second day"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_stories_stays_a_function_after_the_engine_and_clusterer_are_imported(tmp_path):
    db = str(tmp_path / "news.db")
    report = storyline.ingest(str(_jsonl(tmp_path)), db=db, encoder="hashing")  # one path, not a list
    assert report.ingested == 2
    importlib.import_module("storyline.clustering")  # a submodule import must not shadow the function

    assert storyline.Engine is not None
    listed = storyline.stories(db=db)
    assert len(listed) == 2 and storyline.story(listed[0].id, db=db).id == listed[0].id


def test_reads_from_a_mistyped_database_path_fail_without_creating_it(tmp_path):
    missing = tmp_path / "typo.db"
    for call in (lambda: storyline.stories(db=str(missing)), lambda: storyline.story("s1", db=str(missing)),
                 lambda: storyline.brief("s1", db=str(missing))):
        with pytest.raises(NotFoundError) as err:
            call()
        assert "does not exist" in err.value.message and err.value.hint
    assert not missing.exists()
