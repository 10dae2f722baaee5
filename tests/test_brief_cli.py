"""`storyline brief STORY`: formats, preferred language, errors with hints (hashing encoder: no model)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.commands.brief import brief_command
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.types import RawRecord

if "brief" not in main.commands:  # until cli.py registers it
    main.add_command(brief_command)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "b.db"
    with Engine(path, encoder=HashingEncoder()) as engine:
        engine.ingest_records([
            RawRecord(origin="t:1", id="p-en", source="portnews.example", lang="en",
                      published="2026-04-01T08:00:00Z", title="Port strike halts all ferries to Isla Verde",
                      text='Dock workers at the port of Valmare stopped all ferries to Isla Verde on Tuesday. '
                           '"We want fair pay and safe shifts," said union leader Eva Lind. '
                           "Some 2,000 travellers were stranded overnight <b>in the terminal</b>."),
            RawRecord(origin="t:2", id="p-en2", source="islandtimes.example", lang="en",
                      published="2026-04-01T10:00:00Z", title="Ferries to Isla Verde halted by port strike",
                      text="All ferries from the port of Valmare to Isla Verde were halted on Tuesday by a strike "
                           'of dock workers. "We want fair pay and safe shifts," union leader Eva Lind said. '
                           "The island's mayor asked the government to send a navy ship with supplies."),
        ])
    return str(path)


def _run(*args):
    return CliRunner().invoke(main, ["brief", *args])


def test_text_brief(db):
    result = _run("s1", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Summary" in result.output and "Timeline" in result.output and "portnews.example" in result.output


def test_json_is_the_documented_schema(db):
    for args in (["--format", "json"], ["--json"]):
        result = _run("s1", "--db", db, *args)
        data = json.loads(result.output)
        assert {"headline", "summary", "entities", "quote_groups", "single_source_claims", "timeline",
                "sources"} <= set(data)
        assert data["sources"] == {"en": ["islandtimes.example", "portnews.example"]}


def test_html_escapes_and_writes_a_file(db, tmp_path):
    out = tmp_path / "brief.html"
    result = _run("s1", "--db", db, "--format", "html", "-o", str(out))
    assert result.exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<b>in the terminal</b>" not in page
    assert "&lt;b&gt;" in page


def test_markdown(db):
    result = _run("s1", "--db", db, "--format", "md", "--lang", "en")
    assert result.output.startswith("# ") and "## Timeline" in result.output


def test_unknown_story_exits_2_with_hint(db):
    result = _run("s999", "--db", db)
    assert result.exit_code == 2
    assert "no story 's999'" in result.output and "hint:" in result.output


def test_missing_database_and_bad_lang(tmp_path, db):
    assert _run("s1", "--db", str(tmp_path / "nope.db")).exit_code == 2
    bad = _run("s1", "--db", db, "--lang", "english!")
    assert bad.exit_code == 2 and "hint:" in bad.output


def test_a_language_the_story_does_not_have_is_said(db):
    result = _run("s1", "--db", db, "--lang", "xx")
    assert result.exit_code == 0, result.output
    assert "note: no article of story s1 is in 'xx' (it has en)" in result.stderr
    assert "note:" not in _run("s1", "--db", db, "--lang", "en").stderr


def test_an_output_file_in_a_missing_folder_is_a_clear_error(db, tmp_path):
    missing = tmp_path / "missing" / "dir" / "x.html"
    result = _run("s1", "--db", db, "--format", "html", "-o", str(missing))
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.stderr and "hint:" in result.stderr and "Traceback" not in result.output
    assert not isinstance(result.exception, FileNotFoundError)
    folder = _run("s1", "--db", db, "-o", str(tmp_path))
    assert folder.exit_code == 2 and "is a folder" in folder.stderr
