"""Briefs of the demo corpus and the dam fixture (USE encoder) are exactly the golden files: every CLI
format, the web API's brief and the story page's brief section, blank lines aside (see brief_golden.py)."""

from __future__ import annotations

import json

import httpx
import pytest

from brief_golden import CORPORA, GOLDEN, cli_outputs, ingest, page_section, shown_lines, story_ids


@pytest.fixture(scope="module")
def encoder():
    from storyline.embed import get_encoder

    return get_encoder("use")


@pytest.fixture(scope="module", params=sorted(CORPORA))
def corpus_db(request, encoder, tmp_path_factory):
    return request.param, ingest(request.param, tmp_path_factory.mktemp("golden"), encoder)


def test_every_format_is_the_golden_output(corpus_db, encoder):
    corpus, db = corpus_db
    seen = 0
    for name, text in cli_outputs(corpus, db, encoder):
        assert text == (GOLDEN / name).read_text(encoding="utf-8"), name
        seen += 1
    assert seen == len([p for p in GOLDEN.glob(f"{corpus}-*") if not p.name.endswith(".page.html")])


def test_web_api_and_story_page_show_the_golden_brief(corpus_db, encoder):
    from storyline.web import create_app
    from web_corpus import AppServer

    corpus, db = corpus_db
    server = AppServer(create_app(db, encoder))
    try:
        for story_id in story_ids(db):
            detail = httpx.get(f"{server.base}/api/stories/{story_id}", params={"wait": 120}, timeout=150).json()
            assert detail["brief"] == json.loads((GOLDEN / f"{corpus}-{story_id}.json").read_text("utf-8")), story_id
            page = httpx.get(f"{server.base}/stories/{story_id}", timeout=120).text
            golden = (GOLDEN / f"{corpus}-{story_id}.page.html").read_text("utf-8")
            assert shown_lines(page_section(page)) == shown_lines(golden), story_id
    finally:
        server.stop()
