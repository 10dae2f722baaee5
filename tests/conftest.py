"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import event_rows, write_jsonl


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_jsonl(tmp_path / "corpus.jsonl", event_rows())


@pytest.fixture(scope="session")
def dam_story(tmp_path_factory):
    """The multilingual dam story (English, its spam copy, Spanish, French) ingested with the USE encoder,
    as (engine, story id, its brief): briefs/build.py and briefs/render.py tests read it."""
    from storyline.briefs import build_brief
    from storyline.embed import get_encoder
    from storyline.engine import Engine

    db = tmp_path_factory.mktemp("briefs") / "dam.db"
    engine = Engine(db, encoder=get_encoder("use"))
    engine.ingest_paths([str(Path(__file__).parent / "fixtures" / "briefs" / "dam_story.jsonl")])
    story_id = engine.store.story_of("dam-en")
    first = build_brief(engine.store, story_id, encoder=engine.encoder)
    yield engine, story_id, first
    engine.close()
