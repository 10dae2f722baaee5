"""Storylines through the engine, the real bundled encoder and the shipped parameters, on invented news
(tests/fixtures/storylines/): an affair told as three events over three weeks (a raid, the charges, the
resignation) is three stories and one storyline; a flood and a marathon in one city two days apart,
sharing only the city's name, are two storylines. Story assignment is untouched by the layer above it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import storyline
from storyline.engine import Engine
from storyline.settings import Settings
from storyline.storage import open_store

FIXTURES = Path(__file__).parent / "fixtures" / "storylines"


def _placed(path: Path, db: Path) -> tuple[dict[str, str], dict[str, str | None]]:
    """(article -> story, story -> storyline) after ingesting ``path`` into ``db``."""
    report = storyline.ingest([str(path)], db=str(db))
    assert report.ingested == sum(1 for _ in path.open()) and not report.rejections
    store = open_store(db)
    try:
        story_of = dict(store.article_story_pairs())
        return story_of, {s: store.storyline_of(s) for s in set(story_of.values())}
    finally:
        store.close()


def _gold(path: Path, field: str) -> dict[str, str]:
    return {row["id"]: row[field] for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_three_events_of_one_affair_over_three_weeks_are_one_storyline_of_three_stories(tmp_path):
    path = FIXTURES / "affair.jsonl"
    story_of, line_of = _placed(path, tmp_path / "affair.db")
    gold = _gold(path, "story")
    assert len(set(story_of.values())) == 3
    assert all(len({gold[a] for a, s in story_of.items() if s == story}) == 1 for story in set(story_of.values()))
    assert len(set(line_of.values())) == 1 and None not in line_of.values()


def test_two_unrelated_events_sharing_only_a_city_are_two_storylines(tmp_path):
    story_of, line_of = _placed(FIXTURES / "same_city.jsonl", tmp_path / "city.db")
    assert len(set(story_of.values())) == 2
    assert len(set(line_of.values())) == 2 and None not in line_of.values()


def test_a_restarted_engine_goes_on_with_the_stored_storylines(tmp_path):
    """The raid first, the charges and the resignation in a second process: the same single storyline."""
    rows = (FIXTURES / "affair.jsonl").read_text(encoding="utf-8").splitlines()
    first, rest = tmp_path / "first.jsonl", tmp_path / "rest.jsonl"
    first.write_text("\n".join(rows[:2]) + "\n", encoding="utf-8")
    rest.write_text("\n".join(rows[2:]) + "\n", encoding="utf-8")
    db = tmp_path / "restart.db"
    storyline.ingest([str(first)], db=str(db))
    with Engine(db, settings=Settings(db=str(db))) as engine:
        assert engine.storylines.storyline_of("s1") == "L1"  # restored from the store
        engine.ingest_paths([str(rest)])
        lines = engine.store.list_storylines()
    assert [(line.id, line.stories, line.articles) for line in lines] == [("L1", 3, 6)]


@pytest.mark.parametrize("name", ["affair", "same_city"])
def test_storylines_leave_story_assignment_as_it_was(tmp_path, name):
    from storyline.storylines import StorylineLinker, StorylineUpdate

    class _Idle(StorylineLinker):
        def link(self, items, assignments, merges) -> StorylineUpdate:
            return StorylineUpdate()

    path = FIXTURES / f"{name}.jsonl"
    with_lines, _ = _placed(path, tmp_path / "with.db")
    db = tmp_path / "without.db"
    with Engine(db, settings=Settings(db=str(db))) as engine:
        engine.storylines = _Idle()
        engine.ingest_paths([str(path)])
        without = dict(engine.store.article_story_pairs())
        assert engine.store.list_storylines() == []
    assert with_lines == without
