"""`storyline threads`, `show` naming a story's storyline, and `eval threads`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "storylines"


def run(*args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("threads") / "threads.db")
    run("ingest", str(FIXTURES / "affair.jsonl"), str(FIXTURES / "same_city.jsonl"), "--db", path)
    return path


def test_threads_lists_the_storylines_of_several_events_with_their_timeline(db):
    lines = json.loads(run("threads", "--db", db, "--json"))
    assert [(line["id"], line["stories"], line["articles"]) for line in lines] == [("L1", 3, 6)]
    events = lines[0]["events"]
    assert [e["first"][:10] for e in events] == ["2026-04-01", "2026-04-09", "2026-04-20"]
    assert set(events[0]) == {"story_id", "headline", "size", "copies", "languages", "first", "last", "summary"}
    text = run("threads", "--db", db)
    assert "L1  3 events, 6 art" in text and "2026-04-20" in text
    assert len(json.loads(run("threads", "--db", db, "--json", "--all"))) == 3  # and the flood, the marathon


def test_show_names_the_storyline_and_its_other_events(db):
    shown = json.loads(run("show", "s2", "--db", db, "--json"))
    assert shown["storyline"] == "L1"
    assert "storyline L1 with s1, s3" in run("show", "s2", "--db", db)
    assert "storyline L2 (no other event yet)" in run("show", "s4", "--db", db)


def test_eval_threads_scores_storylines_against_labelled_threads(tmp_path):
    both = tmp_path / "both.jsonl"
    both.write_text((FIXTURES / "affair.jsonl").read_text() + (FIXTURES / "same_city.jsonl").read_text())
    result = json.loads(run("eval", "threads", str(both), "--json"))
    assert result["bcubed_f1"] == 1.0 and (result["n_storylines"], result["n_threads"]) == (3, 3)
    # the affair's 6 articles in three events: 12 pairs of two events, all apart in one storyline
    assert (result["thread_pairs"], result["apart_linked"], result["merged"]) == (12, 12, 0)
    assert "apart and linked 100.0%" in run("eval", "threads", str(both))


def test_the_brief_of_an_event_ends_with_the_events_before_and_after_it(db):
    text = run("brief", "s2", "--db", db)
    assert text.rstrip().endswith("  before: s1  Police raid Bellmont port authority over dredging contracts\n"
                                  "  next:   s3  Lena Varga resigns as port commissioner")
    assert "Storyline L1 (event 2 of 3)" in text
    assert "- next: **s3** Lena Varga resigns as port commissioner" in run("brief", "s2", "--db", db, "--format", "md")
    assert "Storyline" not in run("brief", "s4", "--db", db)  # a storyline of one event: nothing around it
    assert "storyline" not in json.loads(run("brief", "s2", "--db", db, "--json"))  # the schema stays as it is
